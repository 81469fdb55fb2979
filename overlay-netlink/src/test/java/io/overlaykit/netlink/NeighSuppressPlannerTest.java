package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Neighbour;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.Vni;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spi.HostFacts;
import io.overlaykit.core.spi.NetOp;
import io.overlaykit.core.spi.SwitchIntent;
import io.overlaykit.core.spi.SwitchPlan;
import io.overlaykit.core.testing.InMemoryLinks;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Neighbour suppression's part of the Linux switch's plan: the flag on the VXLAN port, a permanent neighbour entry
 * on the bridge per spec container address, a static bridge FDB entry per container MAC (on the VXLAN port for
 * remote ones, on the veth port for local ones), kept in sync as containers and peers come and go.
 */
class NeighSuppressPlannerTest {
    private static final InterfaceName BR = InterfaceName.of("oksup-br");
    private static final InterfaceName DEV = VxlanDevices.name(BR, Vni.of(5000));
    private static final InterfaceName PA = InterfaceName.of("oksup-pa");
    private static final InterfaceName GW = InterfaceName.of("oksup-gw");
    private static final MacAddress MA = MacAddress.parse("02:00:00:00:00:0a");
    private static final MacAddress MB = MacAddress.parse("02:00:00:00:00:0b");
    private static final MacAddress MC = MacAddress.parse("02:00:00:00:00:0c");
    private static final MacAddress GA = MacAddress.parse("02:00:00:00:01:0a");
    private static final MacAddress GB = MacAddress.parse("02:00:00:00:01:0b");
    private static final MacAddress GC = MacAddress.parse("02:00:00:00:01:0c");

    private final InMemoryLinks links = new InMemoryLinks(NetNamespace.named("oksup-fake"));
    private final LinuxBridgeSwitch sw = new LinuxBridgeSwitch(links);

    private final HostFacts facts = new FakeHostFacts(links);

    /** A container behind a host: its name, address and MAC. */
    private record C(String host, String ip, MacAddress mac) {
    }

    private static final C A = new C("hA", "172.16.0.10", MA);
    private static final C B = new C("hB", "172.16.0.11", MB);
    private static final C CC = new C("hC", "172.16.0.12", MC);
    private static final C A6 = new C("hA", "fd00:16::a", MA);
    private static final C B6 = new C("hB", "fd00:16::b", MB);

    /**
     * Host hA's intent: its local containers (a port each), the gateway port, and peers among hB and hC with their
     * containers' MACs and gateway; the addresses are every container's.
     */
    private static SwitchIntent intent(List<String> peerHosts, C... containers) {
        List<SwitchIntent.Port> ports = new ArrayList<>();
        List<SwitchIntent.Address> addresses = new ArrayList<>();
        for (C c : containers) {
            addresses.add(new SwitchIntent.Address(c.host(), IpPrefix.parseAddress(c.ip()), c.mac()));
            if (c.host().equals("hA") && ports.stream().noneMatch(p -> p.mac().equals(c.mac()))) {
                ports.add(new SwitchIntent.Port(PA, Target.container("a"), InterfaceName.of("eth0"), "attach a",
                        "txoff a", false, "a", c.mac(), IpPrefix.parseAddress(c.ip())));
            }
        }
        ports.add(new SwitchIntent.Port(GW, Target.HOST, InterfaceName.of("oksup-gwh"), "gateway attach",
                "gateway txoff", false, "hA", GA, IpPrefix.parseAddress("172.16.0.1")));
        List<SwitchIntent.Peer> peers = new ArrayList<>();
        for (String h : peerHosts) {
            List<MacAddress> macs = new ArrayList<>();
            Stream.of(containers).filter(c -> c.host().equals(h)).map(C::mac).distinct().forEach(macs::add);
            macs.add(h.equals("hB") ? GB : GC);
            String remote = h.equals("hB") ? "192.0.2.3" : "192.0.2.4";
            peers.add(new SwitchIntent.Peer(h, IpPrefix.parseAddress(remote), InterfaceName.of("okt-" + h),
                    "tunnel " + h, macs));
        }
        return new SwitchIntent("demo", new Bridge(BR, 1450, "overlaykit:demo"), Vni.of(5000), 4789,
                IpPrefix.parseAddress("192.0.2.2"), InterfaceName.of("eth0"), peers, ports).withAddresses(addresses);
    }

