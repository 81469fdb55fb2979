package io.overlaykit.ovs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.overlaykit.core.Bridge;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.spi.RequestCounter;
import io.overlaykit.core.spi.RequestHook.Access;
import io.overlaykit.core.spi.RequestHook.Backend;
import io.overlaykit.netlink.RtnetlinkLinks;
import io.overlaykit.ovs.OvsPort;
import io.overlaykit.ovs.OvsSwitch;
import io.overlaykit.ovs.OvsdbClient;
import io.overlaykit.ovs.OvsdbClientOptions;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.WithLab;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * OvsSwitch's monitor-fed cache against a lab host's real ovsdb-server and ovs-vswitchd, with ovs-vsctl both
 * as the oracle and as the other client that changes rows behind the switch's back; request counts through
 * the request hook.
 */
@Timeout(120)
@WithLab(hosts = 1, ovs = true, outside = false)
class OvsSwitchCacheIT {
    private static final String OWNER = "okovs-cache";
    private static final InterfaceName BR = InterfaceName.of("okovs-cbr0");
    private static LabOvs ovs;
    private static RtnetlinkLinks links;
    private OvsdbClient client;
    private OvsSwitch sw;
    private final RequestCounter counter = new RequestCounter();

    @BeforeAll
    static void lab(Lab lab) {
        ovs = new LabOvs(lab, "hostA");
        links = lab.network().links(ovs.host.namespace());
    }

    @BeforeEach
    void connect() {
        client = OvsdbClient.connect(ovs.remote(), OvsdbClientOptions.defaults()
                .withBackoff(Duration.ofMillis(100), Duration.ofMillis(500)));
        client.requestHook(counter);
        sw = OvsSwitch.create(client, "netdev").waitingForVswitchd(Duration.ofSeconds(30));
    }

    @AfterEach
    void clean() {
        client.close();
        ovs.deleteBridgeQuietly(BR.value());
        for (String v : List.of("okovs-c1", "okovs-c2", "okovs-c3")) {
            links.find(InterfaceName.of(v)).ifPresent(l -> links.delete(l.name()));
        }
    }

    @AfterAll
    static void noLeftovers() {
        assertThat(ovs.vsctl("list-br")).doesNotContain("okovs");
    }

    private InterfaceName veth(String name) {
        links.create(VethPair.builder(name).peer(name + "p").build());
        return InterfaceName.of(name);
    }

    private long ovsdb(Access a) {
        return counter.count(Backend.OVSDB, a);
    }

    @Test
    void ownChangesAreInTheCacheWhenTheCallReturnsAndWarmReadsSendNothing() {
        sw.ensureBridge(Bridge.named(BR.value()), OWNER);
        InterfaceName c1 = veth("okovs-c1");
        sw.attach(BR, List.of(c1), OWNER);
        counter.reset();

        // The update of our own transaction came before its reply: the cache already agrees with ovs-vsctl.
        assertThat(sw.ports(BR)).containsExactly(c1);
        assertThat(VsctlOracle.ports(ovs, BR.value())).containsExactly(c1.value());
        assertThat(sw.isAttached(BR, c1)).isTrue();
        assertThat(sw.isAttached(BR, c1, links.find(c1).orElseThrow().index())).isTrue();
        assertThat(sw.bridges(OWNER)).containsExactly(BR);
        assertThat(sw.tunnels(BR)).isEmpty();
        sw.ensureBridge(Bridge.named(BR.value()), OWNER);
        sw.attach(BR, List.of(c1), OWNER);
        assertThat(counter.snapshot()).as("warm reads and no-op changes").isEmpty();
    }

