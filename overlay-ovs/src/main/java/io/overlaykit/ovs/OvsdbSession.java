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
 *
 * <p>With several remotes (the members of a Raft cluster) the session talks to the leader only, as OVS's IDL does
 * by default: on every connect it monitors the {@code _Server} database's {@code Database} row of its database and
 * moves on to the next member unless that row says {@code model} clustered, {@code leader} and {@code connected};
 * when a later update says the member lost the leadership (or the connection drops), it reconnects, trying the
 * members in turn until one is the leader. Calls made meanwhile wait for the new connection within their deadline.
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

    /** The id of the {@code _Server} monitor by which a cluster session follows the leader. */
    static final String LEADER_MONITOR = "okleader";

    private final List<OvsdbRemote> remotes;
    private volatile OvsdbRemote remote;
    private int next;
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
        this(List.of(remote), options, handler);
    }

    /** A session to the leader among {@code remotes} (one remote: that server, clustered or not). */
    OvsdbSession(List<OvsdbRemote> remotes, OvsdbClientOptions options, Handler handler) {
        this.remotes = List.copyOf(remotes);
        this.remote = this.remotes.get(0);
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

    /** The member this session talks to now (the last one it tried while it reconnects). */
    OvsdbRemote remote() {
        return remote;
    }

    /**
     * Connects to the first member that is the leader (of a single remote: to it), trying each once, starting
     * after the member used last; returns how many monitors the client restored.
     */
    private int establish() throws IOException {
        IOException io = null;
        RuntimeException other = null;
        int n = remotes.size();
        for (int k = 0; k < n; k++) {
            OvsdbRemote r = remotes.get((next + k) % n);
            remote = r;
            try {
                int restored = establish(r);
                next = (next + k) % n;
                return restored;
            } catch (IOException e) {
                io = e;
            } catch (RuntimeException e) {
                if (n == 1) {
                    throw e;
                }
                other = e;
            }
        }
        next = (next + 1) % n;
        if (n == 1 || (io != null && other == null)) {
            throw io;
        }
        throw new IOException("no leader of " + options.database() + " among " + remotes + " (last: "
                + (other != null ? other.getMessage() : io.getMessage()) + ")", other != null ? other : io);
    }

    /** Connects to one member and runs the handshake. */
    private int establish(OvsdbRemote remote) throws IOException {
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
            if (remotes.size() > 1) {
                ArrayNode monitor = F.arrayNode().add("_Server").add(LEADER_MONITOR);
                monitor.addObject().putObject("Database").putArray("columns").add("name").add("model").add("leader")
                        .add("connected");
                JsonNode initial = await(c.call("monitor", monitor), "monitor _Server", deadline);
                String why = notLeader(initial, options.database(), true);
                if (why != null) {
                    throw new BackendException("ovsdb " + remote + ": " + why, null, true);
                }
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

    /**
     * Why the {@code _Server} table updates show that this member is not (or no longer) the leader of
     * {@code database}, or null when it is or the updates do not say. {@code initial}: a missing row counts too.
     */
    static String notLeader(JsonNode tableUpdates, String database, boolean initial) {
        JsonNode rows = tableUpdates == null ? null : tableUpdates.get("Database");
        if (rows != null) {
            for (java.util.Iterator<JsonNode> it = rows.elements(); it.hasNext(); ) {
                JsonNode row = it.next().get("new");
                if (row == null || !database.equals(row.path("name").asText())) {
                    continue;
                }
                if (!"clustered".equals(row.path("model").asText())) {
                    return null; // a standalone server among the remotes: it is all there is
                }
                if (!row.path("connected").asBoolean(false)) {
                    return "member is not connected to its cluster";
                }
                if (!row.path("leader").asBoolean(false)) {
                    return "member is not the cluster leader";
                }
                return null;
            }
        }
        return initial ? "server has no database " + database : null;
    }

    /** Notifications and the end of a connection; runs on the reader thread. */
    private final class Events implements RpcConnection.Listener {
        @Override
        public void onNotification(RpcConnection c, String method, JsonNode params) {
            if (method.equals("update") && params.size() == 2 && LEADER_MONITOR.equals(params.get(0).asText())) {
                String why = notLeader(params.get(1), options.database(), false);
                if (why != null) {
                    LOG.log(Level.INFO, "ovsdb {0}: {1}; following the leader", remote, why);
                    c.abort(new IOException(why));
                }
                return;
            }
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
