package io.overlaykit.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.Neighbour;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.plan.Plan;
import io.overlaykit.core.spi.FirewallTable;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven: for each kind of drift on an applied host, the exact changes the plan makes (and so what
 * status reports), and that applying them leaves an empty plan.
 */
class DriftTest {
    private static final Names N = Names.of("okcore");
    private static final InterfaceName POD_A = N.containerVeth("podA");
    private static final InterfaceName GW = N.gatewayVeth("hostA");

    @TempDir
    Path tmp;

    static Stream<Arguments> drifts() {
        return Stream.of(
                drift("in sync", w -> { }),
                drift("missing veth", w -> w.root().delete(POD_A),
                        "veth podA: create veth " + POD_A + " <-> eth0 in container okcore-podA mtu 1450 mac "
                                + N.containerMac("podA") + " in host",
                        "attach podA: plug " + POD_A + " into " + N.bridge(),
                        "txoff podA: tx checksum offload off on " + POD_A + " in host",
                        "up podA: sysctl net.ipv6.conf." + POD_A + ".disable_ipv6 1 in host",
                        "up podA: set " + POD_A + " up in host",
                        "sysctl podA: sysctl net.ipv6.conf.eth0.autoconf 0 in container okcore-podA",
                        "sysctl podA: sysctl net.ipv4.conf.eth0.arp_notify 1 in container okcore-podA",
                        "sysctl podA: sysctl net.ipv6.conf.eth0.disable_ipv6 1 in container okcore-podA",
                        "txoff podA eth0: tx checksum offload off on eth0 in container okcore-podA",
                        "address podA: add address 172.16.0.10/12 to eth0 in container okcore-podA",
                        "eth0 podA: set eth0 up in container okcore-podA",
                        "route podA: add route default via 172.16.0.1 dev eth0 in container okcore-podA",
                        "neighbours podA: add neighbour 172.16.0.11 lladdr " + N.containerMac("podB")
                                + " dev eth0 in container okcore-podA",
                        "neighbours podA: add neighbour 172.16.0.12 lladdr " + N.containerMac("podC")
                                + " dev eth0 in container okcore-podA",
                        "neighbours podA: add neighbour 172.16.0.1 lladdr " + N.gatewayMac("hostA")
                                + " dev eth0 in container okcore-podA",
                        "neighbours podA: add neighbour 172.16.0.2 lladdr " + N.gatewayMac("hostB")
                                + " dev eth0 in container okcore-podA",
                        "reply-route podA hostB: add route default via 172.16.0.2 dev eth0 table "
                                + IngressPlanner.mark(1) + " in container okcore-podA"),
                drift("wrong MTU", w -> w.root().setMtu(GW, 1400),
                        "gateway mtu: set mtu 1450 on " + GW + " in host"),
                drift("link down", w -> w.root().setDown(POD_A),
                        "up podA: set " + POD_A + " up in host"),
                drift("detached port", w -> w.sw.ports.get(N.bridge()).remove(POD_A),
                        "attach podA: plug " + POD_A + " into " + N.bridge()),
                drift("dead port", w -> w.sw.dead.add(POD_A),
                        "attach podA: plug " + POD_A + " into " + N.bridge()),
                drift("missing tunnel", w -> w.sw.tunnels.get(N.bridge()).clear(),
                        "tunnel hostB: add vxlan " + N.tunnel("hostB") + " vni 5000 to 192.0.2.3:4789 on " + N.bridge()),
                drift("tx checksum back on", w -> w.root().setTxChecksum(GW, true),
                        "gateway txoff: tx checksum offload off on " + GW + " in host"),
                drift("missing address", w -> w.root().deleteAddress(GW, IpPrefix.parse("172.16.0.1/12")),
                        "gateway address: add address 172.16.0.1/12 to " + GW + " in host"),
                drift("missing neighbour entry", w -> w.root().deleteNeighbour(neighbour("172.16.0.12", "podC")),
                        "neighbours gateway: add neighbour 172.16.0.12 lladdr " + N.containerMac("podC") + " dev " + GW
                                + " in host"),
                drift("learned entry where a permanent one belongs", w -> w.root().addNeighbour(new Neighbour(GW,
                                IpPrefix.parseAddress("172.16.0.12"), N.containerMac("podC"), Neighbour.State.REACHABLE)),
                        "neighbours gateway: add neighbour 172.16.0.12 lladdr " + N.containerMac("podC") + " dev " + GW
                                + " in host"),
                drift("entry with another MAC", w -> w.root().addNeighbour(new Neighbour(GW,
                                IpPrefix.parseAddress("172.16.0.12"), MacAddress.parse("02:00:00:00:00:99"))),
                        "neighbours gateway: add neighbour 172.16.0.12 lladdr " + N.containerMac("podC") + " dev " + GW
                                + " in host"),
                drift("extra permanent entry", w -> w.root().addNeighbour(new Neighbour(GW,
                                IpPrefix.parseAddress("172.16.0.99"), MacAddress.parse("02:00:00:00:00:99"))),
                        "neighbours gone gateway: delete neighbour 172.16.0.99 lladdr 02:00:00:00:00:99 dev " + GW
                                + " in host"),
                drift("a learned entry of somebody else stays", w -> w.root().addNeighbour(new Neighbour(GW,
                        IpPrefix.parseAddress("172.16.0.99"), MacAddress.parse("02:00:00:00:00:99"),
                        Neighbour.State.STALE))),
                drift("ip_forward off", w -> w.root().sysctls.put("net.ipv4.ip_forward", "0"),
                        "ip_forward: sysctl net.ipv4.ip_forward 0 -> 1 in host"),
                drift("firewall table deleted", w -> w.root().deleteTable("overlaykit_okcore"),
                        "firewall: record firewall.host=" + FirewallCodec.toJson(hostTable()) + " in the host state",
                        "firewall: create nft table overlaykit_okcore (4 rules) in host"),
                drift("foreign object with our prefix", w -> w.root().create(new VethPair(
                        InterfaceName.of("okvthirs-1"), InterfaceName.of("x-peer"), null, 1450, null, "someone-else"))),
                drift("leftover of ours", w -> w.root().create(new VethPair(N.containerVeth("gone"),
                                InterfaceName.of("x-peer"), null, 1450, null, N.alias())),
                        "remove link " + N.containerVeth("gone") + ": delete link " + N.containerVeth("gone") + " in host"));
    }

