package io.overlaykit.ovs.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One JSON-RPC 1.0 session over one transport (RFC 7047 4): numbers requests, matches replies to
 * pending calls, answers the server's {@code echo}, hands notifications to a listener on the reader
 * thread (in stream order, so a notification is handled before any reply that follows it completes),
 * and fails every pending call when the stream ends. It never reconnects: {@code OvsdbClient} does.
 */
public final class RpcConnection implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RpcConnection.class.getName());
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Receives what the server sends unasked, and the end of the session. */
    public interface Listener {
        /** A notification ({@code update}, {@code update2}, {@code locked}, {@code stolen}); on the reader thread. */
        void onNotification(RpcConnection connection, String method, JsonNode params);

        /** The session ended: {@code cause} is null after {@link #close()}. Called once. */
        void onClosed(RpcConnection connection, Throwable cause);
    }

    /** A request in flight: its id (for {@code cancel}) and its result. */
    public record Call(long id, CompletableFuture<JsonNode> result) {
    }

    private final Transport transport;
    private final String peer;
    private final Listener listener;
    private final JsonFrameReader reader;
    private final OutputStream out;
    private final ObjectMapper mapper = new ObjectMapper()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.CLOSE_CLOSEABLE);
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<Long, Consumer<JsonNode>> hooks = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread readerThread;
    private volatile long lastReceivedNanos = System.nanoTime();

    public RpcConnection(Transport transport, String peer, long maxFrameBytes, Listener listener) throws IOException {
        this.transport = transport;
        this.peer = peer;
        this.listener = listener;
        this.reader = new JsonFrameReader(transport.in(), maxFrameBytes);
        this.out = transport.out();
        mapper.getFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        this.readerThread = new Thread(this::readLoop, "ovsdb-reader " + peer);
        readerThread.setDaemon(true);
    }

    /** Starts the reader thread. */
    public void start() {
        readerThread.start();
    }

    public String peer() {
        return peer;
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /** Nanos ({@link System#nanoTime()}) when the last message arrived: the inactivity probe reads it. */
    public long lastReceivedNanos() {
        return lastReceivedNanos;
    }

    /** Sends a request; the future fails with {@link RpcError} for a JSON-RPC error, or with the I/O cause. */
    public Call call(String method, ArrayNode params) {
        return call(method, params, null);
    }

    /**
     * Sends a request; {@code inReader}, when given, sees a successful result on the reader thread before
     * any later message is read (a monitor's initial rows must land before the updates that follow).
     */
    public Call call(String method, ArrayNode params, Consumer<JsonNode> inReader) {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        if (inReader != null) {
            hooks.put(id, inReader);
        }
        pending.put(id, f);
        if (closed.get()) {
            pending.remove(id);
            hooks.remove(id);
            f.completeExceptionally(new IOException("connection to " + peer + " is closed"));
            return new Call(id, f);
        }
        ObjectNode msg = F.objectNode();
        msg.put("method", method);
        msg.set("params", params);
        msg.put("id", id);
        try {
            send(msg);
        } catch (IOException e) {
            pending.remove(id);
            f.completeExceptionally(e);
            fail(e);
        }
        return new Call(id, f);
    }

    /** Sends a notification (a request with {@code id: null}, e.g. {@code cancel}). */
    public void notify(String method, ArrayNode params) throws IOException {
        ObjectNode msg = F.objectNode();
        msg.put("method", method);
        msg.set("params", params);
        msg.putNull("id");
        send(msg);
    }

    private void send(JsonNode msg) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(msg);
        synchronized (out) {
            out.write(bytes);
            out.flush();
        }
    }

    private void readLoop() {
        Throwable cause = null;
        try {
            JsonNode msg;
            while ((msg = reader.next()) != null) {
                lastReceivedNanos = System.nanoTime();
                dispatch(msg);
            }
            cause = new IOException("connection closed by " + peer);
        } catch (IOException | RuntimeException e) {
            cause = e;
        }
        fail(cause);
    }

    private void dispatch(JsonNode msg) throws IOException {
        JsonNode method = msg.get("method");
        JsonNode id = msg.get("id");
        if (method != null && method.isTextual()) {
            JsonNode params = msg.has("params") ? msg.get("params") : F.arrayNode();
            if (id != null && !id.isNull()) {
                ObjectNode reply = F.objectNode();
                if (method.asText().equals("echo")) {
                    reply.set("result", params);
                    reply.putNull("error");
                } else {
                    reply.putNull("result");
                    reply.put("error", "unknown method " + method.asText());
                }
                reply.set("id", id);
                send(reply);
            } else {
                try {
                    listener.onNotification(this, method.asText(), params);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "handling " + method.asText() + " from " + peer + " failed", e);
                }
            }
            return;
        }
        if (id == null || !id.canConvertToLong()) {
            LOG.log(Level.DEBUG, "ignoring a reply without a known id from {0}", peer);
            return;
        }
        CompletableFuture<JsonNode> f = pending.remove(id.asLong());
        Consumer<JsonNode> hook = hooks.remove(id.asLong());
        if (f == null) {
            return;
        }
        JsonNode error = msg.get("error");
        if (error != null && !error.isNull()) {
            f.completeExceptionally(new RpcError(peer, error));
            return;
        }
        JsonNode result = msg.has("result") ? msg.get("result") : F.nullNode();
        if (hook != null) {
            try {
                hook.accept(result);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
                return;
            }
        }
        f.complete(result);
    }

    private void fail(Throwable cause) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        shutdown(new IOException("connection to " + peer + " lost"
                + (cause == null ? "" : ": " + cause.getMessage()), cause));
        listener.onClosed(this, cause);
    }

    private void shutdown(IOException failure) {
        try {
            transport.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing transport to {0}: {1}", peer, e);
        }
        List<CompletableFuture<JsonNode>> toFail = new ArrayList<>(pending.values());
        pending.clear();
        hooks.clear();
        toFail.forEach(f -> f.completeExceptionally(failure));
    }

    /** Ends the session as failed (e.g. the inactivity probe got no answer); pending calls fail. */
    public void abort(IOException cause) {
        fail(cause);
    }

    /** Closes the session; pending calls fail. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        shutdown(new IOException("connection to " + peer + " closed"));
        listener.onClosed(this, null);
    }

    /** A JSON-RPC {@code error} reply (not an operation error inside a transact result). */
    public static final class RpcError extends IOException {
        private static final long serialVersionUID = 1L;
        private static final ObjectMapper MAPPER = new ObjectMapper();
        private final transient JsonNode error;
        private final String peer;

        RpcError(String peer, JsonNode error) {
            super(describe(error) + " (from " + peer + ")");
            this.error = error;
            this.peer = peer;
        }

        /**
         * This error with every secret masked in its JSON (servers quote the request in "syntax error"
         * details, psk included), or this error itself when no secret occurs in it.
         */
        public RpcError scrubbed(Collection<String> secrets) {
            String json = error.toString();
            String clean = Redaction.scrub(json, secrets);
            if (clean.equals(json)) {
                return this;
            }
            JsonNode node;
            try {
                node = MAPPER.readTree(clean);
            } catch (IOException e) {
                node = TextNode.valueOf(clean);
            }
            RpcError copy = new RpcError(peer, node);
            copy.setStackTrace(getStackTrace());
            return copy;
        }

        public JsonNode error() {
            return error;
        }

        /** The error string, e.g. {@code unknown database} or {@code canceled}. */
        public String errorName() {
            if (error.isTextual()) {
                return error.asText();
            }
            JsonNode e = error.get("error");
            return e == null ? error.toString() : e.asText();
        }

        private static String describe(JsonNode error) {
            if (error.isTextual()) {
                return error.asText();
            }
            JsonNode e = error.get("error");
            JsonNode d = error.get("details");
            return (e == null ? error.toString() : e.asText()) + (d == null ? "" : ": " + d.asText());
        }
    }
}
