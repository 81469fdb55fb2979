package io.overlaykit.ovs;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.Vni;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.SwitchChange;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spi.HostFacts;
import io.overlaykit.core.spi.NamespaceView;
import io.overlaykit.core.spi.RequestHook.Access;
import io.overlaykit.core.spi.RequestHook.Backend;
import io.overlaykit.core.spi.SwitchIntent;
import io.overlaykit.core.spi.SwitchPlan;
import io.overlaykit.core.spi.SwitchView;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Open vSwitch's part of the engine's plan: decided from the cache, executed as one transaction. */
@Timeout(60)
class OvsSwitchPlannerTest {
    private static final InterfaceName BR = InterfaceName.of("okovp-br");
    private FakeOvs ovs;
    private OvsSwitch sw;
    private final List<LinkInfo> hostLinks = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        ovs = new FakeOvs();
        sw = ovs.sw();
    }

    @AfterEach
    void stop() throws Exception {
        sw.close();
        ovs.close();
    }

    private final HostFacts facts = new HostFacts() {
        @Override
        public NamespaceView namespace(Target target) {
            return new NamespaceView(hostLinks, List.of(), List.of(), List.of(), List.of(), List.of());
        }

        @Override
        public Optional<Boolean> txChecksum(Target target, InterfaceName link) {
            return Optional.of(false);
        }

        @Override
        public Optional<String> sysctl(Target target, String key) {
            return Optional.empty();
        }
    };

    private SwitchIntent intent(int ports, boolean fresh) {
        List<SwitchIntent.Port> p = new ArrayList<>();
        for (int i = 0; i < ports; i++) {
            InterfaceName link = InterfaceName.of("okovp-v" + i);
            p.add(new SwitchIntent.Port(link, Target.container("c" + i), InterfaceName.of("eth0"), "attach c" + i,
                    "txoff c" + i, fresh));
        }
        return new SwitchIntent("okovp", new Bridge(BR, 1450, "overlaykit:okovp"), Vni.of(5000), 4789,
                IpPrefix.parseAddress("192.0.2.2"), InterfaceName.of("br-phy"),
                List.of(new SwitchIntent.Peer("hostB", IpPrefix.parseAddress("192.0.2.3"), InterfaceName.of("okovp-tB"),
                        "tunnel hostB")), p);
    }

    private SwitchPlan plan(SwitchIntent intent) {
        SwitchView view = sw.observe(intent, facts);
        return sw.plan(intent, view, facts);
    }

    private static List<Change> changes(SwitchPlan p) {
        return Stream.of(p.bridge().stream(), p.tunnels().stream(), p.attach().values().stream(), p.removals().stream())
                .flatMap(s -> s).map(Step::changes).flatMap(List::stream).toList();
    }

    private void execute(SwitchPlan p) {
        sw.execute(changes(p).stream().map(c -> (SwitchChange) c).toList());
    }

    @Test
    void aFreshHostIsOneBridgeAndOneTransactionForTunnelAndPorts() {
        SwitchPlan p = plan(intent(20, true));
        assertThat(changes(p)).hasSize(22);
        assertThat(changes(p).get(0)).isInstanceOf(SwitchChange.EnsureBridge.class);
        assertThat(changes(p).get(1).describe()).isEqualTo("add vxlan port okovp-tB to okovp-br (split horizon)");
        assertThat(changes(p).get(2).describe()).isEqualTo("add port okovp-v0 to okovp-br");
        ovs.counter.reset();
        execute(p);
        // the bridge's transaction, then one for the tunnel and the 20 ports
        assertThat(ovs.counter.count(Backend.OVSDB, Access.WRITE)).isEqualTo(2);
        assertThat(sw.ports(BR)).hasSize(21);
        ovs.counter.reset();
        assertThat(changes(plan(intent(20, false)))).as("in sync").isEmpty();
        assertThat(ovs.counter.count(Backend.OVSDB)).as("planning from the warm cache").isZero();
    }

    @Test
    void onlyAnIntentOverALayer3DeviceMovesTunnelsOffOvsPorts() {
        // br-phy of a userspace datapath is a TAP, kind "tun" like wireguard-go's device: the intent says which
        hostLinks.add(new LinkInfo(3, InterfaceName.of("br-phy"), "tun", 1500, MacAddress.parse("02:00:00:00:00:01"),
                true, 0, 0, null, null));
        SwitchIntent overTap = intent(1, true);
        assertThat(changes(plan(overTap))).extracting(Change::describe)
                .contains("add vxlan port okovp-tB to okovp-br (split horizon)");
        SwitchIntent overWireGuard = new SwitchIntent(overTap.owner(), overTap.bridge(), overTap.vni(),
                overTap.udpPort(), overTap.local(), overTap.device(), true, overTap.peers(), overTap.ports());
        assertThat(changes(plan(overWireGuard))).extracting(Change::describe)
                .noneMatch(d -> d.startsWith("add vxlan port"));
    }

    @Test
    void aPortWhoseVethThePlanRecreatesIsReplugged() {
        execute(plan(intent(2, true)));
        SwitchPlan again = plan(intent(2, true));
        assertThat(changes(again)).extracting(Change::describe).containsExactly(
                "remove port okovp-v0 from okovp-br", "add port okovp-v0 to okovp-br",
                "remove port okovp-v1 from okovp-br", "add port okovp-v1 to okovp-br");
        execute(again);
        assertThat(sw.ports(BR)).contains(InterfaceName.of("okovp-v0"), InterfaceName.of("okovp-v1"));
    }

    @Test
    void aTunnelToAHostThatLeftIsARemovalAndEveryAddHasItsInverse() {
        execute(plan(intent(1, true)));
        SwitchIntent alone = new SwitchIntent("okovp", new Bridge(BR, 1450, "overlaykit:okovp"), Vni.of(5000), 4789,
                IpPrefix.parseAddress("192.0.2.2"), InterfaceName.of("br-phy"), List.of(), intent(1, false).ports());
        SwitchPlan p = plan(alone);
        assertThat(p.removals()).extracting(Step::id).containsExactly("remove tunnel 192.0.2.3");
        assertThat(p.removals().get(0).changes().get(0).describe()).isEqualTo("remove port okovp-tB from okovp-br");
        Change add = plan(intent(2, true)).attach().get(InterfaceName.of("okovp-v1")).changes().get(0);
        assertThat(add.inverse().describe()).isEqualTo("remove port okovp-v1 from okovp-br");
        assertThat(plan(intent(1, false)).portSettings()).hasSize(1); // netdev: tx checksum off on the ports
        hostLinks.add(new LinkInfo(7, InterfaceName.of("okovp-v0"), "veth", 1450, MacAddress.ZERO, true, 0, 0, null, null));
        assertThat(sw.observe(intent(1, false), facts).isAttached(InterfaceName.of("okovp-v0"))).isTrue();
    }
}
