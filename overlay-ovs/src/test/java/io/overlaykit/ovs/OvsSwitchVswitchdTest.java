package io.overlaykit.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.Bridge;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.OverlayTimeoutException;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.spi.RequestHook.Access;
import io.overlaykit.core.spi.RequestHook.Backend;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A switch that waits for ovs-vswitchd (the fake one), stale ports and re-plugs, split horizon on re-apply,
 * the owner check of deleteBridge, and a server whose schema lacks newer columns.
 */
@Timeout(60)
class OvsSwitchVswitchdTest {
    private static final String OWNER = "okovs-test";
    private static final InterfaceName BR = InterfaceName.of("okovs-br0");
    private static final InterfaceName V1 = InterfaceName.of("okovs-v1");
    private static final VxlanTunnel VX = VxlanTunnel.builder("okovs-vx1", 5000).remote("192.0.2.3").build();
    private FakeOvs ovs;

    @AfterEach
    void stop() throws Exception {
        if (ovs != null) {
            ovs.close();
        }
    }

    private OvsSwitch waitingSwitchWithBridge(String... dropped) throws Exception {
        ovs = new FakeOvs(dropped);
        OvsSwitch sw = ovs.waiting();
        sw.ensureBridge(Bridge.named(BR.value()), OWNER);
        ovs.counter.reset();
        return sw;
    }

    private long writes() {
        return ovs.counter.count(Backend.OVSDB, Access.WRITE);
    }

    private String port(String name, String column) {
        return String.valueOf(ovs.db.byName("Port", name).get(column));
    }

    @Test
    void waitsForVswitchdFromTheCacheAndRecordsTheDevice() throws Exception {
        OvsSwitch sw = waitingSwitchWithBridge();
        ovs.server.vswitchd.devices.put(V1.value(), 41L);

        sw.attach(BR, List.of(V1), OWNER);

        OvsView.PortState p = sw.view().port(V1).orElseThrow();
        assertThat(p.ofport()).isPositive();
        assertThat(p.pluggedIfindex()).isEqualTo(41L);
        assertThat(p.isStale()).isFalse();
        // The add, then the record of the ifindex ovs-vswitchd opened; the wait itself reads the cache only.
        assertThat(writes()).isEqualTo(2);
        assertThat(ovs.counter.count(Backend.OVSDB, Access.READ)).isZero();
    }

    @Test
    void aCallerThatKnowsTheDeviceMakesOneTransaction() throws Exception {
        OvsSwitch sw = waitingSwitchWithBridge();
        ovs.server.vswitchd.devices.put(V1.value(), 41L);

        sw.addPorts(BR, List.of(OvsPort.system(V1)), OWNER, Map.of(V1, 41L));

        assertThat(writes()).isEqualTo(1);
        assertThat(ovs.counter.count(Backend.OVSDB, Access.READ)).isZero();
        assertThat(port(V1.value(), "external_ids")).contains(OvsSwitch.IFINDEX_KEY + "=41");
        assertThat(sw.isAttached(BR, V1, 41)).isTrue();
    }

    @Test
    void aRejectedInterfaceIsReportedAndTakenBack() throws Exception {
        OvsSwitch sw = waitingSwitchWithBridge();
        InterfaceName ghost = InterfaceName.of("okovs-ghost"); // no such device

        assertThatThrownBy(() -> sw.attach(BR, List.of(ghost), OWNER)).isInstanceOf(BackendException.class)
                .hasMessageContaining("rejected interface(s): okovs-ghost: could not open network device");
        assertThat(ovs.db.byName("Port", ghost.value())).as("taken back").isNull();
    }

    @Test
    void aHungVswitchdIsATimeout() throws Exception {
        ovs = new FakeOvs();
        OvsSwitch sw = ovs.sw().waitingForVswitchd(java.time.Duration.ofMillis(300));
        ovs.server.vswitchd.running = false;
        assertThatThrownBy(() -> sw.ensureBridge(Bridge.named(BR.value()), OWNER))
                .isInstanceOf(OverlayTimeoutException.class).hasMessageContaining("did not apply configuration");
    }

    @Test
    void aReCreatedDeviceIsStaleAndReplugged() throws Exception {
        OvsSwitch sw = waitingSwitchWithBridge();
        ovs.server.vswitchd.devices.put(V1.value(), 41L);
        sw.attach(BR, List.of(V1), OWNER);
        Object before = ovs.db.byName("Port", V1.value()).get("_uuid");

        ovs.server.vswitchd.devices.put(V1.value(), 57L); // the container restarted: same name, new device
        // Before ovs-vswitchd notices, only a caller that knows the device can tell.
        assertThat(sw.isAttached(BR, V1)).isTrue();
        assertThat(sw.isAttached(BR, V1, 57)).isFalse();
        ovs.server.vswitchd.noticeDevices();
        ovs.client.echo();
        assertThat(sw.isAttached(BR, V1)).isFalse();
        assertThat(sw.ports(BR)).containsExactly(V1);
        ovs.counter.reset();

        sw.attach(BR, List.of(V1), OWNER);

        assertThat(ovs.db.byName("Port", V1.value()).get("_uuid")).as("a new port").isNotEqualTo(before);
        assertThat(port(V1.value(), "external_ids")).contains(OvsSwitch.IFINDEX_KEY + "=57");
        assertThat(sw.isAttached(BR, V1)).isTrue();
        // Off in one transaction (ovs-vswitchd matches ports by name), on in the next, then the ifindex.
        assertThat(writes()).isEqualTo(3);
    }

