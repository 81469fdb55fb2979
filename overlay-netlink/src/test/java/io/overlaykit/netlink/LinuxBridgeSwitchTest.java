package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Vni;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.testing.InMemoryLinks;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinuxBridgeSwitchTest {
    private static final InterfaceName BR = InterfaceName.of("oklsw-br");
    private static final String OWNER = "demo";

    private final InMemoryLinks links = new InMemoryLinks(NetNamespace.named("oklsw-fake"));
    private final LinuxBridgeSwitch sw = new LinuxBridgeSwitch(links);

    private static VxlanTunnel peer(String name, int vni, String remote) {
        return VxlanTunnel.builder(name, vni).remote(remote).local("192.0.2.2").device("eth0").mtu(1450).ttl(64).build();
    }

    private InterfaceName vx5000() {
        return LinuxBridgeSwitch.vxlanDeviceName(BR, Vni.of(5000));
    }

    private List<String> floodRemotes(InterfaceName dev) {
        return links.fdb(dev).stream().filter(FdbEntry::isFlood).map(e -> e.remote().getHostAddress()).toList();
    }

    @Test
    void kindAndOffload() {
        assertThat(sw.kind()).isEqualTo("linux");
    }

    @Test
    void ensureBridgeCreatesOnceWithAliasMtuAndUp() {
        sw.ensureBridge(Bridge.named("oklsw-br").withMtu(1450), OWNER);
        sw.ensureBridge(Bridge.named("oklsw-br").withMtu(1450), OWNER);

        LinkInfo br = links.get(BR);
        assertThat(links.createCount("oklsw-br")).isEqualTo(1);
        assertThat(br.alias()).isEqualTo("overlaykit:demo");
        assertThat(br.mtu()).isEqualTo(1450);
        assertThat(br.up()).isTrue();
    }

    @Test
    void ensureBridgeCorrectsMtuOfOurExistingBridge() {
        sw.ensureBridge(Bridge.named("oklsw-br").withMtu(1500), OWNER);
        sw.ensureBridge(Bridge.named("oklsw-br").withMtu(1450), OWNER);
        assertThat(links.get(BR).mtu()).isEqualTo(1450);
    }

    @Test
    void ensureBridgeRefusesABridgeThatIsNotOurs() {
        links.create(Bridge.named("oklsw-br").withAlias("someone-else"));
        assertThatThrownBy(() -> sw.ensureBridge(Bridge.named("oklsw-br"), OWNER))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("oklsw-br").hasMessageContaining("someone-else")
                .hasMessageContaining("overlaykit:demo");
        assertThat(links.get(BR).alias()).isEqualTo("someone-else");
    }

    @Test
    void bridgesListsOnlyTheOwnersBridges() {
        sw.ensureBridge(Bridge.named("oklsw-a"), OWNER);
        sw.ensureBridge(Bridge.named("oklsw-b"), "other");
        links.create(Bridge.named("oklsw-c"));
        links.addLink("oklsw-v", "veth");
        links.setAlias(InterfaceName.of("oklsw-v"), "overlaykit:demo"); // ours, but not a bridge

        assertThat(sw.bridges(OWNER)).containsExactly(InterfaceName.of("oklsw-a"));
        assertThat(sw.bridges("other")).containsExactly(InterfaceName.of("oklsw-b"));
        assertThat(sw.bridges("nobody")).isEmpty();
    }

    @Test
    void attachEnslavesAndSetsUpDetachReleasesOnlyOurPorts() {
        sw.ensureBridge(Bridge.named("oklsw-br"), OWNER);
        sw.ensureBridge(Bridge.named("oklsw-br2"), OWNER);
        links.addLink("oklsw-p1", "veth");
        links.addLink("oklsw-p2", "veth");
        InterfaceName p1 = InterfaceName.of("oklsw-p1");
        InterfaceName p2 = InterfaceName.of("oklsw-p2");

        sw.attach(BR, List.of(p1), OWNER);
        sw.attach(BR, List.of(p1), OWNER); // idempotent
        sw.attach(InterfaceName.of("oklsw-br2"), List.of(p2), OWNER);

        assertThat(links.get(p1).masterIndex()).isEqualTo(links.get(BR).index());
        assertThat(links.get(p1).up()).isTrue();
        assertThat(sw.ports(BR)).containsExactly(p1);

        sw.detach(BR, List.of(p1, p2, InterfaceName.of("oklsw-none")));
        assertThat(links.get(p1).hasMaster()).isFalse();
        assertThat(links.get(p2).masterIndex()).isEqualTo(links.get(InterfaceName.of("oklsw-br2")).index());
        sw.detach(InterfaceName.of("oklsw-gone"), List.of(p2)); // missing bridge: nothing to do
    }

    @Test
    void addTunnelsMakesOneDevicePerVniAndAFloodEntryPerPeer() {
        sw.ensureBridge(Bridge.named("oklsw-br").withMtu(1450), OWNER);
        sw.addTunnels(BR, List.of(peer("hostB", 5000, "192.0.2.3"), peer("hostC", 5000, "192.0.2.4")), OWNER);

        InterfaceName dev = vx5000();
        LinkInfo info = links.get(dev);
        assertThat(links.list()).filteredOn(l -> l.isKind("vxlan")).hasSize(1);
        assertThat(links.createCount(dev.value())).isEqualTo(1);
        assertThat(info.alias()).isEqualTo("overlaykit:demo");
        assertThat(info.masterIndex()).isEqualTo(links.get(BR).index());
        assertThat(info.up()).isTrue();
        VxlanTunnel v = info.vxlan();
        assertThat(v.remote()).isNull();
        assertThat(v.learning()).isFalse();
        assertThat(v.local().getHostAddress()).isEqualTo("192.0.2.2");
        assertThat(v.device()).isEqualTo(InterfaceName.of("eth0"));
        assertThat(v.dstPort()).isEqualTo(4789);
        assertThat(v.ttl()).isEqualTo(64);
        assertThat(v.mtu()).isEqualTo(1450);
        assertThat(v.vni()).isEqualTo(Vni.of(5000));
        assertThat(floodRemotes(dev)).containsExactly("192.0.2.3", "192.0.2.4");
    }

    @Test
    void addTunnelsIsIdempotentAndAppendsOnlyNewPeers() {
        sw.ensureBridge(Bridge.named("oklsw-br"), OWNER);
        sw.addTunnels(BR, List.of(peer("hostB", 5000, "192.0.2.3")), OWNER);
        sw.addTunnels(BR, List.of(peer("hostB", 5000, "192.0.2.3")), OWNER);
        sw.addTunnels(BR, List.of(peer("hostB", 5000, "192.0.2.3"), peer("hostC", 5000, "192.0.2.4")), OWNER);

        assertThat(links.createCount(vx5000().value())).isEqualTo(1);
        assertThat(links.fdbAppends()).isEqualTo(2);
        assertThat(floodRemotes(vx5000())).containsExactly("192.0.2.3", "192.0.2.4");
    }

    @Test
    void twoVnisMakeTwoDevices() {
        sw.ensureBridge(Bridge.named("oklsw-br"), OWNER);
        sw.addTunnels(BR, List.of(peer("hostB", 5000, "192.0.2.3"), peer("hostB2", 5001, "192.0.2.3")), OWNER);
        assertThat(links.list()).filteredOn(l -> l.isKind("vxlan")).extracting(LinkInfo::name)
                .containsExactlyInAnyOrder(vx5000(), LinuxBridgeSwitch.vxlanDeviceName(BR, Vni.of(5001)));
    }

    @Test
    void tunnelsThatDisagreeOnTheSharedDeviceAreRejectedBeforeAnyChange() {
        sw.ensureBridge(Bridge.named("oklsw-br"), OWNER);
        VxlanTunnel other = peer("hostC", 5000, "192.0.2.4").toBuilder().local("192.0.2.9").build();
        assertThatThrownBy(() -> sw.addTunnels(BR, List.of(peer("hostB", 5000, "192.0.2.3"), other), OWNER))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("hostC").hasMessageContaining("local").hasMessageContaining("192.0.2.9");
        assertThatThrownBy(() -> sw.addTunnels(BR, List.of(VxlanTunnel.builder("x", 5000).build()), OWNER))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("remote");
        assertThat(links.find(vx5000())).isEmpty();
    }

    @Test
    void addTunnelsRefusesADeviceOfAnotherOwner() {
        sw.ensureBridge(Bridge.named("oklsw-br"), OWNER);
        sw.addTunnels(BR, List.of(peer("hostB", 5000, "192.0.2.3")), OWNER);
        links.setAlias(vx5000(), "overlaykit:other");
        assertThatThrownBy(() -> sw.addTunnels(BR, List.of(peer("hostC", 5000, "192.0.2.4")), OWNER))
                .isInstanceOf(ConflictException.class).hasMessageContaining(vx5000().value());
        assertThat(floodRemotes(vx5000())).containsExactly("192.0.2.3");
    }

    @Test
    void removeTunnelsDeletesEntriesAndTheDeviceWithTheLastOne() {
        sw.ensureBridge(Bridge.named("oklsw-br"), OWNER);
        VxlanTunnel b = peer("hostB", 5000, "192.0.2.3");
        VxlanTunnel c = peer("hostC", 5000, "192.0.2.4");
        sw.addTunnels(BR, List.of(b, c), OWNER);
        // a static unicast entry towards hostB goes with hostB's tunnel
        links.addFdb(new FdbEntry(vx5000(), MacAddress.parse("02:00:00:00:00:0b"), b.remote(), null));

        sw.removeTunnels(BR, List.of(b));
        assertThat(links.find(vx5000())).isPresent();
        assertThat(links.fdb(vx5000())).extracting(e -> e.remote().getHostAddress()).containsExactly("192.0.2.4");

        sw.removeTunnels(BR, List.of(c));
        assertThat(links.find(vx5000())).isEmpty();
        sw.removeTunnels(BR, List.of(b, c)); // already gone: no-op
        assertThat(links.get(BR).isKind("bridge")).isTrue();
    }

    @Test
    void portsAndTunnelsReadBackTheBridge() {
        sw.ensureBridge(Bridge.named("oklsw-br"), OWNER);
        links.addLink("oklsw-p1", "veth");
        sw.attach(BR, List.of(InterfaceName.of("oklsw-p1")), OWNER);
        sw.addTunnels(BR, List.of(peer("hostB", 5000, "192.0.2.3"), peer("hostC", 5000, "192.0.2.4")), OWNER);

        assertThat(sw.ports(BR)).containsExactlyInAnyOrder(InterfaceName.of("oklsw-p1"), vx5000());
        List<VxlanTunnel> tunnels = sw.tunnels(BR);
        assertThat(tunnels).extracting(t -> t.remote().getHostAddress()).containsExactly("192.0.2.3", "192.0.2.4");
        assertThat(tunnels).allSatisfy(t -> {
            assertThat(t.name()).isEqualTo(vx5000());
            assertThat(t.vni()).isEqualTo(Vni.of(5000));
            assertThat(t.local().getHostAddress()).isEqualTo("192.0.2.2");
        });
        assertThat(sw.ports(InterfaceName.of("oklsw-none"))).isEmpty();
        assertThat(sw.tunnels(InterfaceName.of("oklsw-none"))).isEmpty();
    }

    @Test
    void deleteBridgeRemovesOurTunnelDeviceAndReleasesOtherPorts() {
        sw.ensureBridge(Bridge.named("oklsw-br"), OWNER);
        links.addLink("oklsw-p1", "veth");
        sw.attach(BR, List.of(InterfaceName.of("oklsw-p1")), OWNER);
        sw.addTunnels(BR, List.of(peer("hostB", 5000, "192.0.2.3")), OWNER);

        assertThat(sw.deleteBridge(BR)).isTrue();
        assertThat(links.find(BR)).isEmpty();
        assertThat(links.find(vx5000())).isEmpty();
        assertThat(links.get(InterfaceName.of("oklsw-p1")).hasMaster()).isFalse();
        assertThat(sw.deleteBridge(BR)).isFalse();
    }

    @Test
    void deviceNamesFitAndStayDistinct() {
        assertThat(LinuxBridgeSwitch.vxlanDeviceName(InterfaceName.of("ok-demo"), Vni.of(5000)).value())
                .isEqualTo("vx5000-ok-demo");
        InterfaceName a = LinuxBridgeSwitch.vxlanDeviceName(InterfaceName.of("overlay-bridge1"), Vni.of(5000));
        InterfaceName b = LinuxBridgeSwitch.vxlanDeviceName(InterfaceName.of("overlay-bridge2"), Vni.of(5000));
        InterfaceName max = LinuxBridgeSwitch.vxlanDeviceName(InterfaceName.of("überbrücke-x"), Vni.of(Vni.MAX));
        assertThat(List.of(a, b, max)).allSatisfy(n ->
                assertThat(n.value().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(15));
        assertThat(a).isNotEqualTo(b);
        assertThat(a).isEqualTo(LinuxBridgeSwitch.vxlanDeviceName(InterfaceName.of("overlay-bridge1"), Vni.of(5000)));
        assertThat(a.value()).startsWith("vx5000-over");
        assertThat(max.value()).startsWith("vx16777215-");
    }

    @Test
    void ensureBridgeRefusesALinkOfAnotherKind() {
        links.addLink("oklsw-br", "veth");
        assertThatThrownBy(() -> sw.ensureBridge(Bridge.named("oklsw-br"), OWNER))
                .isInstanceOf(ConflictException.class).hasMessageContaining("exists as veth");
    }

    @Test
    void aNewMtuIsSetInPlaceOnTheDevice() {
        sw.ensureBridge(Bridge.named("oklsw-br"), OWNER);
        sw.addTunnels(BR, List.of(peer("hostB", 5000, "192.0.2.3")), OWNER);
        sw.addTunnels(BR, List.of(peer("hostB", 5000, "192.0.2.3").toBuilder().mtu(1400).build()), OWNER);
        assertThat(links.get(vx5000()).mtu()).isEqualTo(1400);
        assertThat(links.createCount(vx5000().value())).isEqualTo(1);
    }

    @Test
    void aNewLocalAddressRecreatesTheDeviceKeepingItsPeers() {
        sw.ensureBridge(Bridge.named("oklsw-br"), OWNER);
        sw.addTunnels(BR, List.of(peer("hostB", 5000, "192.0.2.3"), peer("hostC", 5000, "192.0.2.4")), OWNER);
        VxlanTunnel moved = peer("hostB", 5000, "192.0.2.3").toBuilder().local("192.0.2.20").build();

        sw.addTunnels(BR, List.of(moved), OWNER);

        LinkInfo info = links.get(vx5000());
        assertThat(links.createCount(vx5000().value())).isEqualTo(2);
        assertThat(info.vxlan().local().getHostAddress()).isEqualTo("192.0.2.20");
        assertThat(info.masterIndex()).isEqualTo(links.get(BR).index());
        assertThat(info.up()).isTrue();
        assertThat(floodRemotes(vx5000())).containsExactly("192.0.2.3", "192.0.2.4");
        sw.addTunnels(BR, List.of(moved), OWNER); // converged: no third create
        assertThat(links.createCount(vx5000().value())).isEqualTo(2);
    }

    @Test
    void ownerMustNotBeEmpty() {
        assertThatThrownBy(() -> sw.ensureBridge(Bridge.named("oklsw-br"), " "))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("owner");
    }
}
