package io.overlaykit.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.Neighbour;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.NamespaceView;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The entry sets each host computes from a spec, as pure functions of it. */
class NeighbourPlannerTest {
    private static final Names N = Names.of("okngh");

    /** hostA: a (ours) and web (existing); hostB: b; hostC: no containers at all. */
    static final String SPEC = """
            {"name": "okngh", "vni": 5000, "subnet": "172.16.0.0/24", "switch": "linux",
             "hosts": [
               {"name": "hostA", "underlay": "192.0.2.2", "gateway": "172.16.0.1",
                "containers": [{"name": "a", "ip": "172.16.0.10", "image": "img"},
                               {"name": "web", "ip": "172.16.0.20", "existing": true}]},
               {"name": "hostB", "underlay": "192.0.2.3", "gateway": "172.16.0.2",
                "containers": [{"name": "b", "ip": "172.16.0.11", "image": "img"}]},
               {"name": "hostC", "underlay": "192.0.2.4", "gateway": "172.16.0.3"}
             ]}
            """;

    private static OverlaySpec spec() {
        return OverlaySpec.read(SPEC);
    }

    private static ContainerSpec container(OverlaySpec spec, String name) {
        return spec.hosts().stream().flatMap(h -> h.containers().stream()).filter(c -> c.name().equals(name))
                .findFirst().orElseThrow();
    }

    private static String entry(String ip, MacAddress mac) {
        return ip + " lladdr " + mac + " dev ";
    }

    @Test
    void aContainerKnowsEveryOtherContainerAndEveryGatewayButItself() {
        OverlaySpec spec = spec();
        List<Neighbour> a = NeighbourPlanner.forContainer(spec, N, container(spec, "a"));
        assertThat(a).extracting(n -> n.address().getHostAddress() + " " + n.mac()).containsExactly(
                "172.16.0.20 " + N.containerMac("web"), "172.16.0.11 " + N.containerMac("b"),
                "172.16.0.1 " + N.gatewayMac("hostA"), "172.16.0.2 " + N.gatewayMac("hostB"),
                "172.16.0.3 " + N.gatewayMac("hostC"));
        assertThat(a).allMatch(Neighbour::isPermanent).allMatch(n -> n.device().equals(Names.CONTAINER_IF));
    }

    @Test
    void anExistingContainerIsAPeerLikeAnyOtherAndGetsTheSameSet() {
        OverlaySpec spec = spec();
        List<Neighbour> web = NeighbourPlanner.forContainer(spec, N, container(spec, "web"));
        assertThat(web).extracting(n -> n.address().getHostAddress())
                .containsExactly("172.16.0.10", "172.16.0.11", "172.16.0.1", "172.16.0.2", "172.16.0.3");
        assertThat(NeighbourPlanner.forContainer(spec, N, container(spec, "b")))
                .extracting(Neighbour::toString).anyMatch(s -> s.startsWith(entry("172.16.0.20", N.containerMac("web"))));
    }

    @Test
    void theGatewayKnowsEveryContainerAndTheOtherGateways() {
        OverlaySpec spec = spec();
        InterfaceName gw = N.gatewayVeth("hostC");
        List<Neighbour> c = NeighbourPlanner.forGateway(spec, N, "hostC");
        assertThat(c).extracting(n -> n.address().getHostAddress())
                .containsExactly("172.16.0.10", "172.16.0.20", "172.16.0.11", "172.16.0.1", "172.16.0.2");
        assertThat(c).allMatch(n -> n.device().equals(gw));
    }

    @Test
    void remoteMacsArePerPeerAndAHostWithoutContainersStillHasItsGateway() {
        OverlaySpec spec = spec();
        Map<String, List<MacAddress>> fromA = NeighbourPlanner.remoteMacs(spec, N, "hostA");
        assertThat(fromA).containsOnlyKeys("hostB", "hostC");
        assertThat(fromA.get("hostB")).containsExactly(N.containerMac("b"), N.gatewayMac("hostB"));
        assertThat(fromA.get("hostC")).containsExactly(N.gatewayMac("hostC"));
        assertThat(NeighbourPlanner.remoteMacs(spec, N, "hostC").get("hostA"))
                .containsExactly(N.containerMac("a"), N.containerMac("web"), N.gatewayMac("hostA"));
    }

    @Test
    void aContainerThatMovedHostsKeepsItsMacAndAddressButChangesTheHostBehindIt() {
        OverlaySpec before = spec();
        OverlaySpec after = OverlaySpec.read(SPEC.replace(
                "\"containers\": [{\"name\": \"b\", \"ip\": \"172.16.0.11\", \"image\": \"img\"}]}",
                "\"containers\": []}").replace("{\"name\": \"hostC\", \"underlay\": \"192.0.2.4\", \"gateway\": \"172.16.0.3\"}",
                "{\"name\": \"hostC\", \"underlay\": \"192.0.2.4\", \"gateway\": \"172.16.0.3\", "
                        + "\"containers\": [{\"name\": \"b\", \"ip\": \"172.16.0.11\", \"image\": \"img\"}]}"));
        assertThat(NeighbourPlanner.forContainer(after, N, container(after, "a")))
                .containsExactlyInAnyOrderElementsOf(NeighbourPlanner.forContainer(before, N, container(before, "a")));
        assertThat(NeighbourPlanner.remoteMacs(after, N, "hostA").get("hostB")).containsExactly(N.gatewayMac("hostB"));
        assertThat(NeighbourPlanner.remoteMacs(after, N, "hostA").get("hostC"))
                .containsExactly(N.containerMac("b"), N.gatewayMac("hostC"));
        assertThat(NeighbourPlanner.remoteMacs(after, N, "hostC")).doesNotContainKey("hostC");
    }

