package io.overlaykit.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.overlaykit.core.BackendException;
import io.overlaykit.core.OverlayTimeoutException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connection behaviour against an in-process fake server: echo, disconnects, reconnect, timeouts, probe. */
@Timeout(30)
class OvsdbClientConnectionTest {
    private FakeOvsdbServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeOvsdbServer();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private OvsdbClientOptions options() {
        return OvsdbClientOptions.defaults().withCallTimeout(Duration.ofSeconds(2))
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200));
    }

    private static Transaction comment() {
        return Transaction.builder().comment("okovs").build();
    }

    @Test
    void answersTheServersEcho() throws Exception {
        try (OvsdbClient c = OvsdbClient.connect(server.remote(), options())) {
            Socket s = server.sockets.get(0);
            FakeOvsdbServer.send(s, FakeOvsdbServer.JSON.readTree("{\"method\":\"echo\",\"params\":[\"ping\",1],\"id\":\"srv-1\"}"));
            JsonNode reply = server.await(null);
            assertThat(reply.get("id").asText()).isEqualTo("srv-1");
            assertThat(reply.get("result").toString()).isEqualTo("[\"ping\",1]");
            assertThat(reply.get("error").isNull()).isTrue();
        }
    }

    @Test
    void pendingCallFailsAtOnceOnDisconnectAndClientReconnects() throws Exception {
        server.handler = req -> {
            try {
                server.dropConnections();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return null;
        };
        try (OvsdbClient c = OvsdbClient.connect(server.remote(), options())) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> c.transact(comment()))
                    .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.isRetryable()).isTrue())
                    .hasMessageContaining("connection lost");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));

            server.handler = req -> FakeOvsdbServer.JSON.createArrayNode().add(FakeOvsdbServer.JSON.createObjectNode());
            assertThat(c.awaitConnected(Duration.ofSeconds(5))).isTrue();
            assertThat(c.transact(comment()).results()).hasSize(1);
        }
    }

    @Test
    void reconnectRecreatesMonitorsAndRebuildsTheCache() throws Exception {
        String u1 = UUID.randomUUID().toString();
        String u2 = UUID.randomUUID().toString();
        server.monitorInitial = FakeOvsdbServer.JSON.readTree(
                "{\"Bridge\":{\"" + u1 + "\":{\"initial\":{\"name\":\"okovs-a\"}}}}");
        try (OvsdbClient c = OvsdbClient.connect(server.remote(), options());
             OvsdbClient.Monitor m = c.monitor(MonitorRequest.builder().table("Bridge", "name", "gone_column").build())) {
            JsonNode first = server.await("monitor_cond");
            assertThat(first.get("params").get(2).toString()).isEqualTo("{\"Bridge\":[{\"columns\":[\"name\"]}]}");
            assertThat(c.cache().find("Bridge", "name", "okovs-a")).isPresent();

            server.monitorInitial = FakeOvsdbServer.JSON.readTree(
                    "{\"Bridge\":{\"" + u2 + "\":{\"initial\":{\"name\":\"okovs-b\"}}}}");
            server.dropConnections();
            JsonNode again = server.await("monitor_cond");
            assertThat(again.get("params").get(1)).isEqualTo(first.get("params").get(1));
            assertThat(c.awaitConnected(Duration.ofSeconds(5))).isTrue();
            c.echo();
            assertThat(c.cache().rows("Bridge")).extracting(r -> r.getString("name")).containsExactly("okovs-b");
        }
    }

    @Test
    void callTimesOutAndIsCanceled() throws Exception {
        try (OvsdbClient c = OvsdbClient.connect(server.remote(),
                options().withCallTimeout(Duration.ofMillis(300)))) {
            assertThatThrownBy(() -> c.transact(comment()))
                    .isInstanceOf(OverlayTimeoutException.class).hasMessageContaining("transact")
                    .hasMessageContaining("300 ms");
            JsonNode tx = server.await("transact");
            JsonNode cancel = server.await("cancel");
            assertThat(cancel.get("params").get(0)).isEqualTo(tx.get("id"));
            assertThat(cancel.get("id").isNull()).isTrue();
        }
    }

    @Test
    void unansweredInactivityProbeDropsAndReconnects() throws Exception {
        server.answerEcho = false;
        try (OvsdbClient c = OvsdbClient.connect(server.remote(),
                options().withProbeInterval(Duration.ofMillis(200)))) {
            server.await("echo");
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            // The client gives up on the silent session and opens a new one.
            while (server.sockets.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(server.sockets.size()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void closedClientRefusesCalls() {
        OvsdbClient c = OvsdbClient.connect(server.remote(), options());
        c.close();
        c.close();
        assertThatThrownBy(c::listDbs).isInstanceOf(BackendException.class).hasMessageContaining("closed");
        assertThat(List.of(c.toString())).allMatch(s -> s.contains("disconnected"));
    }
}
