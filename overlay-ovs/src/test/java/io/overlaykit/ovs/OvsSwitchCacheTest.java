package io.overlaykit.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.spi.RequestHook.Access;
import io.overlaykit.core.spi.RequestHook.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** OvsSwitch reads from its monitor-fed cache: request counts against the fake ovsdb-server. */
@Timeout(60)
class OvsSwitchCacheTest {
    private static final String OWNER = "okovs-test";
    private static final InterfaceName BR = InterfaceName.of("okovs-br0");
    private FakeOvs ovs;
    private OvsSwitch sw;

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

    private long ovsdb(Access a) {
        return ovs.counter.count(Backend.OVSDB, a);
    }

    @Test
    void ownTransactionIsInTheCacheWhenTransactReturns() {
        long before = sw.view().nextCfg(); // starts the monitor
        ovs.client.transact(Transaction.builder().mutate("Open_vSwitch", List.of(),
                List.of(Mutation.add("next_cfg", 5))).build());
        // No wait, no echo: the fake (like ovsdb-server) sent the update before the reply.
        assertThat(ovs.client.cache().rows("Open_vSwitch").get(0).getLong("next_cfg")).isEqualTo(before + 5);
        assertThat(sw.view().nextCfg()).isEqualTo(before + 5);
    }

    @Test
    void readsMakeNoRequestOnceTheCacheIsWarm() {
        ovs.addBridge(BR.value(), OWNER);
        ovs.addPorts(BR.value(), List.of("okovs-v1"), "", Map.of(), Map.of());
        ovs.addPorts(BR.value(), List.of("okovs-vx1"), "vxlan", Map.of("remote_ip", "192.0.2.3", "key", "5000"), Map.of());
        sw.view();
        assertThat(ovsdb(Access.READ)).as("the monitor").isEqualTo(1);
        ovs.counter.reset();
        long received = ovs.server.received.size();

        assertThat(sw.bridges(OWNER)).containsExactly(BR);
        assertThat(sw.ports(BR)).extracting(InterfaceName::value).containsExactly("okovs-v1", "okovs-vx1");
        assertThat(sw.tunnels(BR)).containsExactly(VxlanTunnel.builder("okovs-vx1", 5000).remote("192.0.2.3").build());
        assertThat(sw.isAttached(BR, InterfaceName.of("okovs-v1"))).isTrue();
        assertThat(sw.isAttached(BR, InterfaceName.of("okovs-nope"))).isFalse();

        assertThat(ovs.counter.snapshot()).isEmpty();
        assertThat(ovs.server.received.size()).as("messages the server got").isEqualTo(received);
    }

    @Test
    void noOpChangesMakeNoTransaction() {
        sw.ensureBridge(Bridge.named(BR.value()), OWNER);
        List<InterfaceName> veths = List.of(InterfaceName.of("okovs-v1"), InterfaceName.of("okovs-v2"));
        sw.attach(BR, veths, OWNER);
        VxlanTunnel vx = VxlanTunnel.builder("okovs-vx1", 5000).remote("192.0.2.3").psk("okovs-psk").build();
        sw.addTunnels(BR, List.of(vx), OWNER);
        ovs.counter.reset();
        long transacts = ovs.received("transact");

        sw.ensureBridge(Bridge.named(BR.value()), OWNER);
        sw.attach(BR, veths, OWNER);
        sw.addTunnels(BR, List.of(vx), OWNER);
        sw.detach(BR, List.of(InterfaceName.of("okovs-nope")));

        assertThat(ovs.counter.snapshot()).isEmpty();
        assertThat(ovs.received("transact")).isEqualTo(transacts);
    }

    @Test
    void attachOfOnePortToABridgeWith1000PortsIsOneTransactionAndNoRead() {
        ovs.addBridge(BR.value(), OWNER);
        List<String> names = new ArrayList<>();
        IntStream.range(0, 1000).forEach(i -> names.add("okovs-p" + i));
        ovs.addPorts(BR.value(), names, "", Map.of(), Map.of("external_ids", Map.of(OvsSwitch.OWNER_KEY, OWNER)));
        sw.view();
        ovs.counter.reset();

        sw.attach(BR, List.of(InterfaceName.of("okovs-new")), OWNER);

        assertThat(ovsdb(Access.WRITE)).isEqualTo(1);
        assertThat(ovsdb(Access.READ)).isZero();
        assertThat(ovs.db.byName("Port", "okovs-new")).isNotNull();
        assertThat(sw.ports(BR)).hasSize(1001);
        // and the no-op repeat costs nothing
        ovs.counter.reset();
        sw.attach(BR, List.of(InterfaceName.of("okovs-new"), InterfaceName.of("okovs-p999")), OWNER);
        assertThat(ovs.counter.snapshot()).isEmpty();
    }