    @Test
    void stepsAddWhatIsMissingReplaceWhatDiffersAndRemoveOnlyPermanentExtras() {
        InterfaceName eth0 = Names.CONTAINER_IF;
        Neighbour want1 = new Neighbour(eth0, IpPrefix.parseAddress("172.16.0.11"), MacAddress.parse("02:00:00:00:00:11"));
        Neighbour want2 = new Neighbour(eth0, IpPrefix.parseAddress("172.16.0.12"), MacAddress.parse("02:00:00:00:00:12"));
        Neighbour want3 = new Neighbour(eth0, IpPrefix.parseAddress("172.16.0.13"), MacAddress.parse("02:00:00:00:00:13"));
        Neighbour wrongMac = new Neighbour(eth0, want2.address(), MacAddress.parse("02:00:00:00:00:99"));
        Neighbour learned = new Neighbour(eth0, want3.address(), want3.mac(), Neighbour.State.STALE);
        Neighbour extra = new Neighbour(eth0, IpPrefix.parseAddress("172.16.0.50"), MacAddress.parse("02:00:00:00:00:50"));
        Neighbour foreignLearned = new Neighbour(eth0, IpPrefix.parseAddress("172.16.0.51"),
                MacAddress.parse("02:00:00:00:00:51"), Neighbour.State.REACHABLE);
        NamespaceView view = new NamespaceView(List.of(), List.of(), List.of(), List.of(),
                List.of(want1, wrongMac, learned, extra, foreignLearned), List.of());
        Target t = Target.container("okngh-a");
        List<Step> steps = NeighbourPlanner.steps("a", "okngh-a", view, false, t, eth0, List.of(want1, want2, want3));
        assertThat(steps).extracting(Step::id).containsExactly("neighbours a", "neighbours gone a");
        assertThat(steps.get(0).changes()).extracting(c -> c.describe() + " / undo " + c.inverse().describe())
                .containsExactly(
                        "add neighbour " + want2 + " in " + t + " / undo add neighbour " + wrongMac + " in " + t,
                        "add neighbour " + want3 + " in " + t + " / undo delete neighbour " + want3 + " in " + t);
        assertThat(steps.get(1).removal()).isTrue();
        assertThat(steps.get(1).changes()).extracting(c -> c.describe() + " / undo " + c.inverse().describe())
                .containsExactly("delete neighbour " + extra + " in " + t + " / undo add neighbour " + extra + " in " + t);

        List<Step> fresh = NeighbourPlanner.steps("a", "okngh-a", view, true, t, eth0, List.of(want1, want2));
        assertThat(fresh).hasSize(1);
        assertThat(fresh.get(0).changes()).hasSize(2);
    }

    @Test
    void theNeighbourTableWarningHasTheNumbersAndComesOnlyPastHalfOfGcThresh3() {
        OverlaySpec spec = spec();
        assertThat(NeighbourPressure.warnings(spec, "hostA", 100, 20, 1024)).isEmpty();
        List<String> w = NeighbourPressure.warnings(spec, "hostA", 600, 20, 1024);
        assertThat(w).hasSize(1);
        assertThat(w.get(0)).contains("600 dynamic IPv4 entries").contains("gc_thresh3 is 1024")
                .contains("20 permanent entries");
        // 2 containers on hostA, 3 containers + 2 other gateways as peers: 10 entries without static ones
        assertThat(NeighbourPressure.warnings(spec, "hostA", 5, 20, 8)).hasSize(2).last().asString()
                .contains("would need 10 dynamic entries");
    }

    @Test
    void statusCarriesTheWarningWhenTheHostsNamespacesHoldManyDynamicEntries(@org.junit.jupiter.api.io.TempDir
                                                                                  java.nio.file.Path tmp) {
        World w = new World(tmp, "hostA", true);
        OverlaySpec spec = Specs.twoHosts();
        w.apply(spec);
        w.root().sysctls.put(NeighbourPressure.GC_THRESH3, "4");
        InterfaceName gw = Names.of("okcore").gatewayVeth("hostA");
        assertThat(w.status(spec).warnings()).isEmpty();
        for (int i = 1; i <= 3; i++) {
            w.root().addNeighbour(new Neighbour(gw, IpPrefix.parseAddress("172.16.9." + i),
                    MacAddress.parse("02:00:00:00:09:0" + i), Neighbour.State.REACHABLE));
        }
        io.overlaykit.core.plan.Status status = w.status(spec);
        assertThat(status.isClean()).as("warnings are not drift").isTrue();
        assertThat(status.warnings()).hasSize(2);
        assertThat(status.toText()).contains("warning: neighbour table: 3 dynamic IPv4 entries");
        assertThat(status.toMap()).containsKey("warnings");
    }
}
