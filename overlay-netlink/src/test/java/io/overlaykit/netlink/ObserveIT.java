package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.Route;
import io.overlaykit.core.spi.NamespaceView;
import io.overlaykit.core.spi.RequestCounter;
import io.overlaykit.core.spi.RequestHook.Access;
import io.overlaykit.core.spi.RequestHook.Backend;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * observe() in a namespace holding one object of each kind, made with {@code ip} and {@code bridge}, compared
 * kind by kind with what {@code ip -j} and {@code bridge -j} list there; and counted: one dump per kind.
 */
class ObserveIT extends InFreshNamespace {
    private static final String PEER_NS = "oknl-op-" + ProcessHandle.current().pid();

    ObserveIT() {
        super("o");
    }

    @BeforeEach
    void fill() {
        Oracle.run("ip", "netns", "add", PEER_NS);
        String[][] steps = {
            {"sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"},
            {"ip", "link", "set", "lo", "up"},
            {"ip", "link", "add", "oknl-a", "type", "veth", "peer", "name", "eth0", "netns", PEER_NS},
            {"ip", "-n", PEER_NS, "link", "set", "eth0", "up"},
            {"ip", "link", "add", "oknl-br", "type", "bridge"},
            {"ip", "link", "set", "oknl-br", "alias", "overlaykit:observe"},
            {"ip", "link", "add", "oknl-b", "type", "veth", "peer", "name", "oknl-c"},
            {"ip", "link", "set", "oknl-c", "master", "oknl-br", "mtu", "1400"},
            {"ip", "addr", "add", "192.0.2.2/24", "dev", "oknl-a"},
            {"ip", "addr", "add", "2001:db8::2/64", "dev", "oknl-a", "nodad"},
            {"ip", "addr", "add", "172.16.0.1/24", "dev", "oknl-br"},
            {"ip", "link", "add", "oknl-vx", "type", "vxlan", "id", "5000", "local", "192.0.2.2", "dev", "oknl-a",
                "dstport", "4789", "nolearning"},
            {"ip", "link", "set", "oknl-vx", "master", "oknl-br"},
            {"ip", "link", "set", "oknl-a", "up"},
            {"ip", "link", "set", "oknl-br", "up"},
            {"ip", "link", "set", "oknl-vx", "up"},
            {"ip", "link", "set", "oknl-c", "up"},
            {"ip", "route", "add", "default", "via", "192.0.2.1"},
            {"ip", "route", "add", "198.51.100.0/24", "via", "192.0.2.9", "table", "100"},
            {"ip", "route", "add", "198.51.100.7", "via", "192.0.2.9", "dev", "oknl-a", "onlink", "metric", "5"},
            {"ip", "route", "add", "203.0.113.0/24", "nexthop", "via", "192.0.2.3", "dev", "oknl-a", "weight", "1",
                "nexthop", "via", "192.0.2.4", "dev", "oknl-a", "weight", "2"},
            {"ip", "-6", "route", "add", "2001:db8:1::/64", "via", "2001:db8::1", "metric", "300"},
            {"ip", "-6", "route", "add", "2001:db8:2::/64", "via", "2001:db8::1", "table", "100"},
            {"ip", "rule", "add", "from", "172.16.0.0/24", "lookup", "100", "pref", "1000"},
            {"ip", "rule", "add", "fwmark", "0x42", "lookup", "100", "pref", "1001"},
            {"ip", "-6", "rule", "add", "from", "2001:db8::/64", "lookup", "100", "pref", "1002"},
            {"ip", "neigh", "add", "192.0.2.7", "lladdr", "02:00:00:00:00:07", "dev", "oknl-a", "nud", "permanent"},
            {"ip", "neigh", "add", "192.0.2.8", "lladdr", "02:00:00:00:00:08", "dev", "oknl-a", "nud", "stale"},
            {"ip", "neigh", "add", "2001:db8::7", "lladdr", "02:00:00:00:00:17", "dev", "oknl-a", "nud", "permanent"},
            {"bridge", "fdb", "append", "00:00:00:00:00:00", "dev", "oknl-vx", "dst", "192.0.2.3", "self", "permanent"},
            {"bridge", "fdb", "append", "00:00:00:00:00:00", "dev", "oknl-vx", "dst", "192.0.2.4", "self", "permanent"},
            {"bridge", "fdb", "add", "02:00:00:00:00:0c", "dev", "oknl-vx", "dst", "192.0.2.3", "self", "permanent"},
        };
        for (String[] s : steps) {
            Oracle.in(NS, s);
        }
    }

