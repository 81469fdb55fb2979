package io.overlaykit.podman.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client and its pool against a real (in-test) HTTP server on a Unix socket. */
class UnixHttpClientTest {

    private static UnixHttpClient client(Path socket, Duration readTimeout) {
        return UnixHttpClient.forSocket(socket, Duration.ofSeconds(2), readTimeout);
    }

    @Test
    void reusesKeepAliveConnections() throws Exception {
        try (TestUnixServer server = new TestUnixServer((req, out) -> {
            TestUnixServer.respond(out, 200, "application/json", "{\"n\":" + req.target().length() + "}");
            return true;
        }); UnixHttpClient http = client(server.socket(), Duration.ofSeconds(2))) {
            for (int i = 0; i < 5; i++) {
                try (HttpResponse response = http.send(HttpRequest.get("/v4.0.0/libpod/info" + i))) {
                    assertThat(response.bodyText(1024)).isEqualTo("{\"n\":20}");
                }
            }
            assertThat(http.connectionsOpened()).isEqualTo(1);
            assertThat(server.connections()).isEqualTo(1);
            assertThat(http.idleConnections()).isEqualTo(1);
        }
    }

    @Test
    void abandonedBodyClosesItsConnection() throws Exception {
        try (TestUnixServer server = new TestUnixServer((req, out) -> {
            TestUnixServer.respond(out, 200, "text/plain", "x".repeat(100_000));
            return true;
        }); UnixHttpClient http = client(server.socket(), Duration.ofSeconds(2))) {
            try (HttpResponse response = http.send(HttpRequest.get("/big"))) {
                assertThat(response.body().read()).isEqualTo('x');
            }
            assertThat(http.idleConnections()).isZero();
            assertThat(http.send(HttpRequest.get("/big")).bodyBytes(200_000)).hasSize(100_000);
            assertThat(http.connectionsOpened()).isEqualTo(2);
        }
    }

    @Test
    void replacesAPooledConnectionTheServerClosed() throws Exception {
        try (TestUnixServer server = new TestUnixServer((req, out) -> {
            TestUnixServer.respond(out, 200, "text/plain", "OK");
            return true;
        }); UnixHttpClient http = client(server.socket(), Duration.ofSeconds(2))) {
            assertThat(http.send(HttpRequest.get("/a")).bodyText(10)).isEqualTo("OK");
            server.dropConnections();
            Thread.sleep(50);
            assertThat(http.send(HttpRequest.get("/b")).bodyText(10)).isEqualTo("OK");
            assertThat(http.connectionsOpened()).isEqualTo(2);
        }
    }

    @Test
    void retriesOnceWhenAReusedConnectionDiesUnnoticed() throws Exception {
        // The server answers the first request, then closes without answering the second one on the same
        // connection: the client replays it on a new connection.
        try (TestUnixServer server = new TestUnixServer((req, out) -> {
            if (req.target().equals("/second") && req.connection() == 1) {
                return false;
            }
            TestUnixServer.respond(out, 200, "text/plain", req.target());
            return true;
        }); UnixHttpClient http = client(server.socket(), Duration.ofSeconds(2))) {
            assertThat(http.send(HttpRequest.get("/first")).bodyText(10)).isEqualTo("/first");
            assertThat(http.send(HttpRequest.get("/second")).bodyText(10)).isEqualTo("/second");
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    @Test
    void readTimeoutNamesTheSocket() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (TestUnixServer server = new TestUnixServer((req, out) -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }); UnixHttpClient http = client(server.socket(), Duration.ofMillis(200))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> http.send(HttpRequest.get("/slow"))).isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining(server.socket().toString());
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(150), Duration.ofSeconds(2));
            release.countDown();
        }
    }

    @Test
    void streamsChunksAsTheyArriveAndCloseStopsABlockedReader() throws Exception {
        CountDownLatch firstRead = new CountDownLatch(1);
        try (TestUnixServer server = new TestUnixServer((req, out) -> {
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            TestUnixServer.chunk(out, "{\"status\":\"start\"}\n");
            try {
                firstRead.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            TestUnixServer.chunk(out, "{\"status\":\"died\"}\n");
            try {
                Thread.sleep(10_000); // then silence, as an event stream with nothing to report
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }); UnixHttpClient http = client(server.socket(), Duration.ofSeconds(2))) {
            HttpResponse response = http.send(HttpRequest.get("/events").withReadTimeout(Duration.ZERO));
            InputStream body = response.body();
            byte[] buffer = new byte[256];
            assertThat(new String(buffer, 0, body.read(buffer), StandardCharsets.UTF_8)).isEqualTo("{\"status\":\"start\"}\n");
            firstRead.countDown();
            assertThat(new String(buffer, 0, body.read(buffer), StandardCharsets.UTF_8)).isEqualTo("{\"status\":\"died\"}\n");
            Thread reader = new Thread(() -> {
                try {
                    body.read(buffer);
                } catch (java.io.IOException expected) {
                    // closed under it
                }
            });
            reader.start();
            Thread.sleep(100);
            assertThat(reader.isAlive()).isTrue();
            response.close();
            reader.join(2000);
            assertThat(reader.isAlive()).as("close() wakes the blocked reader").isFalse();
        }
    }

    @Test
    void missingSocketFailsFast() {
        UnixHttpClient http = client(Path.of("/tmp/okpod-no-such-dir/podman.sock"), Duration.ofSeconds(1));
        assertThatThrownBy(() -> http.send(HttpRequest.get("/x"))).isInstanceOf(java.io.IOException.class);
        http.close();
        assertThatThrownBy(() -> http.send(HttpRequest.get("/x"))).hasMessageContaining("is closed");
    }
}
