package io.overlaykit.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.InvalidSpecException.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of {@link Ipv6Rules} and {@link DnsRules}, one case each, with the field and value they name. */
class NamesAndIpv6RulesTest {
    private static final String BASE = """
            {"name": "demo", "vni": 5000, "subnet": "172.16.0.0/24", "switch": "ovs", SUBNET6 DNS
             "hosts": [
               {"name": "hostA", "underlay": "192.0.2.2", "gateway": "172.16.0.1", GW6A
                "containers": [{"name": "podA", "ip": "172.16.0.10", "image": "img" IP6A}]},
               {"name": "hostB", "underlay": "UNDERLAYB", "gateway": "172.16.0.2",
                "containers": [{"name": "podB", "ip": "172.16.0.11", "image": "img"}]}
             ]}
            """;

    private static String spec(String subnet6, String dns, String gw6a, String ip6a, String underlayB) {
        return BASE.replace("SUBNET6", subnet6 == null ? "" : "\"subnet6\": \"" + subnet6 + "\",")
                .replace("DNS", dns == null ? "" : "\"dns\": " + dns + ",")
                .replace("GW6A", gw6a == null ? "" : "\"gateway6\": \"" + gw6a + "\",")
                .replace("IP6A", ip6a == null ? "" : ", \"ip6\": \"" + ip6a + "\"")
                .replace("UNDERLAYB", underlayB == null ? "192.0.2.3" : underlayB);
    }

    private static String v6(String subnet6) {
        return spec(subnet6, null, null, null, null);
    }

    private static Problem only(String json) {
        List<Problem> p = catchThrowableOfType(InvalidSpecException.class, () -> OverlaySpec.read(json)).problems();
        assertThat(p).as(p.toString()).hasSize(1);
        return p.get(0);
    }

    private static void refused(String json, String path, String value, String reason) {
        Problem p = only(json);
        assertThat(p.path()).isEqualTo(path);
        assertThat(p.value()).isEqualTo(value);
        assertThat(p.reason()).contains(reason);
    }

    @Test
    void dualStackAddressesAreDerivedFromTheIpv4Ones() {
        OverlaySpec s = OverlaySpec.read(v6("fd00:16::/64"));
        assertThat(s.hasIpv6()).isTrue();
        assertThat(s.ipv6(s.host("hostA").containers().get(0)).getHostAddress()).isEqualTo("fd00:16:0:0:0:0:0:a");
        assertThat(s.gateway6(s.host("hostB")).getHostAddress()).isEqualTo("fd00:16:0:0:0:0:0:2");
        OverlaySpec given = OverlaySpec.read(spec("fd00:16::/64", null, "fd00:16::ff01", "fd00:16::beef", null));
        assertThat(given.ipv6(given.host("hostA").containers().get(0)).getHostAddress())
                .isEqualTo("fd00:16:0:0:0:0:0:beef");
        assertThat(given.gateway6(given.host("hostA")).getHostAddress()).isEqualTo("fd00:16:0:0:0:0:0:ff01");
        // a /120 has exactly the host bits of the IPv4 /24
        assertThat(OverlaySpec.read(v6("fd00:16::/120")).hasIpv6()).isTrue();
        assertThat(OverlaySpec.read(spec(null, null, null, null, null)).hasIpv6()).isFalse();
    }

    @Test
    void subnet6Rules() {
        refused(v6("172.17.0.0/24"), "subnet6", "172.17.0.0/24", "must be an IPv6 network");
        refused(v6("fd00:16::1/64"), "subnet6", "fd00:16:0:0:0:0:0:1/64", "has host bits set");
        refused(v6("fd00:16::/127"), "subnet6", "fd00:16:0:0:0:0:0:0/127", "too small");
        refused(v6("fe80::/64"), "subnet6", "fe80:0:0:0:0:0:0:0/64", "not link-local or multicast");
        refused(v6("ff05::/64"), "subnet6", "ff05:0:0:0:0:0:0:0/64", "not link-local or multicast");
        refused(v6("fd00:16::/121"), "subnet6", "fd00:16:0:0:0:0:0:0/121", "use /120 or shorter");
        refused(v6("fd00:16::"), "subnet6", "fd00:16::", "needs a prefix length");
    }