    @Test
    void theDeviceGivenByTheCallerReplugsWithoutWaitingForVswitchdToNotice() throws Exception {
        OvsSwitch sw = waitingSwitchWithBridge();
        ovs.server.vswitchd.devices.put(V1.value(), 41L);
        sw.addPorts(BR, List.of(OvsPort.system(V1)), OWNER, Map.of(V1, 41L));
        ovs.server.vswitchd.devices.put(V1.value(), 57L);

        List<PortChange> plan = OvsPortPlanner.ensurePorts(sw.view(), BR, List.of(OvsPort.system(V1)), OWNER,
                Map.of(V1, 57L));
        assertThat(plan).extracting(c -> c.getClass().getSimpleName()).containsExactly("Remove", "Add");
        sw.apply(plan);

        assertThat(port(V1.value(), "external_ids")).contains(OvsSwitch.IFINDEX_KEY + "=57");
        assertThat(sw.isAttached(BR, V1, 57)).isTrue();
    }

    @Test
    void tunnelPortsMadeBeforeSplitHorizonGetItOnReApply() throws Exception {
        OvsSwitch sw = waitingSwitchWithBridge();
        // As an older OverlayKit made it: same options, protected false.
        ovs.addPorts(BR.value(), List.of(VX.name().value()), "vxlan", OvsPort.vxlan(VX).options(),
                Map.of("external_ids", Map.of(OvsSwitch.OWNER_KEY, OWNER)));
        ovs.client.echo();

        sw.addTunnels(BR, List.of(VX), OWNER);
        assertThat(ovs.db.byName("Port", VX.name().value()).get("protected")).isEqualTo(true);
        assertThat(writes()).isEqualTo(1);
        ovs.counter.reset();
        sw.addTunnels(BR, List.of(VX), OWNER);
        assertThat(writes()).isZero();
    }

    @Test
    void aServerWithoutNewerColumnsStillWorks() throws Exception {
        // The fake refuses a monitor of columns its schema lacks, as ovsdb-server does.
        OvsSwitch sw = waitingSwitchWithBridge("Port.protected", "Interface.ifindex");
        ovs.server.vswitchd.devices.put(V1.value(), 41L);
        sw.addTunnels(BR, List.of(VX), OWNER);
        sw.attach(BR, List.of(V1), OWNER);
        assertThat(sw.view().supportsProtectedPorts()).isFalse();
        assertThat(sw.view().port(VX.name()).orElseThrow().isProtected()).isFalse();
        assertThat(sw.tunnels(BR)).containsExactly(VX);
        assertThat(sw.isAttached(BR, V1)).isTrue();
        ovs.counter.reset();
        sw.addTunnels(BR, List.of(VX), OWNER);
        sw.attach(BR, List.of(V1), OWNER);
        assertThat(writes()).isZero();
    }

    @Test
    void deleteBridgeChecksTheOwner() throws Exception {
        OvsSwitch sw = waitingSwitchWithBridge();
        ovs.addBridge("okovs-foreign", null);
        ovs.addBridge("okovs-theirs", "okovs-other");
        ovs.client.echo();

        assertThatThrownBy(() -> sw.deleteBridge(InterfaceName.of("okovs-foreign")))
                .isInstanceOf(ConflictException.class).hasMessageContaining("not made by OverlayKit");
        assertThatThrownBy(() -> sw.deleteBridge(InterfaceName.of("okovs-theirs"), OWNER))
                .isInstanceOf(ConflictException.class).hasMessageContaining("belongs to 'okovs-other'");
        assertThat(ovs.db.byName("Bridge", "okovs-foreign")).isNotNull();
        assertThat(ovs.db.byName("Bridge", "okovs-theirs")).isNotNull();

        assertThat(sw.deleteBridge(BR, OWNER)).isTrue();
        assertThat(sw.deleteBridge(BR, OWNER)).isFalse();
        assertThat(ovs.db.byName("Bridge", BR.value())).isNull();
        assertThat(ovs.db.rows("Port")).extracting(r -> r.get("name")).doesNotContain(BR.value());
        assertThat(sw.deleteBridge(InterfaceName.of("okovs-theirs"))).as("any owner tag will do").isTrue();
    }

    @Test
    void portChangesAsDataWithTheirInverses() throws Exception {
        OvsSwitch sw = waitingSwitchWithBridge();
        ovs.server.vswitchd.devices.put(V1.value(), 41L);
        ovs.server.vswitchd.devices.put("okovs-v2", 42L);
        sw.attach(BR, List.of(V1), OWNER);
        ovs.counter.reset();

        OvsView view = sw.view();
        OvsPort tunnel = OvsPort.vxlan(VX.toBuilder().psk("okovs-secret").build());
        List<PortChange> plan = List.of(
                new PortChange.Add(BR, OvsPort.system(InterfaceName.of("okovs-v2")), OWNER, false, 42L),
                new PortChange.Add(BR, tunnel, OWNER, OvsPortPlanner.wantsProtected(view, tunnel), null),
                OvsPortPlanner.removePorts(view, BR, List.of(V1)).get(0));
        sw.apply(plan);
        assertThat(writes()).as("one transaction for all three").isEqualTo(1);
        assertThat(sw.ports(BR)).extracting(InterfaceName::value).containsExactly("okovs-v2", "okovs-vx1");

        List<PortChange> undo = new ArrayList<>(plan.stream().map(PortChange::inverse).toList());
        Collections.reverse(undo);
        sw.apply(undo);
        assertThat(sw.ports(BR)).containsExactly(V1);
        assertThat(port(V1.value(), "external_ids")).contains(OvsSwitch.OWNER_KEY + "=" + OWNER);
        assertThat(plan.toString() + undo).contains("okovs-vx1").doesNotContain("okovs-secret");
    }
}