    private SwitchPlan plan(SwitchIntent intent) {
        return sw.plan(intent, sw.observe(intent, facts), facts);
    }

    /** The changes of the plan that concern suppression: the flag, neighbours on the bridge, bridge FDB entries. */
    private static List<String> suppression(SwitchPlan p) {
        return Stream.of(p.tunnels().stream(), p.attach().values().stream(), p.removals().stream()).flatMap(s -> s)
                .flatMap(s -> s.changes().stream().map(c -> s.id() + ": " + c.describe()))
                .filter(c -> c.contains("neigh_suppress") || c.contains("dev " + BR) || c.contains("master static"))
                .toList();
    }

    private void execute(SwitchPlan p) {
        List<NetOp> ops = new ArrayList<>();
        Stream.of(p.bridge().stream(), p.tunnels().stream(), p.attach().values().stream(), p.removals().stream())
                .flatMap(s -> s).map(Step::changes).flatMap(List::stream)
                .filter(c -> c instanceof Change.Net).forEach(c -> ops.add(((Change.Net) c).op()));
        links.execute(ops);
    }

    private void ports() {
        links.create(new VethPair(PA, InterfaceName.of("oksup-pab"), null, 1450, null, null));
        links.create(new VethPair(GW, InterfaceName.of("oksup-gwh"), null, 1450, null, null));
    }

    @Test
    void remoteContainersAreAnsweredThroughTheVxlanPortAndLocalOnesStayOnTheirPort() {
        ports();
        SwitchPlan p = plan(intent(List.of("hB", "hC"), A, B, CC));
        assertThat(suppression(p)).containsExactly(
                "neigh suppress: set bridge port " + DEV + " neigh_suppress on in host",
                "neigh suppress: add neighbour 172.16.0.10 lladdr " + MA + " dev " + BR + " in host",
                "neigh suppress: add neighbour 172.16.0.11 lladdr " + MB + " dev " + BR + " in host",
                "neigh suppress: add neighbour 172.16.0.12 lladdr " + MC + " dev " + BR + " in host",
                "neigh suppress: append fdb " + MB + " dev " + DEV + " master static in host",
                "neigh suppress: append fdb " + MC + " dev " + DEV + " master static in host",
                "attach a: append fdb " + MA + " dev " + PA + " master static in host");
        assertThat(p.tunnels()).extracting(Step::id).containsExactly("tunnel hB", "tunnel hC", "neigh suppress");
        assertThat(p.attach().get(GW).changes()).as("the gateway is no target")
                .noneMatch(c -> c.describe().contains("master static"));
        execute(p);
        assertThat(links.get(DEV).neighSuppress()).isTrue();
        assertThat(links.neighbours(BR)).allMatch(Neighbour::isPermanent).hasSize(3);
        assertThat(suppression(plan(intent(List.of("hB", "hC"), A, B, CC)))).as("in sync").isEmpty();
    }