    @Test
    void theCacheFollowsChangesMadeByOthers() throws Exception {
        ovs.addBridge(BR.value(), OWNER);
        assertThat(sw.ports(BR)).isEmpty();
        ovs.addPorts(BR.value(), List.of("okovs-v1", "okovs-v2"), "", Map.of(), Map.of());
        ovs.client.echo(); // a round trip: the notification came before the echo's reply
        assertThat(sw.ports(BR)).extracting(InterfaceName::value).containsExactly("okovs-v1", "okovs-v2");

        ovs.deletePort(BR.value(), "okovs-v1");
        ovs.client.echo();
        assertThat(sw.ports(BR)).extracting(InterfaceName::value).containsExactly("okovs-v2");

        // A port another client made identically is left alone: no transaction.
        ovs.counter.reset();
        sw.attach(BR, List.of(InterfaceName.of("okovs-v2")), OWNER);
        assertThat(ovs.counter.count(Backend.OVSDB)).isZero();
        // ...and one it removed is added again.
        sw.attach(BR, List.of(InterfaceName.of("okovs-v1")), OWNER);
        assertThat(ovs.db.byName("Port", "okovs-v1")).isNotNull();
    }

    @Test
    void switchesOnOneClientShareOneMonitor() {
        ovs.addBridge(BR.value(), OWNER);
        OvsSwitch other = ovs.sw();
        OvsSwitch waiting = sw.waitingForVswitchd(Duration.ofSeconds(5));
        sw.view();
        other.view();
        waiting.view();
        assertThat(ovs.received("monitor_cond")).isEqualTo(1);
        other.close(); // a caller's client: the monitor stays with it
        ovs.addPorts(BR.value(), List.of("okovs-v1"), "", Map.of(), Map.of());
        ovs.client.echo();
        // Each update applied once (a second monitor of the same tables would apply every diff twice).
        assertThat(sw.ports(BR)).containsExactly(InterfaceName.of("okovs-v1"));
        assertThat(ovs.received("monitor_cond")).isEqualTo(1);
        assertThatThrownBy(() ->
                ovs.client.monitor(MonitorRequest.builder().table("Port", "name").build()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("table Port is monitored already");
    }

    @Test
    void theViewHoldsWhatThePlannerNeedsAndNeverPrintsAPsk() {
        sw.ensureBridge(Bridge.named(BR.value()).withMtu(1450), OWNER);
        VxlanTunnel vx = VxlanTunnel.builder("okovs-vx1", 5000).remote("192.0.2.3").psk("okovs-secret").build();
        sw.addTunnels(BR, List.of(vx), OWNER);
        sw.attach(BR, List.of(InterfaceName.of("okovs-v1")), OWNER);

        OvsView v = sw.view();
        assertThat(v.bridges(OWNER)).singleElement().satisfies(b -> {
            assertThat(b.datapathType()).isEqualTo("netdev");
            assertThat(b.ports()).containsExactly("okovs-br0", "okovs-v1", "okovs-vx1");
        });
        OvsView.PortState t = v.port(InterfaceName.of("okovs-vx1")).orElseThrow();
        assertThat(t.type()).isEqualTo("vxlan");
        assertThat(t.isProtected()).isTrue();
        assertThat(t.owner()).isEqualTo(OWNER);
        assertThat(t.options()).containsEntry("psk", "okovs-secret");
        assertThat(t.toString()).contains("remote_ip").doesNotContain("okovs-secret");
        assertThat(v.port(BR).orElseThrow().mtuRequest()).isEqualTo(1450L);
        assertThat(v.port(InterfaceName.of("okovs-v1")).orElseThrow().type()).isEmpty();
        assertThat(v.toString()).doesNotContain("okovs-secret");
        assertThat(sw.view()).as("unchanged cache, same view").isSameAs(v);
    }
}
