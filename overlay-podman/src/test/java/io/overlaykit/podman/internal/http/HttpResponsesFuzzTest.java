package io.overlaykit.podman.internal.http;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.overlaykit.core.testing.Allocation;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Fuzzes what the podman service sends back: the bytes after the first one are the server's side of a keep-alive
 * connection, handed to {@link Http1Connection} a few bytes at a time (the first byte picks how many, 1 to 16,
 * so that every read boundary is tried); up to three exchanges run while the connection stays reusable, each
 * reading the head and the whole body (fixed length, chunked or until EOF) as the client does, bounded at 1 MiB.
 * Allowed: {@link IOException} (the protocol errors are {@link HttpProtocolException}); anything else is a
 * finding. Allocation per input stays within 1 MiB + 64 B per input byte: buffers are fixed, lines and heads
 * are capped, and nothing is sized from a Content-Length or a chunk size.
 *
 * <p>{@code mvn verify} replays the committed inputs ({@code HttpResponsesFuzzTestInputs}) and fuzzes for
 * {@code fuzz.seconds}; see README "Reliability".
 */
class HttpResponsesFuzzTest {
    static final long ALLOCATION_BOUND = 1L << 20;
    private static final int MAX_BODY = 1 << 20;

    @FuzzTest(maxDuration = "15s")
    // libFuzzer dictionary syntax: a CR LF is the escape \x0d\x0a (doubled here for the Java string)
    @DictionaryEntries({"HTTP/1.1 ", "HTTP/1.0 ", "200 OK", "101 Switching Protocols", "100 Continue", "\\x0d\\x0a",
            "Content-Length: ", "Transfer-Encoding: chunked", "Connection: close", "Connection: keep-alive", ";ext=1",
            "0\\x0d\\x0a\\x0d\\x0a", "Libpod-Api-Version: 4.3.1"})
    void response(byte[] data) {
        exchange(data); // once unmeasured: class loading is not the parser's allocation
        Allocation.bounded(ALLOCATION_BOUND + 64L * data.length, "reading a " + data.length + "-byte response",
                () -> exchange(data));
    }

    private static void exchange(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int step = 1 + (data[0] & 0x0F);
        FakeTransport transport = new FakeTransport(Arrays.copyOfRange(data, 1, data.length), step, false);
        Http1Connection connection = new Http1Connection(transport);
        try {
            for (int i = 0; i < 3 && connection.isReusable(); i++) {
                String method = i == 1 ? "HEAD" : "GET";
                connection.writeRequest(new HttpRequest(method, "/v4.0.0/libpod/_ping", java.util.Map.of(), null, null,
                        null), 1000);
                ResponseHead head = connection.readHead(1000);
                try (InputStream body = connection.openBody(head, method, 1000)) {
                    Http1Connection.readAll(body, MAX_BODY, transport.peer());
                }
            }
        } catch (IOException e) {
            // refused, typed: the client fails this call and drops the connection
        } finally {
            connection.close();
        }
    }
}
