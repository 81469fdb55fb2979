package io.overlaykit.ovs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.overlaykit.core.BackendException;
import io.overlaykit.core.Bridge;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.VethPair;
import io.overlaykit.netlink.RtnetlinkLinks;
import io.overlaykit.ovs.OvsSwitch;
import io.overlaykit.ovs.OvsdbClient;
import io.overlaykit.ovs.OvsdbClientOptions;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.WithLab;
import io.overlaykit.core.VxlanTunnel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * OvsSwitch against a lab host's real ovsdb-server + ovs-vswitchd (netdev datapath; the lab's own br-phy is
 * there too), ovs-vsctl as the oracle, test veths made through the lab's NetlinkStack.
 */
@Timeout(60)
@WithLab(hosts = 1, ovs = true, outside = false)
class OvsSwitchIT {
    private static final String OWNER = "okovs-test";
    private static final InterfaceName BR = InterfaceName.of("okovs-br0");
    private static LabOvs ovs;
    private static RtnetlinkLinks links;
    private static OvsdbClient client;
    private static OvsSwitch sw;

    @BeforeAll
    static void start(Lab lab) {
        ovs = new LabOvs(lab, "hostA");
        links = lab.network().links(ovs.host.namespace());
        client = OvsdbClient.connect(ovs.remote(), OvsdbClientOptions.defaults());
        sw = OvsSwitch.create(client, "netdev").waitingForVswitchd(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
    }

    @AfterEach
    void cleanBridges() {
        for (String b : List.of("okovs-br0", "okovs-br1")) {
            ovs.deleteBridgeQuietly(b);
        }
    }

    @Test
    void createsListsAndDeletesBridges() {
        sw.ensureBridge(new Bridge(BR, 1450, null), OWNER);
        sw.ensureBridge(new Bridge(BR, 1450, null), OWNER); // idempotent

        Map<String, JsonNode> row = VsctlOracle.byName(ovs, "Bridge", BR.value());
        assertThat(row).isNotNull();
        assertThat(row.get("datapath_type").asText()).isEqualTo("netdev");
        assertThat(row.get("fail_mode").asText()).isEqualTo("standalone");
        assertThat(VsctlOracle.stringMap(row.get("external_ids"))).containsEntry(OvsSwitch.OWNER_KEY, OWNER);
        assertThat(ovs.vsctl("list-br").trim().split("\n")).containsOnlyOnce(BR.value());
        // ovs-vswitchd made the bridge's device in the host namespace
        assertThat(ovs.exec("ip", "link", "show", BR.value())).contains(BR.value());

        assertThat(sw.bridges(OWNER)).containsExactly(BR);
        assertThat(sw.bridges("okovs-other")).isEmpty();
        assertThatThrownBy(() -> sw.ensureBridge(new Bridge(BR, null, null), "okovs-other"))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining(OvsSwitch.OWNER_KEY).hasMessageContaining("okovs-other");

        assertThat(sw.deleteBridge(BR)).isTrue();
        assertThat(sw.deleteBridge(BR)).isFalse();
        assertThat(ovs.vsctl("list-br")).doesNotContain(BR.value());
        assertThat(VsctlOracle.list(ovs, "Port")).noneMatch(r -> r.get("name").asText().startsWith("okovs"));
        assertThat(VsctlOracle.list(ovs, "Interface")).noneMatch(r -> r.get("name").asText().startsWith("okovs"));
    }

    @Test
    void attachesVethsInternalAndVxlanPortsInOneGo() {
        sw.ensureBridge(Bridge.named(BR.value()), OWNER);
        try {
            links.create(VethPair.builder("okovs-v1").peer("okovs-v1p").build());
            links.create(VethPair.builder("okovs-v2").peer("okovs-v2p").build());
            List<InterfaceName> veths = List.of(InterfaceName.of("okovs-v1"), InterfaceName.of("okovs-v2"));
            sw.attach(BR, veths, OWNER);
            sw.attach(BR, veths, OWNER); // identical: left alone
            sw.addInternalPort(BR, InterfaceName.of("okovs-in1"), OWNER);
            VxlanTunnel vx = VxlanTunnel.builder("okovs-vx1", 5000).remote("192.0.2.3").local("192.0.2.2")
                    .psk("okovs-secret-psk").build();
            VxlanTunnel vx2 = VxlanTunnel.builder("okovs-vx2", 5000).remote("192.0.2.4").dstPort(8472).build();
            sw.addTunnels(BR, List.of(vx, vx2), OWNER);
            sw.addTunnels(BR, List.of(vx, vx2), OWNER);

            assertThat(VsctlOracle.ports(ovs, BR.value()))
                    .containsExactlyInAnyOrder("okovs-v1", "okovs-v2", "okovs-in1", "okovs-vx1", "okovs-vx2");
            assertThat(sw.ports(BR)).extracting(InterfaceName::value)
                    .containsExactly("okovs-in1", "okovs-v1", "okovs-v2", "okovs-vx1", "okovs-vx2");
            Map<String, JsonNode> vxRow = VsctlOracle.byName(ovs, "Interface", "okovs-vx1");
            assertThat(vxRow.get("type").asText()).isEqualTo("vxlan");
            assertThat(VsctlOracle.stringMap(vxRow.get("options"))).containsEntry("remote_ip", "192.0.2.3")
                    .containsEntry("key", "5000").containsEntry("local_ip", "192.0.2.2")
                    .containsEntry("psk", "okovs-secret-psk");
            assertThat(VsctlOracle.stringMap(VsctlOracle.byName(ovs, "Interface", "okovs-vx2").get("options")))
                    .containsEntry("dst_port", "8472");
            assertThat(VsctlOracle.byName(ovs, "Interface", "okovs-in1").get("type").asText()).isEqualTo("internal");
            assertThat(VsctlOracle.byName(ovs, "Interface", "okovs-v1").get("ofport").asLong()).isPositive();
            assertThat(sw.tunnels(BR)).containsExactly(vx, vx2);

            // Same name, other settings: a conflict that says what differs and never shows the psk.
            VxlanTunnel other = vx.toBuilder().remote("192.0.2.9").psk("okovs-other-psk").build();
            assertThatThrownBy(() -> sw.addTunnels(BR, List.of(other), OWNER))
                    .isInstanceOf(ConflictException.class)
                    .hasMessageContaining("remote_ip is '192.0.2.3', wanted '192.0.2.9'")
                    .hasMessageContaining("psk differs")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("okovs-secret-psk", "okovs-other-psk"));
            assertThatThrownBy(() -> sw.addInternalPort(BR, InterfaceName.of("okovs-v1"), OWNER))
                    .isInstanceOf(ConflictException.class).hasMessageContaining("type 'system', wanted 'internal'");

            sw.detach(BR, List.of(InterfaceName.of("okovs-v1"), InterfaceName.of("okovs-nope")));
            sw.removeTunnels(BR, List.of(vx2));
            assertThat(VsctlOracle.ports(ovs, BR.value()))
                    .containsExactlyInAnyOrder("okovs-v2", "okovs-in1", "okovs-vx1");
        } finally {
            links.delete(InterfaceName.of("okovs-v1"));
            links.delete(InterfaceName.of("okovs-v2"));
        }
    }

