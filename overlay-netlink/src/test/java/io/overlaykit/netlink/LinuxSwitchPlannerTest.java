package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.Vni;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.core.spi.HostFacts;
import io.overlaykit.core.spi.NetOp;
import io.overlaykit.core.spi.SwitchIntent;
import io.overlaykit.core.spi.SwitchPlan;
import io.overlaykit.core.testing.InMemoryLinks;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Linux switch's part of a plan, from a namespace view: exact changes per kind of drift, none when in sync. */
class LinuxSwitchPlannerTest {
    private static final InterfaceName BR = InterfaceName.of("oklsp-br");
    private static final InterfaceName PORT = InterfaceName.of("oklsp-p1");
    private static final InterfaceName DEV = VxlanDevices.name(BR, Vni.of(5000));

    private final InMemoryLinks links = new InMemoryLinks(NetNamespace.named("oklsp-fake"));
    private final LinuxBridgeSwitch sw = new LinuxBridgeSwitch(links);

    private SwitchIntent intent(String... remotes) {
        List<SwitchIntent.Peer> peers = new ArrayList<>();
        for (int i = 0; i < remotes.length; i++) {
            peers.add(new SwitchIntent.Peer("h" + i, IpPrefix.parseAddress(remotes[i]), InterfaceName.of("okt-h" + i),
                    "tunnel h" + i));
        }
        return new SwitchIntent("demo", new Bridge(BR, 1450, "overlaykit:demo"), Vni.of(5000), 4789,
                IpPrefix.parseAddress("192.0.2.2"), InterfaceName.of("eth0"), peers,
                List.of(new SwitchIntent.Port(PORT, Target.HOST, InterfaceName.of("oklsp-p1b"), "attach p1",
                        "txoff p1", false)));
    }

    private final HostFacts facts = new FakeHostFacts(links);

    private SwitchPlan plan(SwitchIntent intent) {
        return sw.plan(intent, sw.observe(intent, facts), facts);
    }

    private static List<String> changes(SwitchPlan p) {
        return Stream.of(p.bridge().stream(), p.tunnels().stream(), p.attach().values().stream(), p.removals().stream())
                .flatMap(s -> s).flatMap(s -> s.changes().stream().map(c -> s.id() + ": " + c.describe())).toList();
    }

    /** Runs the plan's link changes, as the engine's executor would. */
    private void execute(SwitchPlan p) {
        List<NetOp> ops = new ArrayList<>();
        Stream.of(p.bridge().stream(), p.tunnels().stream(), p.attach().values().stream(), p.removals().stream())
                .flatMap(s -> s).map(Step::changes).flatMap(List::stream)
                .filter(c -> c instanceof Change.Net).forEach(c -> ops.add(((Change.Net) c).op()));
        links.execute(ops);
    }

    @Test
    void aFreshHostGetsBridgeDeviceFloodsAndPortsAsLinkChanges() {
        links.create(new VethPair(PORT, InterfaceName.of("oklsp-p1b"), null, 1450, null, null));
        SwitchPlan p = plan(intent("192.0.2.3", "192.0.2.4"));
        assertThat(changes(p)).containsExactly(
                "bridge: create bridge oklsp-br mtu 1450 in host",
                "bridge: set address " + LinuxSwitchPlanner.bridgeMac("overlaykit:demo", BR) + " on oklsp-br in host",
                "bridge: set oklsp-br up in host",
                "bridge arp: sysctl net.ipv4.conf.oklsp-br.arp_ignore 1 in host",
                "tunnel h0: create vxlan " + DEV + " vni 5000 local 192.0.2.2 dev eth0 dstport 4789 in host",
                "tunnel h0: enslave " + DEV + " to oklsp-br in host",
                "tunnel h0: set " + DEV + " up in host",
                "tunnel h0: append fdb 00:00:00:00:00:00 dev " + DEV + " dst 192.0.2.3 in host",
                "tunnel h1: append fdb 00:00:00:00:00:00 dev " + DEV + " dst 192.0.2.4 in host",
                "neigh suppress: set bridge port " + DEV + " neigh_suppress on in host",
                "attach p1: enslave oklsp-p1 to oklsp-br in host");
        assertThat(p.hostRules()).containsExactly(new FirewallTable.Untracked(BR));
        execute(p);
        assertThat(links.get(DEV).masterIndex()).isEqualTo(links.get(BR).index());
        assertThat(links.fdb(DEV)).extracting(e -> e.remote().getHostAddress()).containsExactly("192.0.2.3", "192.0.2.4");
        assertThat(changes(plan(intent("192.0.2.3", "192.0.2.4")))).as("in sync (arp_ignore reads 1)").isEmpty();
    }

    @Test
    void driftGivesExactlyTheChangesThatRestoreIt() {
        links.create(new VethPair(PORT, InterfaceName.of("oklsp-p1b"), null, 1450, null, null));
        execute(plan(intent("192.0.2.3", "192.0.2.4")));

        links.deleteFdb(FdbEntry.flood(DEV, IpPrefix.parseAddress("192.0.2.4")));
        links.setMaster(PORT, null);
        links.setMtu(BR, 1400);
        assertThat(changes(plan(intent("192.0.2.3", "192.0.2.4")))).filteredOn(c -> !c.startsWith("bridge arp"))
                .containsExactly("bridge: set mtu 1450 on oklsp-br in host",
                        "tunnel h1: append fdb 00:00:00:00:00:00 dev " + DEV + " dst 192.0.2.4 in host",
                        "attach p1: enslave oklsp-p1 to oklsp-br in host");

        // a host that left: its flood entry is a removal; the undo of a planned change comes from the view
        execute(plan(intent("192.0.2.3", "192.0.2.4")));
        SwitchPlan shrunk = plan(intent("192.0.2.3"));
        assertThat(shrunk.removals()).extracting(Step::id).containsExactly("remove tunnel 192.0.2.4");
        assertThat(shrunk.removals().get(0).removal()).isTrue();
    }

