package io.overlaykit.podman.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A response whose body is read incrementally. Closing it after the body was read to its end hands the
 * connection back to the pool; closing it earlier (an abandoned event stream) closes the connection.
 * Close is idempotent and may be called from another thread to stop a blocked read.
 */
public final class HttpResponse implements AutoCloseable {
    private final UnixHttpClient client;
    private final Http1Connection connection;
    private final ResponseHead head;
    private final BodyStreams.Body body;
    private final InputStream emptyBody;
    private volatile boolean closed;

    HttpResponse(UnixHttpClient client, Http1Connection connection, ResponseHead head, InputStream body) {
        this.client = client;
        this.connection = connection;
        this.head = head;
        this.body = body instanceof BodyStreams.Body b ? b : null;
        this.emptyBody = this.body == null ? body : null;
    }

    public ResponseHead head() {
        return head;
    }

    public int status() {
        return head.status();
    }

    public Optional<String> header(String name) {
        return head.header(name);
    }

    /** True when the server switched protocols (101) and the body is the raw stream. */
    public boolean isUpgraded() {
        return head.status() == 101;
    }

    /** The body, read as it arrives: for chunked streams, each read returns what is available. */
    public InputStream body() {
        return body != null ? body : emptyBody;
    }

    /** Reads the whole body (at most {@code maxBytes}) and closes the response. */
    public byte[] bodyBytes(int maxBytes) throws IOException {
        try (this) {
            return Http1Connection.readAll(body(), maxBytes, connection.peer());
        }
    }

    /** {@link #bodyBytes} as UTF-8 text. */
    public String bodyText(int maxBytes) throws IOException {
        return new String(bodyBytes(maxBytes), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (body == null || body.isComplete()) {
            client.release(connection);
        } else {
            body.close();
            connection.close();
        }
    }
}