    @Test
    void ipv6AddressRules() {
        refused(spec(null, null, null, "fd00:16::a", null), "hosts[0].containers[0].ip6", "fd00:16:0:0:0:0:0:a",
                "needs the spec's IPv6 subnet");
        refused(spec(null, null, "fd00:16::1", null, null), "hosts[0].gateway6", "fd00:16:0:0:0:0:0:1",
                "needs the spec's IPv6 subnet");
        refused(spec("fd00:16::/64", null, null, "172.16.0.99", null), "hosts[0].containers[0].ip6", "172.16.0.99",
                "must be an IPv6 address");
        refused(spec("fd00:16::/64", null, null, "fd00:17::a", null), "hosts[0].containers[0].ip6",
                "fd00:17:0:0:0:0:0:a", "outside subnet6 fd00:16:0:0:0:0:0:0/64");
        refused(spec("fd00:16::/64", null, null, "fd00:16::", null), "hosts[0].containers[0].ip6",
                "fd00:16:0:0:0:0:0:0", "subnet-router anycast");
        // given the address that hostB's podB derives (fd00:16::b)
        Problem p = only(spec("fd00:16::/64", null, null, "fd00:16::b", null));
        assertThat(p.path()).isEqualTo("hosts[1].containers[0].ip6");
        assertThat(p.reason()).contains("already used by hosts[0].containers[0].ip6").contains("derived from 172.16.0.11");
        refused(spec("fd00:16::/64", null, "fd00:16::2", null, null), "hosts[1].gateway6", "fd00:16:0:0:0:0:0:2",
                "already used by hosts[0].gateway6");
        refused(spec("fd00:16::/64", null, null, null, "not-an-address"), "hosts[1].underlay", "not-an-address",
                "host names are not accepted");
    }

    @Test
    void underlayRules() {
        refused(spec(null, null, null, null, "2001:db8::3"), "hosts[1].underlay", "2001:db8:0:0:0:0:0:3",
                "is IPv6 while hosts[0].underlay is IPv4");
        refused(spec("fd00:16::/64", null, null, null, "2001:db8::3").replace("192.0.2.2", "fd00:16::98"),
                "hosts[0].underlay", "fd00:16:0:0:0:0:0:98", "lies inside the overlay subnet6");
        refused(spec(null, null, null, null, "2001:db8::3").replace("192.0.2.2", "fe80::2"), "hosts[0].underlay",
                "fe80:0:0:0:0:0:0:2", "link-local underlay needs a scope");
    }

    @Test
    void mtuRulesFollowTheUnderlayAndIpv6() {
        String six = v6("fd00:16::/64").replace("\"switch\": \"ovs\",", "\"switch\": \"ovs\", \"mtu\": 1200,");
        refused(six, "mtu", "1200", "IPv6 needs at least 1280");
        String v6underlay = spec(null, null, null, null, "2001:db8::3").replace("192.0.2.2", "2001:db8::2")
                .replace("\"switch\": \"ovs\",", "\"switch\": \"ovs\", \"mtu\": 65480,");
        refused(v6underlay, "mtu", "65480", "between 576 and 65465");
    }

    @Test
    void dnsObjectFormAndItsRules() {
        OverlaySpec s = OverlaySpec.read(spec(null, "{\"servers\": [\"192.0.2.53\"], \"domain\": \"corp.example\"}",
                null, null, null));
        assertThat(s.dns()).extracting(a -> a.getHostAddress()).containsExactly("192.0.2.53");
        assertThat(s.domain()).isEqualTo("corp.example");
        assertThat(OverlaySpec.read(spec(null, null, null, null, null)).domain()).isEqualTo("demo");
        OverlaySpec serve = OverlaySpec.read(spec(null, "{\"serve\": true, \"upstream\": [\"192.0.2.53\"]}",
                null, null, null));
        assertThat(serve.names().serve()).isTrue();
        assertThat(serve.names().upstream()).extracting(a -> a.getHostAddress()).containsExactly("192.0.2.53");

        refused(spec(null, "{\"domain\": \"bad_domain\"}", null, null, null), "dns.domain", "bad_domain",
                "must be a DNS name");
        refused(spec(null, "{\"domain\": \"corp.example.\"}", null, null, null), "dns.domain", "corp.example.",
                "no trailing dot");
        refused(spec(null, "{\"serve\": true, \"servers\": [\"192.0.2.53\"]}", null, null, null), "dns.servers",
                "[192.0.2.53]", "give the servers it forwards to as \"upstream\"");
        refused(spec(null, "{\"upstream\": [\"192.0.2.53\"]}", null, null, null), "dns.upstream", "[192.0.2.53]",
                "only used with \"serve\": true");
        refused(spec(null, "{\"serve\": true, \"upstream\": [\"224.0.0.1\"]}", null, null, null), "dns.upstream[0]",
                "224.0.0.1", "must be a unicast address");
        refused(spec(null, "{\"domian\": \"x\"}", null, null, null), "dns.domian", "\"x\"", "unknown field");
        refused(spec(null, null, null, null, null).replace("\"podA\"", "\"pod_a\""), "hosts[0].containers[0].name",
                "pod_a", "must be a DNS name");
        refused(spec(null, null, null, null, null).replace("\"demo\"", "\"demo-\""), "name", "demo-",
                "is the default domain");
        assertThat(OverlaySpec.read(spec(null, null, null, null, null).replace("\"demo\"", "\"my_demo\"")).domain())
                .isEqualTo("my-demo");
    }
}