    @Test
    void theCacheFollowsOvsVsctlChangingRowsBehindOurBack() {
        sw.ensureBridge(Bridge.named(BR.value()), OWNER);
        InterfaceName c1 = veth("okovs-c1");
        InterfaceName c2 = veth("okovs-c2");
        sw.attach(BR, List.of(c1), OWNER);

        ovs.vsctl("add-port", BR.value(), c2.value());
        ovs.vsctl("set", "Interface", c1.value(), "options:okovs-opt=1");
        client.echo(); // ovsdb-server flushes this session's pending updates before the echo's reply
        assertThat(sw.ports(BR)).containsExactly(c1, c2);
        assertThat(sw.view().port(c1).orElseThrow().options()).containsEntry("okovs-opt", "1");

        counter.reset();
        sw.attach(BR, List.of(c2), OWNER); // made identically by ovs-vsctl: left alone
        assertThat(ovsdb(Access.WRITE)).isZero();
        assertThatThrownBy(() -> sw.attach(BR, List.of(c1), OWNER)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("option okovs-opt is '1', wanted not set");

        ovs.vsctl("del-port", BR.value(), c2.value());
        client.echo();
        assertThat(sw.ports(BR)).containsExactly(c1);
        assertThat(sw.isAttached(BR, c2)).isFalse();
        sw.attach(BR, List.of(c2), OWNER);
        assertThat(VsctlOracle.ports(ovs, BR.value())).containsExactlyInAnyOrder(c1.value(), c2.value());

        // The bridge deleted and made anew (a new row under the same name): the switch acts on the new one.
        ovs.vsctl("del-br", BR.value(), "--", "add-br", BR.value(), "--", "set", "Bridge", BR.value(),
                "datapath_type=netdev", "external_ids:" + OvsSwitch.OWNER_KEY + "=" + OWNER);
        client.echo();
        assertThat(sw.ports(BR)).isEmpty();
        sw.attach(BR, List.of(c1), OWNER);
        assertThat(VsctlOracle.ports(ovs, BR.value())).containsExactly(c1.value());
    }

    @Test
    void afterOvsdbServerIsKilledAndRestartedTheCacheIsReSyncedAndTheNextCallIsRight() {
        sw.ensureBridge(Bridge.named(BR.value()), OWNER);
        InterfaceName c1 = veth("okovs-c1");
        InterfaceName c2 = veth("okovs-c2");
        InterfaceName c3 = veth("okovs-c3");
        sw.attach(BR, List.of(c1, c2), OWNER);
        counter.reset();

        ovs.killOvsdb();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (client.isConnected() && System.nanoTime() < deadline) {
            LabOvs.sleep(20);
        }
        assertThat(client.isConnected()).isFalse();
        ovs.startOvsdb();
        // Changed while we were away: the re-created monitor must show it.
        ovs.vsctl("del-port", BR.value(), c1.value(), "--", "add-port", BR.value(), c3.value());

        assertThat(sw.ports(BR)).containsExactly(c2, c3); // waits for the reconnect, then reads the new cache
        assertThat(ovsdb(Access.READ)).as("the monitor, re-created on reconnect").isEqualTo(1);
        assertThat(ovsdb(Access.WRITE)).isZero();
        sw.attach(BR, List.of(c1, c2, c3), OWNER);
        assertThat(ovsdb(Access.WRITE)).as("c1 added, plus the record of its ifindex").isEqualTo(2);
        assertThat(ovsdb(Access.READ)).isEqualTo(1);
        assertThat(VsctlOracle.ports(ovs, BR.value())).containsExactlyInAnyOrder(c1.value(), c2.value(), c3.value());
        JsonNode ofport = VsctlOracle.byName(ovs, "Interface", c1.value()).get("ofport");
        assertThat(ofport.asLong()).isPositive();
        assertThat(sw.isAttached(BR, c1)).isTrue();
    }

    @Test
    void aReCreatedDeviceIsNotAttachedAtOnceForACallerThatKnowsItsIfindex() {
        sw.ensureBridge(Bridge.named(BR.value()), OWNER);
        InterfaceName c1 = veth("okovs-c1");
        sw.addPorts(BR, List.of(OvsPort.system(c1)), OWNER,
                Map.of(c1, (long) links.find(c1).orElseThrow().index()));
        assertThat(ovs.vsctl("get", "Port", c1.value(), "external_ids:" + OvsSwitch.IFINDEX_KEY).trim())
                .isEqualTo("\"" + links.find(c1).orElseThrow().index() + "\"");

        links.delete(c1);
        veth(c1.value());
        long now = links.find(c1).orElseThrow().index();
        // No waiting for ovs-vswitchd to notice: the recorded ifindex is not the device's.
        assertThat(sw.isAttached(BR, c1, now)).isFalse();
        String uuidBefore = ovs.vsctl("get", "Interface", c1.value(), "_uuid").trim();

        sw.addPorts(BR, List.of(OvsPort.system(c1)), OWNER, Map.of(c1, now));

        assertThat(ovs.vsctl("get", "Interface", c1.value(), "_uuid").trim()).isNotEqualTo(uuidBefore);
        assertThat(ovs.vsctl("get", "Port", c1.value(), "external_ids:" + OvsSwitch.IFINDEX_KEY).trim())
                .isEqualTo("\"" + now + "\"");
        assertThat(VsctlOracle.byName(ovs, "Interface", c1.value()).get("ifindex").asLong()).isEqualTo(now);
        assertThat(sw.isAttached(BR, c1, now)).isTrue();
    }
}