    @AfterEach
    void deletePeer() {
        Oracle.run(false, "ip", "netns", "del", PEER_NS);
    }

    @Test
    void observeIsWhatIpListsKindByKindInOneDumpEach() {
        RequestCounter counter = new RequestCounter();
        stack.requestHook(counter);

        NamespaceView v = links.observe();

        assertThat(counter.snapshot()).isEqualTo(Map.of("NETLINK_READ", 6L));
        assertThat(counter.count(Backend.NETLINK, Access.READ)).isEqualTo(6);
        stack.requestHook(null);

        assertThat(links(v)).isEqualTo(oracleLinks());
        assertThat(addresses(v)).isEqualTo(oracleAddresses());
        assertThat(routes(v)).isEqualTo(oracleRoutes());
        assertThat(rules(v)).isEqualTo(oracleRules());
        assertThat(neighbours(v)).isEqualTo(oracleNeighbours());
        assertThat(fdb(v)).isEqualTo(oracleFdb());
        // the namespace really holds what the kinds above cover, so the equalities mean something
        assertThat(routes(v)).anyMatch(r -> r.contains("nexthop"));
        assertThat(neighbours(v)).anyMatch(n -> n.endsWith("STALE"));
        assertThat(fdb(v)).hasSize(3);
    }

    // ---- ours, as text ----

    private static List<String> links(NamespaceView v) {
        Map<Integer, String> names = new HashMap<>();
        v.links().forEach(l -> names.put(l.index(), l.name().value()));
        return sorted(v.links().stream().map(l -> link(l.index(), l.name().value(), l.kind(), l.mtu(), l.up(),
                names.get(l.masterIndex()), l.alias(), l.mac() == null ? null : l.mac().toString())));
    }

    private static List<String> addresses(NamespaceView v) {
        return sorted(v.addresses().stream().map(a -> a.link() + " " + prefix(a.prefix().address(), a.prefix().length())));
    }

    private static List<String> routes(NamespaceView v) {
        return sorted(v.routes().stream().map(ObserveIT::route));
    }

    private static String route(Route r) {
        String dst = r.destination() == null ? "default" : routeDst(r.destination());
        String hops = r.nexthops().stream().map(h -> " nexthop " + addr(h.gateway()) + " " + h.device() + " "
                + h.weight()).collect(Collectors.joining());
        return dst + " via " + addr(r.gateway()) + " dev " + r.device() + " table " + r.table() + " metric "
                + r.metric() + (r.onLink() ? " onlink" : "") + hops;
    }

    private static List<String> rules(NamespaceView v) {
        return sorted(v.rules().stream().map(r -> rule(r.priority(), r.from() == null ? null
                : prefix(r.from().address(), r.from().length()), r.fwmark(), r.table())));
    }

    private static List<String> neighbours(NamespaceView v) {
        return sorted(v.neighbours().stream().map(n -> n.device() + " " + addr(n.address()) + " " + n.mac() + " "
                + n.state()));
    }

    private static List<String> fdb(NamespaceView v) {
        return sorted(v.fdb().stream().map(e -> e.device() + " " + e.mac() + " " + addr(e.remote())));
    }

    // ---- ip -j and bridge -j, as the same text ----

    private List<String> oracleLinks() {
        List<String> out = new ArrayList<>();
        for (JsonNode l : Oracle.json(NS, "ip", "-j", "-d", "link", "show")) {
            Set<String> flags = new HashSet<>();
            l.path("flags").forEach(f -> flags.add(f.asText()));
            String kind = l.path("linkinfo").path("info_kind").asText(null);
            out.add(link(l.path("ifindex").asInt(), l.path("ifname").asText(), kind, l.path("mtu").asInt(),
                    flags.contains("UP"), l.path("master").asText(null), l.path("ifalias").asText(null),
                    l.path("address").asText("").length() == 17 ? l.path("address").asText() : null));
        }
        return sorted(out.stream());
    }

    private List<String> oracleAddresses() {
        List<String> out = new ArrayList<>();
        for (JsonNode l : Oracle.json(NS, "ip", "-j", "addr", "show")) {
            for (JsonNode a : l.path("addr_info")) {
                out.add(l.path("ifname").asText() + " " + prefix(parse(a.path("local").asText()),
                        a.path("prefixlen").asInt()));
            }
        }
        return sorted(out.stream());
    }