    @Test
    void aContainerOrAPeerThatLeavesTakesItsEntriesWithItAndTheRemovalHasItsInverse() {
        ports();
        execute(plan(intent(List.of("hB", "hC"), A, B, CC)));

        SwitchPlan noB = plan(intent(List.of("hB", "hC"), A, CC));
        assertThat(suppression(noB)).containsExactly(
                "neigh suppress gone: delete neighbour 172.16.0.11 lladdr " + MB + " dev " + BR + " in host",
                "bridge fdb gone: delete fdb " + MB + " dev " + DEV + " master static in host");
        assertThat(noB.removals()).filteredOn(s -> s.id().endsWith("gone")).allMatch(Step::removal)
                .flatExtracting(Step::changes).extracting(c -> c.inverse().describe()).containsExactly(
                        "add neighbour 172.16.0.11 lladdr " + MB + " dev " + BR + " in host",
                        "append fdb " + MB + " dev " + DEV + " master static in host");

        SwitchPlan noC = plan(intent(List.of("hB"), A, B));
        assertThat(suppression(noC)).containsExactly(
                "neigh suppress gone: delete neighbour 172.16.0.12 lladdr " + MC + " dev " + BR + " in host",
                "bridge fdb gone: delete fdb " + MC + " dev " + DEV + " master static in host");
        execute(noC);
        assertThat(links.neighbours(BR)).extracting(n -> n.address().getHostAddress())
                .containsExactlyInAnyOrder("172.16.0.10", "172.16.0.11");
        assertThat(suppression(plan(intent(List.of("hB"), A, B)))).isEmpty();
    }

    @Test
    void aContainerThatMovedHostsHasItsBridgeEntryMovedToTheVxlanPort() {
        ports();
        execute(plan(intent(List.of("hB"), A, B)));
        C aOnB = new C("hB", A.ip(), MA);
        assertThat(suppression(plan(intent(List.of("hB"), aOnB, B)))).containsExactly(
                "neigh suppress: append fdb " + MA + " dev " + DEV + " master static in host");
        assertThat(plan(intent(List.of("hB"), aOnB, B)).tunnels().get(1).changes())
                .extracting(c -> c.inverse().describe())
                .containsExactly("append fdb " + MA + " dev " + PA + " master static in host");
    }

    @Test
    void aDualStackSpecGetsNeighbourEntriesForBothFamiliesAndOneFdbEntryPerMac() {
        ports();
        SwitchPlan p = plan(intent(List.of("hB"), A, A6, B, B6));
        assertThat(suppression(p)).filteredOn(c -> c.contains("neighbour")).containsExactly(
                "neigh suppress: add neighbour 172.16.0.10 lladdr " + MA + " dev " + BR + " in host",
                "neigh suppress: add neighbour fd00:16:0:0:0:0:0:a lladdr " + MA + " dev " + BR + " in host",
                "neigh suppress: add neighbour 172.16.0.11 lladdr " + MB + " dev " + BR + " in host",
                "neigh suppress: add neighbour fd00:16:0:0:0:0:0:b lladdr " + MB + " dev " + BR + " in host");
        assertThat(suppression(p)).filteredOn(c -> c.contains("master static")).containsExactly(
                "neigh suppress: append fdb " + MB + " dev " + DEV + " master static in host",
                "attach a: append fdb " + MA + " dev " + PA + " master static in host");
    }

    @Test
    void aHostWithoutContainersStillAnswersForTheRemoteOnes() {
        links.create(new VethPair(GW, InterfaceName.of("oksup-gwh"), null, 1450, null, null));
        SwitchIntent bOnly = intent(List.of("hB"), B);
        SwitchPlan p = plan(bOnly);
        assertThat(suppression(p)).containsExactly(
                "neigh suppress: set bridge port " + DEV + " neigh_suppress on in host",
                "neigh suppress: add neighbour 172.16.0.11 lladdr " + MB + " dev " + BR + " in host",
                "neigh suppress: append fdb " + MB + " dev " + DEV + " master static in host");
    }