    @Test
    void fiftyPortsInOneTransaction() {
        sw.ensureBridge(Bridge.named(BR.value()), OWNER);
        List<InterfaceName> names = new ArrayList<>();
        try {
            long tv = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                links.create(VethPair.builder("okovs-b" + i).peer("okovs-bp" + i).build());
                names.add(InterfaceName.of("okovs-b" + i));
            }
            System.out.printf("netlink: 50 veths in %d ms%n", (System.nanoTime() - tv) / 1_000_000);
            long t0 = System.nanoTime();
            sw.attach(BR, names, OWNER);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("OvsSwitch: attached 50 veths in one transaction in %d ms (incl. vswitchd wait)%n", ms);
            assertThat(VsctlOracle.ports(ovs, BR.value())).hasSize(50);
            long t1 = System.nanoTime();
            sw.attach(BR, names, OWNER);
            System.out.printf("OvsSwitch: re-attach (no-op) of 50 ports in %d ms%n", (System.nanoTime() - t1) / 1_000_000);
        } finally {
            names.forEach(links::delete);
        }
    }

    @Test
    void vswitchdFailureIsReported() {
        sw.ensureBridge(Bridge.named(BR.value()), OWNER);
        assertThatThrownBy(() -> sw.attach(BR, List.of(InterfaceName.of("okovs-ghost")), OWNER))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("rejected interface(s): okovs-ghost: ")
                .satisfies(e -> System.out.println("vswitchd failure reported as: " + e.getMessage()));
        assertThat(VsctlOracle.ports(ovs, BR.value())).as("failed port taken back").isEmpty();
    }

    @Test
    void lowerLevelHelpers() {
        sw.addBridge(InterfaceName.of("okovs-br1"), "netdev", "secure", OWNER, null);
        assertThat(VsctlOracle.byName(ovs, "Bridge", "okovs-br1").get("fail_mode").asText()).isEqualTo("secure");
        sw.setExternalId("okovs-key", "a");
        sw.setExternalId("okovs-key", "b");
        assertThat(ovs.vsctl("get", "Open_vSwitch", ".", "external_ids:okovs-key").trim()).isEqualTo("b");
        sw.addInternalPort(InterfaceName.of("okovs-br1"), InterfaceName.of("okovs-in2"), OWNER);
        sw.setInterfaceOptions(InterfaceName.of("okovs-in2"), Map.of("okovs-opt", "1"));
        assertThat(ovs.vsctl("get", "Interface", "okovs-in2", "options:okovs-opt").trim()).isEqualTo("\"1\"");
        assertThatThrownBy(() -> sw.setInterfaceOptions(InterfaceName.of("okovs-none"), Map.of()))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void badInputIsRejectedBeforeTheServerSeesIt() {
        assertThatThrownBy(() -> sw.ensureBridge(Bridge.named("okovs-way-too-long-name"), OWNER))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("interface name");
        assertThatThrownBy(() -> VxlanTunnel.builder("okovs-vx9", 1 << 24).remote("192.0.2.3").build())
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("vni");
        assertThatThrownBy(() -> sw.addTunnels(BR, List.of(VxlanTunnel.builder("okovs-vx9", 1).build()), OWNER))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("remote");
        assertThatThrownBy(() -> sw.attach(InterfaceName.of("okovs-nobr"), List.of(InterfaceName.of("okovs-x")), OWNER))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("okovs-nobr");
        assertThat(ovs.vsctl("list-br")).doesNotContain("okovs");
    }

    @Test
    void aRecreatedVethIsStaleAndAttachReplugsIt() throws Exception {
        assertThat(sw.ports(InterfaceName.of("okovs-nobr"))).isEmpty(); // a missing bridge has no ports
        assertThat(sw.tunnels(InterfaceName.of("okovs-nobr"))).isEmpty();
        sw.ensureBridge(Bridge.named(BR.value()), OWNER);
        InterfaceName v = InterfaceName.of("okovs-s1");
        try {
            links.create(VethPair.builder(v.value()).peer("okovs-s1p").build());
            sw.attach(BR, List.of(v), OWNER);
            assertThat(sw.isAttached(BR, v)).isTrue();
            String uuidBefore = ovs.vsctl("get", "Interface", v.value(), "_uuid").trim();
            assertThat(ovs.vsctl("get", "Port", v.value(), "external_ids:" + OvsSwitch.IFINDEX_KEY).trim())
                    .isEqualTo("\"" + links.find(v).orElseThrow().index() + "\"");

            // The container restarted: same name, new device. OVS keeps the port (and the dead device).
            links.delete(v);
            links.create(VethPair.builder(v.value()).peer("okovs-s1p").build());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (sw.isAttached(BR, v) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(sw.isAttached(BR, v)).as("port on a re-created device is stale").isFalse();
            assertThat(sw.ports(BR)).contains(v);

            sw.attach(BR, List.of(v), OWNER);

            assertThat(sw.isAttached(BR, v)).isTrue();
            assertThat(ovs.vsctl("get", "Interface", v.value(), "_uuid").trim()).as("port re-created").isNotEqualTo(uuidBefore);
            assertThat(ovs.vsctl("get", "Port", v.value(), "external_ids:" + OvsSwitch.IFINDEX_KEY).trim())
                    .isEqualTo("\"" + links.find(v).orElseThrow().index() + "\"");
            assertThat(VsctlOracle.ports(ovs, BR.value())).containsExactly(v.value());
        } finally {
            links.delete(v);
        }
    }
}
