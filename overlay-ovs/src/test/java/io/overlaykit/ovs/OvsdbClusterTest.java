package io.overlaykit.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.overlaykit.core.BackendException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Following the leader of a clustered database against three in-process fake members: each answers the
 * {@code _Server} monitor with its own {@code Database} row; only the leader's transactions are accepted.
 */
@Timeout(30)
class OvsdbClusterTest {
    private final List<FakeOvsdbServer> members = new ArrayList<>();
    private final boolean[] leader = new boolean[3];
    private final int[] transacts = new int[3];

    @BeforeEach
    void start() throws Exception {
        for (int i = 0; i < 3; i++) {
            FakeOvsdbServer s = new FakeOvsdbServer();
            int me = i;
            s.handler = req -> {
                String method = req.path("method").asText();
                if (method.equals("monitor") && req.get("params").get(0).asText().equals("_Server")) {
                    return serverRows(leader[me], true);
                }
                if (method.equals("transact")) {
                    synchronized (transacts) {
                        transacts[me]++;
                    }
                    return FakeOvsdbServer.JSON.createArrayNode().add(FakeOvsdbServer.JSON.createObjectNode());
                }
                return null;
            };
            members.add(s);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (FakeOvsdbServer s : members) {
            s.close();
        }
    }

    static JsonNode serverRows(boolean leader, boolean connected) {
        ObjectNode row = FakeOvsdbServer.JSON.createObjectNode().put("name", "Open_vSwitch").put("model", "clustered")
                .put("leader", leader).put("connected", connected);
        ObjectNode updates = FakeOvsdbServer.JSON.createObjectNode();
        updates.putObject("Database").putObject("5e2b2b2b-0000-4000-8000-000000000001").set("new", row);
        return updates;
    }

    private List<OvsdbRemote> remotes() {
        return members.stream().map(FakeOvsdbServer::remote).toList();
    }

    private static OvsdbClientOptions options() {
        return OvsdbClientOptions.defaults().withCallTimeout(Duration.ofSeconds(5))
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200));
    }

    private static Transaction comment() {
        return Transaction.builder().comment("okcluster").build();
    }

    @Test
    void connectsToTheLeaderWhicheverMemberItIs() {
        leader[1] = true;
        try (OvsdbClient c = OvsdbClient.connect(remotes(), options())) {
            assertThat(c.currentRemote()).isEqualTo(members.get(1).remote());
            c.transact(comment());
            assertThat(transacts).containsExactly(0, 1, 0);
        }
    }

    @Test
    void followsTheLeaderWhenTheServerSaysItChanged() throws Exception {
        leader[0] = true;
        try (OvsdbClient c = OvsdbClient.connect(remotes(), options())) {
            assertThat(c.currentRemote()).isEqualTo(members.get(0).remote());
            leader[0] = false;
            leader[2] = true;
            ObjectNode update = FakeOvsdbServer.JSON.createObjectNode().put("method", "update");
            update.putArray("params").add("okleader").add(serverRows(false, true));
            update.putNull("id");
            FakeOvsdbServer.send(members.get(0).sockets.get(0), update);
            transactAsTheIdlDoes(c); // waits for the new connection within its timeout
            assertThat(c.currentRemote()).isEqualTo(members.get(2).remote());
            assertThat(transacts[2]).isEqualTo(1);
        }
    }

    @Test
    void aLeaderThatDiesIsReplacedByTheNextLeaderWithinTheCallTimeout() throws Exception {
        leader[0] = true;
        try (OvsdbClient c = OvsdbClient.connect(remotes(), options())) {
            leader[0] = false;
            members.get(0).down = true;
            members.get(0).dropConnections();
            new Thread(() -> {
                try {
                    Thread.sleep(300); // the election takes a moment
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                leader[1] = true;
            }).start();
            long t0 = System.nanoTime();
            transactAsTheIdlDoes(c);
            assertThat(c.currentRemote()).isEqualTo(members.get(1).remote());
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    /**
     * A transaction in flight when the member lost the leadership fails with a retryable error (it may or may not
     * have been committed: only the caller can decide again, as with the IDL's TRY_AGAIN); the next one goes to the
     * new leader.
     */
    private static void transactAsTheIdlDoes(OvsdbClient c) {
        try {
            c.transact(comment());
        } catch (BackendException e) {
            assertThat(e.isRetryable()).as(e.getMessage()).isTrue();
            c.transact(comment());
        }
    }

    @Test
    void noLeaderAnywhereIsARetryableConnectFailure() {
        assertThatThrownBy(() -> OvsdbClient.connect(remotes(), options())).isInstanceOf(BackendException.class)
                .hasMessageContaining("no leader").matches(e -> ((BackendException) e).isRetryable());
    }
}