    @Test
    void whatIsNotASpecContainerIsNoTargetAndOursOnTheBridgeIsRemoved() {
        ports();
        execute(plan(intent(List.of("hB"), A, B)));
        // a container on the bridge that is not in the spec: an entry for it on our bridge is extra
        Neighbour stranger = new Neighbour(BR, IpPrefix.parseAddress("172.16.0.99"), MacAddress.parse("02:00:00:00:00:99"));
        links.addNeighbour(stranger);
        links.addFdb(FdbEntry.bridge(GW, MacAddress.parse("02:00:00:00:00:99")));
        // an address whose MAC is neither on a port here nor behind a peer: the bridge cannot say where it is
        C nowhere = new C("hZ", "172.16.0.77", MacAddress.parse("02:00:00:00:00:77"));
        assertThat(suppression(plan(intent(List.of("hB"), A, B, nowhere)))).containsExactly(
                "neigh suppress gone: delete neighbour 172.16.0.99 lladdr 02:00:00:00:00:99 dev " + BR + " in host",
                "bridge fdb gone: delete fdb 02:00:00:00:00:99 dev " + GW + " master static in host");
    }

    @Test
    void withoutAPeerNothingIsSuppressedAndWhatWasIsRemoved() {
        ports();
        execute(plan(intent(List.of("hB"), A, B)));
        SwitchPlan alone = plan(intent(List.of(), A));
        assertThat(alone.tunnels()).isEmpty();
        assertThat(suppression(alone)).containsExactlyInAnyOrder(
                "neigh suppress gone: delete neighbour 172.16.0.10 lladdr " + MA + " dev " + BR + " in host",
                "neigh suppress gone: delete neighbour 172.16.0.11 lladdr " + MB + " dev " + BR + " in host",
                "bridge fdb gone: delete fdb " + MA + " dev " + PA + " master static in host");
    }

    @Test
    void aRemadeVxlanDeviceGetsTheFlagAndItsEntriesAgain() {
        ports();
        execute(plan(intent(List.of("hB"), A, B)));
        SwitchIntent base = intent(List.of("hB"), A, B);
        SwitchIntent moved = new SwitchIntent(base.owner(), base.bridge(), base.vni(), base.udpPort(),
                IpPrefix.parseAddress("192.0.2.9"), base.device(), base.peers(), base.ports())
                .withAddresses(base.addresses());
        assertThat(suppression(plan(moved))).containsExactly(
                "neigh suppress: set bridge port " + DEV + " neigh_suppress on in host",
                "neigh suppress: append fdb " + MB + " dev " + DEV + " master static in host");
        assertThat(plan(moved).tunnels().get(1).changes().get(0).inverse()).as("the device goes on undo").isNull();
    }

    @Test
    void aFlagTurnedOffBehindOurBackIsDriftWithItsInverse() {
        ports();
        execute(plan(intent(List.of("hB"), A, B)));
        links.setNeighSuppress(DEV, false);
        Step s = plan(intent(List.of("hB"), A, B)).tunnels().get(1);
        assertThat(s.changes()).extracting(c -> c.describe() + " / undo " + c.inverse().describe()).containsExactly(
                "set bridge port " + DEV + " neigh_suppress on in host / undo set bridge port " + DEV
                        + " neigh_suppress off in host");
    }

    @Test
    void theBridgeGetsAMacOfItsOwnSoPortsComingAndGoingNeverFlushItsEntries() {
        ports();
        execute(plan(intent(List.of("hB"), A, B)));
        MacAddress own = LinuxSwitchPlanner.bridgeMac("overlaykit:demo", BR);
        assertThat(links.get(BR).mac()).isEqualTo(own);
        links.setMac(BR, MA); // what the kernel does to a bridge whose MAC was never set: it takes a port's
        assertThat(plan(intent(List.of("hB"), A, B)).bridge().get(0).changes())
                .extracting(c -> c.describe() + " / undo " + c.inverse().describe())
                .containsExactly("set address " + own + " on " + BR + " in host / undo set address " + MA + " on " + BR
                        + " in host");
        assertThat(own.toBytes()[0] & 0x03).as("unicast, locally administered").isEqualTo(0x02);
        assertThat(LinuxSwitchPlanner.bridgeMac("overlaykit:other", BR)).isNotEqualTo(own);
    }
}
