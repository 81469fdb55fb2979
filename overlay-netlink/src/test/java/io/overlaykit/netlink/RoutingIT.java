package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.Neighbour;
import io.overlaykit.core.PolicyRule;
import io.overlaykit.core.Route;
import io.overlaykit.core.VethPair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Addresses, routes, neighbours and policy rules in a fresh namespace, checked with {@code ip -j}. */
class RoutingIT extends InFreshNamespace {
    private static final InterfaceName DEV = InterfaceName.of("oknl-r0");

    RoutingIT() {
        super("r");
    }

    @BeforeEach
    void setUp() {
        links.create(VethPair.builder(DEV.value()).peer("oknl-r1").build());
        links.setUp(DEV);
        links.setUp(InterfaceName.of("oknl-r1"));
    }

    private List<String> oracleAddresses() {
        List<String> out = new ArrayList<>();
        for (JsonNode link : Oracle.json(NS, "ip", "-j", "addr", "show", "dev", DEV.value())) {
            for (JsonNode a : link.path("addr_info")) {
                out.add(a.path("local").asText() + "/" + a.path("prefixlen").asInt());
            }
        }
        return out;
    }

    @Test
    void addressesV4AndV6() {
        IpPrefix v4 = IpPrefix.parse("10.1.0.1/24");
        IpPrefix v6 = IpPrefix.parse("2001:db8::1/64");

        links.setUp(InterfaceName.of("lo"));
        links.addAddress(DEV, v4);
        links.addAddress(DEV, v6);

        assertThat(oracleAddresses()).contains("10.1.0.1/24", "2001:db8::1/64");
        assertThat(links.addresses(DEV)).extracting(a -> a.prefix().toString()).contains("10.1.0.1/24", "2001:db8:0:0:0:0:0:1/64");
        assertThat(links.addresses(null)).extracting(a -> a.link().value()).contains("lo", DEV.value());
        assertThatThrownBy(() -> links.addAddress(DEV, v4)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("EEXIST");
        links.replaceAddress(DEV, v4);

        assertThat(links.deleteAddress(DEV, v4)).isTrue();
        assertThat(links.deleteAddress(DEV, v6)).isTrue();
        assertThat(links.deleteAddress(DEV, v4)).isFalse();
        assertThat(oracleAddresses()).doesNotContain("10.1.0.1/24", "2001:db8::1/64");
    }

    @Test
    void routesDefaultOnlinkAndTables() {
        links.addAddress(DEV, IpPrefix.parse("10.2.0.1/24"));
        Route def = Route.defaultVia("10.2.0.254");
        Route onlink = new Route(IpPrefix.parse("198.51.100.0/24"), IpPrefix.parseAddress("203.0.113.1"), DEV, true,
                Route.MAIN_TABLE, null);
        Route t100 = Route.onLink(IpPrefix.parse("10.50.0.0/16"), DEV).inTable(100);
        Route t1000 = Route.defaultVia("10.2.0.253").viaDevice(DEV).inTable(1000);

        links.addRoute(def);
        links.addRoute(onlink);
        links.addRoute(t100);
        links.addRoute(t1000);

        JsonNode all = Oracle.json(NS, "ip", "-j", "route", "show", "table", "all");
        assertThat(all.toString()).contains("\"dst\":\"default\",\"gateway\":\"10.2.0.254\"");
        assertThat(find(all, "198.51.100.0/24").path("flags").toString()).contains("onlink");
        assertThat(find(all, "198.51.100.0/24").path("gateway").asText()).isEqualTo("203.0.113.1");
        assertThat(find(all, "10.50.0.0/16").path("table").asText()).isEqualTo("100");
        assertThat(all.toString()).contains("\"table\":\"1000\"");

        assertThat(links.routes(Route.MAIN_TABLE)).contains(def.viaDevice(DEV), onlink);
        assertThat(links.routes(100)).containsExactly(t100);
        assertThat(links.routes(1000)).containsExactly(t1000);
        assertThatThrownBy(() -> links.addRoute(def)).isInstanceOf(ConflictException.class);
        links.replaceRoute(Route.defaultVia("10.2.0.250"));
        assertThat(links.routes(Route.MAIN_TABLE)).extracting(r -> r.gateway() == null ? "" : r.gateway().getHostAddress())
                .contains("10.2.0.250").doesNotContain("10.2.0.254");

        assertThat(links.deleteRoute(t100)).isTrue();
        assertThat(links.deleteRoute(t100)).isFalse();
        assertThat(links.deleteRoute(t1000)).isTrue();
        assertThat(Oracle.in(NS, "ip", "route", "show", "table", "all")).doesNotContain("10.50.0.0").doesNotContain("table 1000");
    }

    private static JsonNode find(JsonNode routes, String dst) {
        for (JsonNode r : routes) {
            if (dst.equals(r.path("dst").asText())) {
                return r;
            }
        }
        throw new AssertionError("no route to " + dst + " in " + routes);
    }

    @Test
    void staticNeighbours() {
        Neighbour v4 = new Neighbour(DEV, IpPrefix.parseAddress("10.3.0.7"), MacAddress.parse("02:00:00:00:03:07"));
        Neighbour v6 = new Neighbour(DEV, IpPrefix.parseAddress("2001:db8::7"), MacAddress.parse("02:00:00:00:06:07"));

        links.addNeighbour(v4);
        links.addNeighbour(v6);

        JsonNode neigh = Oracle.json(NS, "ip", "-j", "neigh", "show", "dev", DEV.value());
        assertThat(neigh.toString()).contains("\"dst\":\"10.3.0.7\"", "\"lladdr\":\"02:00:00:00:03:07\"", "PERMANENT",
                "\"dst\":\"2001:db8::7\"");
        assertThat(links.neighbours(DEV)).contains(v4, v6);

        assertThat(links.deleteNeighbour(v4)).isTrue();
        assertThat(links.deleteNeighbour(v4)).isFalse();
        assertThat(Oracle.in(NS, "ip", "neigh", "show", "dev", DEV.value())).doesNotContain("10.3.0.7");
    }

    @Test
    void policyRules() {
        PolicyRule mark = new PolicyRule(1000, 0x42, null, 100);
        PolicyRule from = new PolicyRule(1001, null, IpPrefix.parse("10.4.0.0/24"), 1000);

        links.addRule(mark);
        links.addRule(from);

        JsonNode rules = Oracle.json(NS, "ip", "-j", "rule");
        assertThat(rules.toString()).contains("\"priority\":1000", "\"fwmark\":\"0x42\"", "\"table\":\"100\"",
                "\"priority\":1001", "\"src\":\"10.4.0.0\"", "\"srclen\":24", "\"table\":\"1000\"");
        assertThat(links.rules()).contains(mark, from);
        assertThat(links.rules()).extracting(PolicyRule::table).contains(255, 254, 253);
        assertThatThrownBy(() -> links.addRule(mark)).isInstanceOf(ConflictException.class);

        assertThat(links.deleteRule(mark)).isTrue();
        assertThat(links.deleteRule(mark)).isFalse();
        assertThat(links.deleteRule(from)).isTrue();
        assertThat(Oracle.in(NS, "ip", "rule")).doesNotContain("0x42").doesNotContain("10.4.0.0");
    }
}