    private static Neighbour neighbour(String ip, String container) {
        return new Neighbour(GW, IpPrefix.parseAddress(ip), N.containerMac(container));
    }

    /** hostA's table of {@link Specs#TWO_HOSTS}, written out. */
    private static FirewallTable hostTable() {
        IpPrefix subnet = IpPrefix.parse("172.16.0.0/12");
        return new FirewallTable("overlaykit_okcore", List.of(
                new FirewallTable.Masquerade(subnet, InterfaceName.of("eth0"), subnet, false),
                new FirewallTable.Masquerade(subnet, null, null, true),
                new FirewallTable.ForwardAccept(subnet, GW),
                new FirewallTable.Dnat(FirewallTable.Protocol.TCP, IpPrefix.parseAddress("192.0.2.5"), 1234,
                        IpPrefix.parseAddress("172.16.0.12"), 9000)));
    }

    private static Arguments drift(String name, Consumer<World> perturb, String... changes) {
        return Arguments.of(name, perturb, List.of(changes));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drifts")
    void planHasExactlyTheChangesThatRestoreTheHost(String name, Consumer<World> perturb, List<String> expected) {
        World w = new World(tmp, "hostA", true);
        w.apply(Specs.twoHosts());
        perturb.accept(w);
        Plan plan = w.plan(Specs.twoHosts());
        List<String> actual = plan.pending().stream()
                .flatMap(s -> s.changes().stream().map(c -> s.id() + ": " + c.describe())).toList();
        assertThat(actual).as(name).containsExactlyElementsOf(expected);
        assertThat(w.status(Specs.twoHosts()).drift()).hasSize(plan.pending().size());
        w.apply(Specs.twoHosts());
        assertThat(w.plan(Specs.twoHosts()).isEmpty()).as("after applying the drift of " + name).isTrue();
    }
}
