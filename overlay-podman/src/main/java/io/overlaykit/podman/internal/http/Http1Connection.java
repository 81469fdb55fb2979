package io.overlaykit.podman.internal.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over one {@link Transport}, as an explicit state machine: {@code IDLE -> HEAD_EXPECTED ->
 * BODY -> IDLE} for keep-alive exchanges, {@code BODY -> DONE} when the response cannot be followed by
 * another one (EOF-framed, {@code Connection: close}, leftover bytes) and {@code UPGRADED} once the
 * server switched protocols (exec streams). Every line and the whole head are size-limited.
 */
public final class Http1Connection implements AutoCloseable {
    static final int MAX_STATUS_LINE = 8 * 1024;
    static final int MAX_HEADER_LINE = 8 * 1024;
    static final int MAX_HEAD_BYTES = 64 * 1024;
    static final int MAX_HEADERS = 128;
    static final int MAX_CHUNK_LINE = 1024;
    private static final int STREAM_CHUNK = 64 * 1024;

    enum State { IDLE, HEAD_EXPECTED, BODY, DONE, UPGRADED, CLOSED }

    private final Transport transport;
    private final HttpSource source;
    private State state = State.IDLE;
    private boolean keepAlive;
    private int exchanges;

    public Http1Connection(Transport transport) {
        this.transport = transport;
        this.source = new HttpSource(transport);
    }

    State state() {
        return state;
    }

    /** How many requests this connection has carried; more than one means it was reused. */
    int exchanges() {
        return exchanges;
    }

    String peer() {
        return transport.peer();
    }

    /** True when another request may be sent on this connection. */
    boolean isReusable() {
        return state == State.IDLE && !transport.isStale();
    }

    /** Sends the request line, headers and body. */
    public void writeRequest(HttpRequest request, long timeoutMillis) throws IOException {
        expect(State.IDLE);
        exchanges++;
        state = State.HEAD_EXPECTED;
        StringBuilder head = new StringBuilder(256);
        head.append(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\n");
        head.append("Host: d\r\n"); // required by HTTP/1.1, meaningless on a Unix socket
        head.append("User-Agent: overlaykit\r\n");
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            String value = h.getValue();
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || h.getKey().indexOf(':') >= 0) {
                throw new IllegalArgumentException("header " + h.getKey() + " must not contain CR, LF or ':' in its name");
            }
            head.append(h.getKey()).append(": ").append(value).append("\r\n");
        }
        if (request.bodyStream() != null) {
            head.append("Transfer-Encoding: chunked\r\n");
        } else if (request.body() != null) {
            head.append("Content-Length: ").append(request.body().length).append("\r\n");
        } else if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            head.append("Content-Length: 0\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = HttpSource.ascii(head.toString());
        transport.write(headBytes, 0, headBytes.length, timeoutMillis);
        if (request.body() != null) {
            transport.write(request.body(), 0, request.body().length, timeoutMillis);
        } else if (request.bodyStream() != null) {
            writeChunked(request.bodyStream(), timeoutMillis);
        }
    }

    private void writeChunked(InputStream in, long timeoutMillis) throws IOException {
        byte[] chunk = new byte[STREAM_CHUNK];
        int n;
        while ((n = in.readNBytes(chunk, 0, chunk.length)) > 0) {
            byte[] size = HttpSource.ascii(Integer.toHexString(n) + "\r\n");
            transport.write(size, 0, size.length, timeoutMillis);
            transport.write(chunk, 0, n, timeoutMillis);
            transport.write(new byte[] {'\r', '\n'}, 0, 2, timeoutMillis);
        }
        byte[] last = HttpSource.ascii("0\r\n\r\n");
        transport.write(last, 0, last.length, timeoutMillis);
    }

    /**
     * Reads the status line and headers of the next final response (1xx other than 101 are skipped).
     *
     * @throws HttpProtocolException when the peer closed before answering or sent something that is not HTTP
     */
    public ResponseHead readHead(long timeoutMillis) throws IOException {
        expect(State.HEAD_EXPECTED);
        source.timeoutMillis(timeoutMillis);
        try {
            while (true) {
                ResponseHead head = readOneHead();
                if (head.status() >= 100 && head.status() < 200 && head.status() != 101) {
                    continue;
                }
                state = State.BODY;
                return head;
            }
        } catch (IOException | RuntimeException e) {
            state = State.DONE;
            throw e;
        }
    }

