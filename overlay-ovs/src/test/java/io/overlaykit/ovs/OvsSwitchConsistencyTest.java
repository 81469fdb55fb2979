package io.overlaykit.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.spi.RequestHook.Access;
import io.overlaykit.core.spi.RequestHook.Backend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cache that is behind the database cannot corrupt it (the guards), a reconnect re-syncs the cache, locks
 * come back, and a throwing request hook fails the request before it is sent.
 */
@Timeout(60)
class OvsSwitchConsistencyTest {
    private static final String OWNER = "okovs-test";
    private static final InterfaceName BR = InterfaceName.of("okovs-br0");
    private static final InterfaceName V1 = InterfaceName.of("okovs-v1");
    private FakeOvs ovs;
    private OvsSwitch sw;

    @BeforeEach
    void start() throws Exception {
        ovs = new FakeOvs();
        sw = ovs.sw();
        ovs.addBridge(BR.value(), OWNER);
        sw.view();
        ovs.server.lagging = true; // others' changes reach the client only with its next reply
    }

    @AfterEach
    void stop() throws Exception {
        sw.close();
        ovs.close();
    }

    /** Runs {@code race} once, just before the client's next transaction reaches the database. */
    private void raceOnce(Runnable race) {
        AtomicInteger runs = new AtomicInteger();
        ovs.server.beforeTransact = () -> {
            if (runs.getAndIncrement() == 0) {
                race.run();
            }
        };
    }

    /** Waits until the client has a new connection to {@code server}, handshake and restore done. */
    private void awaitReconnectTo(FakeOvsdbServer server) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.sockets.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.sockets).as("the client reconnected").isNotEmpty();
        assertThat(ovs.client.awaitConnected(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aPortAddedBehindTheCachesBackIsNotAddedTwice() {
        raceOnce(() -> ovs.addPorts(BR.value(), List.of(V1.value()), "", Map.of(), Map.of()));

        sw.attach(BR, List.of(V1), OWNER);

        // One transaction was sent and refused by its guard; deciding again from the cache found the port there.
        assertThat(ovs.counter.count(Backend.OVSDB, Access.WRITE)).isEqualTo(1);
        assertThat(ovs.db.rows("Port").stream().filter(r -> r.get("name").equals(V1.value()))).hasSize(1);
        assertThat(sw.ports(BR)).containsExactly(V1);
    }

    @Test
    void aBridgeDeletedBehindTheCachesBackIsReportedNotResurrected() {
        raceOnce(() -> ovs.db.commit(Transaction.builder().mutate("Open_vSwitch", List.of(),
                List.of(Mutation.delete("bridges", java.util.Set.of(ovs.db.byName("Bridge", BR.value()).get("_uuid")))))
                .build()));

        assertThatThrownBy(() -> sw.attach(BR, List.of(V1), OWNER)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining(BR.value());
        assertThat(ovs.db.rows("Port")).isEmpty();
    }

    @Test
    void aRemovedPortThatWasReCreatedBehindTheCachesBackIsRemovedToo() {
        ovs.server.lagging = false;
        sw.attach(BR, List.of(V1), OWNER);
        ovs.server.lagging = true;
        raceOnce(() -> {
            ovs.deletePort(BR.value(), V1.value());
            ovs.addPorts(BR.value(), List.of(V1.value()), "", Map.of(), Map.of()); // same name, new row
        });

        sw.detach(BR, List.of(V1));

        assertThat(ovs.db.byName("Port", V1.value())).as("a delete by the stale uuid would have missed it").isNull();
        assertThat(sw.ports(BR)).isEmpty();
    }

    @Test
    void aCacheThatStaysBehindIsAConflictAndChangesNothing() {
        // Another client re-creates the bridge before each of our transactions: the guard fails twice.
        ovs.server.beforeTransact = () -> {
            Object uuid = ovs.db.byName("Bridge", BR.value()).get("_uuid");
            ovs.db.commit(Transaction.builder().mutate("Open_vSwitch", List.of(),
                    List.of(Mutation.delete("bridges", java.util.Set.of(uuid)))).build());
            ovs.addBridge(BR.value(), OWNER);
        };

        assertThatThrownBy(() -> sw.attach(BR, List.of(V1), OWNER)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("changed concurrently").hasMessageContaining("try again");
        assertThat(ovs.counter.count(Backend.OVSDB, Access.WRITE)).isEqualTo(2);
        assertThat(ovs.db.byName("Port", V1.value())).isNull();
    }

    @Test
    void aPlanGivenAsDataThatNoLongerFitsIsAConflict() {
        OvsView planned = sw.view();
        List<PortChange> plan = OvsPortPlanner.ensurePorts(planned, BR, List.of(OvsPort.system(V1)), OWNER, Map.of());
        ovs.server.lagging = false;
        ovs.addPorts(BR.value(), List.of(V1.value()), "", Map.of(), Map.of());
        ovs.server.lagging = true;
        raceOnce(() -> { });

        assertThatThrownBy(() -> sw.apply(plan)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("changed concurrently");
    }

    @Test
    void aReconnectReSyncsTheCacheAndTheNextCallIsRight() throws Exception {
        ovs.server.lagging = false;
        sw.attach(BR, List.of(V1), OWNER);
        ovs.counter.reset();

        ovs.server.down = true; // the server goes away; changes are made while the client is not connected
        ovs.server.dropConnections();
        ovs.addPorts(BR.value(), List.of("okovs-v2"), "", Map.of(), Map.of());
        ovs.deletePort(BR.value(), V1.value());
        ovs.server.down = false;
        awaitReconnectTo(ovs.server);

        assertThat(sw.ports(BR)).extracting(InterfaceName::value).containsExactly("okovs-v2");
        assertThat(sw.isAttached(BR, V1)).isFalse();
        sw.attach(BR, List.of(V1), OWNER);
        assertThat(ovs.db.byName("Port", V1.value())).isNotNull();
        // The re-created monitor is a read; the re-attach one write; nothing else.
        assertThat(ovs.counter.count(Backend.OVSDB, Access.READ)).isEqualTo(1);
        assertThat(ovs.counter.count(Backend.OVSDB, Access.WRITE)).isEqualTo(1);
    }

    @Test
    void locksAreAskedForAgainAfterAReconnect() throws Exception {
        assertThat(ovs.client.lock("okovs_lock")).isTrue();
        ovs.server.dropConnections();
        awaitReconnectTo(ovs.server);
        assertThat(ovs.client.holdsLock("okovs_lock")).isTrue();
        assertThat(ovs.server.locks).containsKey("okovs_lock");
        ovs.client.unlock("okovs_lock");
        ovs.server.dropConnections();
        awaitReconnectTo(ovs.server);
        ovs.client.echo();
        assertThat(ovs.server.locks).doesNotContainKey("okovs_lock");
    }

    @Test
    void aThrowingHookFailsTheTransactionBeforeItIsSent() {
        long transacts = ovs.received("transact");
        ovs.client.requestHook((backend, access, operation) -> {
            if (access == Access.WRITE) {
                throw new IllegalStateException("okovs injected fault in " + operation);
            }
        });

        assertThatThrownBy(() -> sw.attach(BR, List.of(V1), OWNER)).isInstanceOf(BackendException.class)
                .hasMessageContaining("refused by the request hook").hasMessageContaining("okovs injected fault")
                .hasMessageContaining("add 1 port(s)");
        assertThat(ovs.received("transact")).isEqualTo(transacts);
        assertThat(ovs.db.byName("Port", V1.value())).isNull();
        // Reads are not refused: the hook sees only what it asked to fail.
        assertThat(sw.ports(BR)).isEmpty();
    }
}
