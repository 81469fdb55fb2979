package io.overlaykit.podman.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.podman.internal.MultiplexedStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class Http1ConnectionTest {

    private static String exchange(FakeTransport transport, HttpRequest request) throws IOException {
        Http1Connection connection = new Http1Connection(transport);
        connection.writeRequest(request, 1000);
        ResponseHead head = connection.readHead(1000);
        return new String(connection.openBody(head, request.method(), 1000).readAllBytes(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 4096})
    void contentLengthBodyLeavesConnectionIdle(int step) throws IOException {
        FakeTransport transport = FakeTransport.of("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK", step);
        Http1Connection connection = new Http1Connection(transport);
        connection.writeRequest(HttpRequest.get("/v4.0.0/libpod/_ping"), 1000);
        ResponseHead head = connection.readHead(1000);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("CONTENT-type")).contains("text/plain");
        assertThat(connection.openBody(head, "GET", 1000).readAllBytes()).asString().isEqualTo("OK");
        assertThat(connection.state()).isEqualTo(Http1Connection.State.IDLE);
        assertThat(transport.writtenText()).isEqualTo("GET /v4.0.0/libpod/_ping HTTP/1.1\r\nHost: d\r\nUser-Agent: overlaykit\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 4096})
    void chunkedBodyWithExtensionsAndTrailers(int step) throws IOException {
        String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=x\r\nhello\r\n" + "7\r\n, world\r\n" + "0\r\nX-Trailer: yes\r\n\r\n";
        FakeTransport transport = FakeTransport.of(response, step);
        Http1Connection connection = new Http1Connection(transport);
        connection.writeRequest(HttpRequest.get("/x"), 1000);
        ResponseHead head = connection.readHead(1000);
        assertThat(connection.openBody(head, "GET", 1000).readAllBytes()).asString().isEqualTo("hello, world");
        assertThat(connection.state()).isEqualTo(Http1Connection.State.IDLE);
    }

    @Test
    void chunkedBodyIsReadableBeforeItEnds() throws IOException {
        // Only the first chunk has arrived; the next read would wait: the reader must get it already.
        FakeTransport transport = new FakeTransport(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "7\r\n{\"a\":1}\r\n").getBytes(StandardCharsets.ISO_8859_1), 4096, true);
        Http1Connection connection = new Http1Connection(transport);
        connection.writeRequest(HttpRequest.get("/v4.0.0/libpod/events"), 1000);
        InputStream body = connection.openBody(connection.readHead(1000), "GET", 0);
        byte[] buffer = new byte[100];
        int n = body.read(buffer);
        assertThat(new String(buffer, 0, n, StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        assertThatThrownBy(() -> body.read(buffer)).isInstanceOf(java.net.SocketTimeoutException.class);
        assertThat(transport.lastTimeout).as("body reads use the body's own timeout").isZero();
    }

    @Test
    void bodyUntilEofEndsTheConnection() throws IOException {
        FakeTransport transport = FakeTransport.of("HTTP/1.1 200 OK\r\n\r\nall of it", 2);
        Http1Connection connection = new Http1Connection(transport);
        connection.writeRequest(HttpRequest.get("/x"), 1000);
        assertThat(connection.openBody(connection.readHead(1000), "GET", 1000).readAllBytes()).asString().isEqualTo("all of it");
        assertThat(connection.state()).isEqualTo(Http1Connection.State.DONE);
    }

    @Test
    void connectionCloseHeaderEndsTheConnection() throws IOException {
        FakeTransport transport = FakeTransport.of("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx", 100);
        Http1Connection connection = new Http1Connection(transport);
        connection.writeRequest(HttpRequest.get("/x"), 1000);
        connection.openBody(connection.readHead(1000), "GET", 1000).readAllBytes();
        assertThat(connection.state()).isEqualTo(Http1Connection.State.DONE);
    }

    @Test
    void noContentAndContinueResponses() throws IOException {
        FakeTransport transport = FakeTransport.of("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nApi-Version: 1.41\r\n\r\n", 3);
        Http1Connection connection = new Http1Connection(transport);
        connection.writeRequest(HttpRequest.post("/v4.0.0/libpod/containers/x/start"), 1000);
        ResponseHead head = connection.readHead(1000);
        assertThat(head.status()).isEqualTo(204);
        assertThat(connection.openBody(head, "POST", 1000).read()).isEqualTo(-1);
        assertThat(connection.state()).isEqualTo(Http1Connection.State.IDLE);
        assertThat(transport.writtenText()).contains("Content-Length: 0\r\n");
    }

    @Test
    void upgradedExecStreamIsDemultiplexed() throws IOException {
        byte[] recorded;
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/fixtures/exec-start-upgraded.raw"))) {
            recorded = in.readAllBytes();
        }
        FakeTransport transport = new FakeTransport(recorded, 9, false);
        Http1Connection connection = new Http1Connection(transport);
        connection.writeRequest(HttpRequest.postJson("/v4.0.0/libpod/exec/abc/start", "{\"Detach\":false,\"Tty\":false}")
                .withHeader("Connection", "Upgrade").withHeader("Upgrade", "tcp"), 1000);
        ResponseHead head = connection.readHead(1000);
        assertThat(head.status()).isEqualTo(101);
        InputStream raw = connection.openBody(head, "POST", 1000);
        assertThat(connection.state()).isEqualTo(Http1Connection.State.UPGRADED);
        MultiplexedStream.Output output = MultiplexedStream.demux(raw, 1 << 20, 0, transport.peer());
        assertThat(new String(output.stdout(), StandardCharsets.UTF_8)).startsWith("1: lo: <LOOPBACK,UP,LOWER_UP>")
                .contains("link/loopback");
        assertThat(new String(output.stderr(), StandardCharsets.UTF_8)).isEqualTo("err\n");
        assertThat(transport.writtenText()).contains("Upgrade: tcp\r\n").contains("Content-Length: 28\r\n")
                .endsWith("\r\n\r\n{\"Detach\":false,\"Tty\":false}");
    }

    @Test
    void connectionClosedMidBodyNamesThePeer() throws IOException {
        FakeTransport transport = FakeTransport.of("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 2);
        Http1Connection connection = new Http1Connection(transport);
        connection.writeRequest(HttpRequest.get("/x"), 1000);
        InputStream body = connection.openBody(connection.readHead(1000), "GET", 1000);
        assertThatThrownBy(body::readAllBytes).isInstanceOf(HttpProtocolException.class)
                .hasMessageContaining("/fake/podman.sock").hasMessageContaining("closed in the middle of the response body")
                .hasMessageContaining("7 bytes missing");
    }

    @Test
    void connectionClosedMidChunk() throws IOException {
        FakeTransport transport = FakeTransport.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nabc", 2);
        Http1Connection connection = new Http1Connection(transport);
        connection.writeRequest(HttpRequest.get("/x"), 1000);
        InputStream body = connection.openBody(connection.readHead(1000), "GET", 1000);
        assertThatThrownBy(body::readAllBytes).isInstanceOf(HttpProtocolException.class)
                .hasMessageContaining("closed in the middle of a chunk");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 2OO OK\r\n\r\n", "SSH-2.0-OpenSSH_9.2\r\n", "HTTP/2 200\r\n\r\n", "HTTP/1.1 200OK\r\n\r\n",
            "\u0000\u0001garbage\r\n"})
    void malformedStatusLine(String response) throws IOException {
        Http1Connection connection = new Http1Connection(FakeTransport.of(response, 4));
        connection.writeRequest(HttpRequest.get("/x"), 1000);
        assertThatThrownBy(() -> connection.readHead(1000)).isInstanceOf(HttpProtocolException.class)
                .hasMessageContaining("malformed status line from /fake/podman.sock");
        assertThat(connection.state()).isEqualTo(Http1Connection.State.DONE);
    }

    @Test
    void closedBeforeAnyResponse() throws IOException {
        Http1Connection connection = new Http1Connection(FakeTransport.of("", 4));
        connection.writeRequest(HttpRequest.get("/x"), 1000);
        assertThatThrownBy(() -> connection.readHead(1000)).isInstanceOf(Http1Connection.PeerClosedException.class)
                .hasMessageContaining("closed before a response arrived");
    }

    @Test
    void limitsHeadSizes() throws IOException {
        Http1Connection longLine = new Http1Connection(FakeTransport.of("HTTP/1.1 200 OK\r\nX: " + "a".repeat(9000) + "\r\n\r\n", 4096));
        longLine.writeRequest(HttpRequest.get("/x"), 1000);
        assertThatThrownBy(() -> longLine.readHead(1000)).isInstanceOf(HttpProtocolException.class)
                .hasMessageContaining("longer than 8192 bytes");
        Http1Connection many = new Http1Connection(FakeTransport.of("HTTP/1.1 200 OK\r\n" + "X: y\r\n".repeat(200) + "\r\n", 4096));
        many.writeRequest(HttpRequest.get("/x"), 1000);
        assertThatThrownBy(() -> many.readHead(1000)).isInstanceOf(HttpProtocolException.class)
                .hasMessageContaining("exceeds 128 headers");
        Http1Connection folded = new Http1Connection(FakeTransport.of("HTTP/1.1 200 OK\r\nX: y\r\n  folded\r\n\r\n", 4096));
        folded.writeRequest(HttpRequest.get("/x"), 1000);
        assertThatThrownBy(() -> folded.readHead(1000)).isInstanceOf(HttpProtocolException.class)
                .hasMessageContaining("malformed header line");
    }

    @Test
    void rejectsBadFraming() throws IOException {
        Http1Connection twoLengths = new Http1Connection(FakeTransport.of("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 64));
        twoLengths.writeRequest(HttpRequest.get("/x"), 1000);
        ResponseHead head = twoLengths.readHead(1000);
        assertThatThrownBy(() -> twoLengths.openBody(head, "GET", 1000)).hasMessageContaining("invalid Content-Length");
        assertThatThrownBy(() -> exchange(FakeTransport.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 64),
                HttpRequest.get("/x"))).hasMessageContaining("malformed chunk size");
        assertThatThrownBy(() -> exchange(FakeTransport.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXX0\r\n\r\n", 64),
                HttpRequest.get("/x"))).hasMessageContaining("not followed by CRLF");
    }

    @Test
    void streamedRequestBodyIsSentChunked() throws IOException {
        FakeTransport transport = FakeTransport.of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", 64);
        byte[] tar = new byte[70_000];
        tar[69_999] = 7;
        assertThat(exchange(transport, HttpRequest.postStream("/v4.0.0/libpod/images/import?reference=x",
                "application/x-tar", new ByteArrayInputStream(tar)))).isEqualTo("{}");
        byte[] sent = transport.written.toByteArray();
        String text = new String(sent, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("Transfer-Encoding: chunked\r\n").doesNotContain("Content-Length")
                .contains("\r\n\r\n10000\r\n").contains("\r\n1170\r\n").endsWith("\u0007\r\n0\r\n\r\n");
    }

    @Test
    void refusesOutOfOrderUse() {
        Http1Connection connection = new Http1Connection(FakeTransport.of("", 1));
        assertThatThrownBy(() -> connection.readHead(1000)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("IDLE, not HEAD_EXPECTED");
    }
}