    @Test
    void aDeviceWithOtherSettingsIsRemadeWithItsFloods() {
        links.create(new VethPair(PORT, InterfaceName.of("oklsp-p1b"), null, 1450, null, null));
        execute(plan(intent("192.0.2.3")));
        SwitchIntent moved = new SwitchIntent("demo", new Bridge(BR, 1450, "overlaykit:demo"), Vni.of(5000), 4789,
                IpPrefix.parseAddress("192.0.2.9"), InterfaceName.of("eth0"), intent("192.0.2.3").peers(), List.of());
        assertThat(changes(plan(moved))).filteredOn(c -> c.startsWith("tunnel")).containsExactly(
                "tunnel h0: delete link " + DEV + " in host",
                "tunnel h0: create vxlan " + DEV + " vni 5000 local 192.0.2.9 dev eth0 dstport 4789 in host",
                "tunnel h0: enslave " + DEV + " to oklsp-br in host",
                "tunnel h0: set " + DEV + " up in host",
                "tunnel h0: append fdb 00:00:00:00:00:00 dev " + DEV + " dst 192.0.2.3 in host");
    }

    @Test
    void aForeignLinkWithOurNameIsAConflictNotAChange() {
        links.create(new Bridge(BR, 1500, "someone-else"));
        assertThatThrownBy(() -> plan(intent("192.0.2.3"))).isInstanceOf(ConflictException.class)
                .hasMessageContaining("bridge oklsp-br exists but is not ours").hasMessageContaining("someone-else");
    }

    private static final io.overlaykit.core.MacAddress M1 = io.overlaykit.core.MacAddress.parse("02:00:00:00:00:01");
    private static final io.overlaykit.core.MacAddress M2 = io.overlaykit.core.MacAddress.parse("02:00:00:00:00:02");

    private SwitchIntent withMacs(List<io.overlaykit.core.MacAddress> h0, List<io.overlaykit.core.MacAddress> h1) {
        SwitchIntent base = intent("192.0.2.3", "192.0.2.4");
        List<SwitchIntent.Peer> peers = List.of(
                new SwitchIntent.Peer("h0", base.peers().get(0).remote(), base.peers().get(0).tunnel(), "tunnel h0", h0),
                new SwitchIntent.Peer("h1", base.peers().get(1).remote(), base.peers().get(1).tunnel(), "tunnel h1", h1));
        return new SwitchIntent(base.owner(), base.bridge(), base.vni(), base.udpPort(), base.local(), base.device(),
                peers, base.ports());
    }

    @Test
    void everyRemoteMacGetsAStaticEntryTowardsItsHostAndFollowsItWhenItMovesOrLeaves() {
        links.create(new VethPair(PORT, InterfaceName.of("oklsp-p1b"), null, 1450, null, null));
        SwitchPlan fresh = plan(withMacs(List.of(M1), List.of(M2)));
        assertThat(changes(fresh)).filteredOn(c -> c.contains("02:00:00:00:00")).containsExactly(
                "tunnel h0: append fdb " + M1 + " dev " + DEV + " dst 192.0.2.3 in host",
                "tunnel h1: append fdb " + M2 + " dev " + DEV + " dst 192.0.2.4 in host");
        execute(fresh);
        assertThat(changes(plan(withMacs(List.of(M1), List.of(M2))))).as("in sync").isEmpty();

        // M1 moved from h0 to h1: one replace, undone by putting the old VTEP back
        SwitchPlan moved = plan(withMacs(List.of(), List.of(M1, M2)));
        Step h1 = moved.tunnels().get(1);
        assertThat(h1.changes()).extracting(c -> c.describe() + " / undo " + c.inverse().describe()).containsExactly(
                "append fdb " + M1 + " dev " + DEV + " dst 192.0.2.4 in host / undo append fdb " + M1 + " dev " + DEV
                        + " dst 192.0.2.3 in host");
        assertThat(moved.removals()).isEmpty();
        execute(moved);
        assertThat(links.fdb(DEV)).filteredOn(e -> !e.isFlood())
                .extracting(e -> e.mac() + " " + e.remote().getHostAddress())
                .containsExactlyInAnyOrder(M1 + " 192.0.2.4", M2 + " 192.0.2.4");

        // M2 left the spec: its entry is extra, removed, and the removal has an exact inverse
        SwitchPlan left = plan(withMacs(List.of(), List.of(M1)));
        assertThat(left.removals()).extracting(Step::id).containsExactly("remove fdb " + DEV);
        assertThat(left.removals().get(0).changes()).extracting(c -> c.describe() + " / undo " + c.inverse().describe())
                .containsExactly("delete fdb " + M2 + " dev " + DEV + " dst 192.0.2.4 in host / undo append fdb " + M2
                        + " dev " + DEV + " dst 192.0.2.4 in host");
    }
}