    private List<String> oracleRoutes() {
        List<String> out = new ArrayList<>();
        for (JsonNode r : Oracle.json(NS, "ip", "-N", "-j", "route", "show", "table", "all")) {
            if (r.has("type") && !"unicast".equals(r.path("type").asText())) {
                continue; // local, broadcast, multicast: the kernel's own, not modelled
            }
            String dst = r.path("dst").asText();
            dst = "default".equals(dst) ? dst : dst.contains("/") ? prefix(parse(dst.split("/")[0]),
                    Integer.parseInt(dst.split("/")[1])) : addr(parse(dst));
            String hops = StreamSupport.stream(r.path("nexthops").spliterator(), false)
                    .map(h -> " nexthop " + addr(parse(h.path("gateway").asText())) + " " + h.path("dev").asText()
                            + " " + h.path("weight").asInt()).collect(Collectors.joining());
            Set<String> flags = new HashSet<>();
            r.path("flags").forEach(f -> flags.add(f.asText()));
            out.add(dst + " via " + (r.has("gateway") ? addr(parse(r.path("gateway").asText())) : null)
                    + " dev " + r.path("dev").asText(null) + " table " + r.path("table").asText("254") + " metric "
                    + (r.has("metric") ? r.path("metric").asText() : null) + (flags.contains("onlink") ? " onlink" : "")
                    + hops);
        }
        return sorted(out.stream());
    }

    private List<String> oracleRules() {
        List<String> out = new ArrayList<>();
        for (String family : List.of("-4", "-6")) {
            for (JsonNode r : Oracle.json(NS, "ip", family, "-N", "-j", "rule", "show")) {
                String src = r.path("src").asText();
                // "from all" of the IPv6 family is ::/0 in our model, told apart from the IPv4 rule
                String all = family.equals("-6") ? prefix(parse("::"), 0) : null;
                out.add(rule(r.path("priority").asInt(), "all".equals(src) ? all
                        : prefix(parse(src), r.path("srclen").asInt()), r.has("fwmark")
                        ? Integer.decode(r.path("fwmark").asText()) : null, Integer.parseInt(r.path("table").asText())));
            }
        }
        return sorted(out.stream());
    }

    private List<String> oracleNeighbours() {
        List<String> out = new ArrayList<>();
        for (JsonNode n : Oracle.json(NS, "ip", "-j", "neigh", "show", "nud", "all")) {
            if (n.has("lladdr")) {
                out.add(n.path("dev").asText() + " " + addr(parse(n.path("dst").asText())) + " "
                        + n.path("lladdr").asText() + " " + n.path("state").get(0).asText().toUpperCase(Locale.ROOT));
            }
        }
        return sorted(out.stream());
    }

    private List<String> oracleFdb() {
        Set<String> vxlans = new HashSet<>();
        for (JsonNode l : Oracle.json(NS, "ip", "-j", "-d", "link", "show", "type", "vxlan")) {
            vxlans.add(l.path("ifname").asText());
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : Oracle.json(NS, "bridge", "-j", "fdb", "show")) {
            Set<String> flags = new HashSet<>();
            e.path("flags").forEach(f -> flags.add(f.asText()));
            if (vxlans.contains(e.path("ifname").asText()) && flags.contains("self")) {
                out.add(e.path("ifname").asText() + " " + e.path("mac").asText() + " "
                        + (e.has("dst") ? addr(parse(e.path("dst").asText())) : null));
            }
        }
        return sorted(out.stream());
    }

    // ---- shared text forms ----

    private static String link(int index, String name, String kind, int mtu, boolean up, String master, String alias,
                               String mac) {
        return index + " " + name + " kind " + kind + " mtu " + mtu + (up ? " up" : " down") + " master " + master
                + " alias " + alias + " mac " + mac;
    }

    private static String rule(int priority, String from, Integer fwmark, int table) {
        return priority + " from " + from + " fwmark " + fwmark + " lookup " + table;
    }

    private static InetAddress parse(String s) {
        return IpPrefix.parseAddress(s);
    }

    private static String addr(InetAddress a) {
        return a == null ? null : a.getHostAddress();
    }

    private static String prefix(InetAddress a, int length) {
        return a.getHostAddress() + "/" + length;
    }

    /** A route's destination as ip prints it: without the length for a host route. */
    private static String routeDst(IpPrefix p) {
        boolean host = p.length() == (p.isIpv4() ? 32 : 128);
        return host ? addr(p.address()) : prefix(p.address(), p.length());
    }

    private static List<String> sorted(java.util.stream.Stream<String> s) {
        return s.sorted().toList();
    }

}
