package io.overlaykit.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.overlaykit.core.BackendException;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.OverlayTimeoutException;
import io.overlaykit.ovs.internal.RpcConnection;
import io.overlaykit.ovs.internal.Transport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The connection side of {@link OvsdbClient}: one current {@link RpcConnection} at a time, the handshake
 * on every (re)connect ({@code list_dbs}, {@code get_schema}, then the client's own restore), calls with a
 * deadline that wait for a connection, the inactivity probe, and reconnecting with backoff after a drop.
 * What a session carries (monitors, locks, the cache) stays in the client, behind {@link Handler}.
 */
final class OvsdbSession implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OvsdbSession.class.getName());
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** What the client does with a new connection and with the server's notifications. */
    interface Handler {
        /**
         * Restores the client's state on a new connection before calls use it (the schema is loaded
         * already); returns how many monitors it restored, for the log.
         */
        int restore(RpcConnection c, long deadline);

        /** A notification from the server; runs on the reader thread. */
        void onNotification(String method, JsonNode params);

        /** The current connection ended (what the server held for this session, such as locks, is gone). */
        void onDisconnected();
    }

    private final OvsdbRemote remote;
    private final OvsdbClientOptions options;
    private final Handler handler;
    private final ScheduledExecutorService timer;
    private final Object stateLock = new Object();
    private volatile RpcConnection connection;
    private volatile DatabaseSchema schema;
    private volatile boolean closed;
    private volatile Throwable lastError;
    private int reconnectAttempts;
    private RpcConnection.Call probe;
    private long probeSentNanos;

    OvsdbSession(OvsdbRemote remote, OvsdbClientOptions options, Handler handler) {
        this.remote = remote;
        this.options = options;
        this.handler = handler;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ovsdb-timer " + remote);
            t.setDaemon(true);
            return t;
        });
    }

    /** Connects for the first time and starts the inactivity probe. */
    void open() throws IOException {
        establish();
        long probeMs = Math.max(100, options.probeInterval().toMillis() / 2);
        timer.scheduleWithFixedDelay(this::probe, probeMs, probeMs, TimeUnit.MILLISECONDS);
    }

    /** Connects and runs the handshake; returns how many monitors the client restored. */
    private int establish() throws IOException {
        Transport transport = Transport.open(remote, options.connectTimeout(), options.socketOpener());
        RpcConnection c = new RpcConnection(transport, remote.toString(), options.maxFrameBytes(), new Events());
        c.start();
        int restored;
        try {
            long deadline = deadline();
            List<String> dbs = new ArrayList<>();
            await(c.call("list_dbs", F.arrayNode()), "list_dbs", deadline).forEach(n -> dbs.add(n.asText()));
            if (!dbs.contains(options.database())) {
                throw new NotFoundException("ovsdb " + remote + " has no database " + options.database()
                        + " (it has " + dbs + ")");
            }
            JsonNode s = await(c.call("get_schema", F.arrayNode().add(options.database())), "get_schema", deadline);
            schema = DatabaseSchema.parse(s);
            restored = handler.restore(c, deadline);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        synchronized (stateLock) {
            if (closed) {
                c.close();
                return restored;
            }
            connection = c;
            stateLock.notifyAll();
        }
        return restored;
    }

    /** The schema of {@code options.database()}, as fetched on the last (re)connect. */
    DatabaseSchema schema() {
        return schema;
    }

    /** The current connection, or null while there is none. */
    RpcConnection current() {
        return connection;
    }

    boolean isConnected() {
        RpcConnection c = connection;
        return c != null && c.isOpen();
    }

    /** A deadline one call timeout from now, in {@link System#nanoTime()} terms. */
    long deadline() {
        return System.nanoTime() + options.callTimeout().toNanos();
    }

    /** Calls {@code method} on the current connection; a call that times out is {@code cancel}ed. */
    JsonNode call(String method, ArrayNode params, Consumer<JsonNode> inReader) {
        return call(method, params, inReader, List.of());
    }

    /** As {@link #call(String, ArrayNode, Consumer)}; {@code secrets} are masked in any error it throws. */
    JsonNode call(String method, ArrayNode params, Consumer<JsonNode> inReader, Collection<String> secrets) {
        long deadline = deadline();
        RpcConnection c = awaitConnection(deadline);
        RpcConnection.Call call = c.call(method, params, inReader);
        try {
            return await(call, method, deadline, secrets);
        } catch (OverlayTimeoutException e) {
            try {
                // RFC 7047 4.1.4: the server answers the original request with a "canceled" error.
                c.notify("cancel", F.arrayNode().add(call.id()));
            } catch (IOException ignored) {
                // The connection is going anyway.
            }
            throw e;
        }
    }

    /** Waits for the reply of {@code call} until {@code deadline}, mapping failures to OverlayExceptions. */
    JsonNode await(RpcConnection.Call call, String method, long deadline) {
        return await(call, method, deadline, List.of());
    }

    private JsonNode await(RpcConnection.Call call, String method, long deadline, Collection<String> secrets) {
        try {
            return call.result().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new OverlayTimeoutException("ovsdb " + remote + ": " + method + " got no reply within "
                    + options.callTimeout().toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("ovsdb " + remote + ": interrupted waiting for " + method, e);
        } catch (ExecutionException e) {
            throw CallFailures.translate(e.getCause(), remote.toString(), method, secrets);
        }
    }

    /** The current open connection, waiting for a reconnect until {@code deadline}. */
    RpcConnection awaitConnection(long deadline) {
        synchronized (stateLock) {
            while (true) {
                if (closed) {
                    throw new BackendException("ovsdb client for " + remote + " is closed");
                }
                RpcConnection c = connection;
                if (c != null && c.isOpen()) {
                    return c;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    Throwable last = lastError;
                    throw new BackendException("not connected to ovsdb " + remote + " (reconnecting"
                            + (last == null ? "" : "; last error: " + last.getMessage()) + ")", last, true);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(stateLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BackendException("interrupted waiting for ovsdb " + remote, e);
                }
            }
        }
    }

    /** Sends an echo after a silence; drops the connection when that echo goes unanswered as long. */
    private void probe() {
        RpcConnection c = connection;
        if (c == null || !c.isOpen()) {
            return;
        }
        long now = System.nanoTime();
        long interval = options.probeInterval().toNanos();
        if (probe != null && !probe.result().isDone()) {
            if (now - probeSentNanos > interval) {
                LOG.log(Level.WARNING, "ovsdb {0}: no answer to inactivity probe, reconnecting", remote);
                c.abort(new IOException("no reply to inactivity probe within "
                        + options.probeInterval().toMillis() + " ms"));
            }
            return;
        }
        if (now - c.lastReceivedNanos() > interval) {
            probe = c.call("echo", F.arrayNode());
            probeSentNanos = now;
        }
    }

    private void scheduleReconnect() {
        long min = options.minBackoff().toMillis();
        long delay = Math.min(options.maxBackoff().toMillis(), min << Math.min(reconnectAttempts, 20));
        try {
            timer.schedule(this::reconnect, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile.
        }
    }

    private void reconnect() {
        if (closed) {
            return;
        }
        try {
            int restored = establish();
            reconnectAttempts = 0;
            LOG.log(Level.INFO, "ovsdb {0}: reconnected, {1} monitor(s) restored", remote, restored);
        } catch (IOException | RuntimeException e) {
            lastError = e;
            reconnectAttempts++;
            LOG.log(Level.DEBUG, "ovsdb {0}: reconnect failed: {1}", remote, e.getMessage());
            scheduleReconnect();
        }
    }

    /** Closes the connection and stops reconnecting. Idempotent. */
    @Override
    public void close() {
        RpcConnection c;
        synchronized (stateLock) {
            if (closed) {
                return;
            }
            closed = true;
            c = connection;
            connection = null;
            stateLock.notifyAll();
        }
        timer.shutdownNow();
        if (c != null) {
            c.close();
        }
    }

    /** Notifications and the end of a connection; runs on the reader thread. */
    private final class Events implements RpcConnection.Listener {
        @Override
        public void onNotification(RpcConnection c, String method, JsonNode params) {
            handler.onNotification(method, params);
        }

        @Override
        public void onClosed(RpcConnection c, Throwable cause) {
            boolean reconnect;
            boolean wasActive;
            synchronized (stateLock) {
                wasActive = connection == c;
                if (wasActive) {
                    connection = null;
                }
                // A session that failed while being set up is retried by reconnect() itself.
                reconnect = wasActive && !closed && options.reconnect() && cause != null;
                if (cause != null) {
                    lastError = cause;
                }
            }
            if (wasActive) {
                handler.onDisconnected();
            }
            if (reconnect) {
                LOG.log(Level.WARNING, "ovsdb {0}: connection lost ({1}); reconnecting", remote, cause.getMessage());
                try {
                    timer.execute(OvsdbSession.this::scheduleReconnect);
                } catch (RejectedExecutionException e) {
                    // Closed meanwhile: nothing to reconnect.
                }
            }
        }
    }
}