    private ResponseHead readOneHead() throws IOException {
        String statusLine = source.readLine(MAX_STATUS_LINE, "status line");
        if (statusLine == null) {
            throw new PeerClosedException("connection to " + peer() + " closed before a response arrived");
        }
        if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.") || statusLine.charAt(8) != ' '
                || !isDigits(statusLine, 9, 12) || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')
                || (statusLine.charAt(7) != '0' && statusLine.charAt(7) != '1')) {
            throw new HttpProtocolException("malformed status line from " + peer() + ": '" + printable(statusLine) + "'");
        }
        int minor = statusLine.charAt(7) - '0';
        int status = Integer.parseInt(statusLine.substring(9, 12));
        String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int total = statusLine.length();
        int count = 0;
        while (true) {
            String line = source.readLine(MAX_HEADER_LINE, "response headers");
            if (line == null) {
                throw new HttpProtocolException("connection to " + peer() + " closed in the middle of the response headers");
            }
            if (line.isEmpty()) {
                break;
            }
            total += line.length();
            if (++count > MAX_HEADERS || total > MAX_HEAD_BYTES) {
                throw new HttpProtocolException("response head from " + peer() + " exceeds " + MAX_HEADERS
                        + " headers or " + MAX_HEAD_BYTES + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.charAt(colon - 1) == ' ') {
                throw new HttpProtocolException("malformed header line from " + peer() + ": '" + printable(line) + "'");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
        }
        headers.replaceAll((k, v) -> List.copyOf(v));
        return new ResponseHead(minor, status, reason, headers);
    }

    /**
     * The body of the response whose head was just read, framed per RFC 9112 section 6.3. Reading it to
     * its end returns the connection to {@code IDLE} when it may carry another request.
     */
    public InputStream openBody(ResponseHead head, String method, long timeoutMillis) throws IOException {
        expect(State.BODY);
        source.timeoutMillis(timeoutMillis);
        keepAlive = head.minorVersion() == 1 && !head.headerHasToken("connection", "close");
        int status = head.status();
        if (status == 101) {
            state = State.UPGRADED;
            return new BodyStreams.UntilEof(this);
        }
        if (method.equals("HEAD") || status == 204 || status == 304) {
            bodyComplete();
            return InputStream.nullInputStream();
        }
        if (head.header("transfer-encoding").isPresent()) {
            if (!head.headerHasToken("transfer-encoding", "chunked")) {
                throw new HttpProtocolException("unsupported Transfer-Encoding from " + peer() + ": "
                        + head.header("transfer-encoding").get());
            }
            return new BodyStreams.Chunked(this);
        }
        List<String> lengths = head.headers().get("content-length");
        if (lengths != null) {
            long length = contentLength(lengths);
            if (length == 0) {
                bodyComplete();
                return InputStream.nullInputStream();
            }
            return new BodyStreams.FixedLength(this, length);
        }
        keepAlive = false; // only the end of the stream ends this body
        return new BodyStreams.UntilEof(this);
    }

    private long contentLength(List<String> values) throws HttpProtocolException {
        long length = -1;
        for (String value : values) {
            // limit -1: "," must yield two empty parts (refused), not none (which left the length unset at -1)
            for (String part : value.split(",", -1)) {
                long parsed;
                try {
                    parsed = Long.parseLong(part.trim());
                } catch (NumberFormatException e) {
                    parsed = -1;
                }
                if (parsed < 0 || (length >= 0 && parsed != length)) {
                    throw new HttpProtocolException("invalid Content-Length from " + peer() + ": " + values);
                }
                length = parsed;
            }
        }
        if (length < 0) {
            throw new HttpProtocolException("invalid Content-Length from " + peer() + ": " + values);
        }
        return length;
    }

    HttpSource source() {
        return source;
    }

    /** Called by a body stream that read its last byte. */
    void bodyComplete() {
        if (state == State.BODY) {
            state = keepAlive && !source.hasBuffered() ? State.IDLE : State.DONE;
        }
    }

    /** Reads a whole small body (error texts, JSON answers), refusing more than {@code maxBytes}. */
    static byte[] readAll(InputStream body, int maxBytes, String peer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int n;
        while ((n = body.read(chunk)) >= 0) {
            if (out.size() + n > maxBytes) {
                throw new HttpProtocolException("response body from " + peer + " exceeds " + maxBytes + " bytes");
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        state = State.CLOSED;
        transport.close();
    }

    private void expect(State expected) {
        if (state != expected) {
            throw new IllegalStateException("HTTP connection to " + peer() + " is " + state + ", not " + expected);
        }
    }

    private static boolean isDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** The peer closed the connection cleanly before sending a status line: a stale pooled connection. */
    static final class PeerClosedException extends HttpProtocolException {
        private static final long serialVersionUID = 1L;

        PeerClosedException(String message) {
            super(message);
        }
    }
}
