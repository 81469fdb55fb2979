package io.overlaykit.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.overlaykit.core.BackendException;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.OverlayTimeoutException;
import io.overlaykit.ovs.internal.RpcConnection;
import io.overlaykit.ovs.internal.Transport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A client of one ovsdb-server database (RFC 7047) over a Unix socket, TCP or TLS. Every call has a
 * timeout. When the connection drops, pending calls fail with a retryable {@link BackendException}, the
 * client reconnects with backoff (1 s doubling to 8 s), fetches the schema again, re-creates its
 * monitors and rebuilds the {@link TableCache}; calls made meanwhile wait for the connection up to
 * their timeout. The server's {@code echo} is answered, and an echo is sent after a silence as an
 * inactivity probe.
 *
 * <pre>{@code
 * try (OvsdbClient ovsdb = OvsdbClient.connect(OvsdbRemote.parse("unix:/run/openvswitch/db.sock"),
 *                                             OvsdbClientOptions.defaults())) {
 *     ovsdb.transact(Transaction.builder().select("Bridge", List.of(), List.of("name")).build());
 * }
 * }</pre>
 */
public final class OvsdbClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OvsdbClient.class.getName());
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** A live monitor; closing it sends {@code monitor_cancel} and drops its tables from the cache. */
    public final class Monitor implements AutoCloseable {
        private final String id;
        private final MonitorRequest request;

        private Monitor(String id, MonitorRequest request) {
            this.id = id;
            this.request = request;
        }

        public MonitorRequest request() {
            return request;
        }

        @Override
        public void close() {
            if (monitors.remove(id) == null) {
                return;
            }
            RpcConnection c = connection;
            if (c != null) {
                try {
                    await(c.call("monitor_cancel", F.arrayNode().add(id)), "monitor_cancel", deadline());
                } catch (OverlayException e) {
                    LOG.log(Level.DEBUG, "monitor_cancel on {0}: {1}", remote, e.getMessage());
                }
            }
            cache.clear(request.tables().stream().map(MonitorRequest.TableSpec::table).toList());
        }
    }

    private final OvsdbRemote remote;
    private final OvsdbClientOptions options;
    private final TableCache cache = new TableCache();
    private final ScheduledExecutorService timer;
    private final Object stateLock = new Object();
    private final Map<String, Monitor> monitors = new ConcurrentHashMap<>();
    private final Set<String> heldLocks = ConcurrentHashMap.newKeySet();
    private final AtomicLong monitorIds = new AtomicLong();
    private volatile RpcConnection connection;
    private volatile DatabaseSchema schema;
    private volatile boolean closed;
    private volatile Throwable lastError;
    private int reconnectAttempts;
    private RpcConnection.Call probe;
    private long probeSentNanos;

    private OvsdbClient(OvsdbRemote remote, OvsdbClientOptions options) {
        this.remote = remote;
        this.options = options;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ovsdb-timer " + remote);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects, checks that the server has {@code options.database()} and loads its schema.
     *
     * @throws BackendException the server cannot be reached (retryable)
     * @throws NotFoundException the server has no such database
     */
    public static OvsdbClient connect(OvsdbRemote remote, OvsdbClientOptions options) {
        OvsdbClient client = new OvsdbClient(remote, options);
        try {
            client.establish();
        } catch (IOException e) {
            client.close();
            throw new BackendException("cannot connect to ovsdb " + remote + ": " + e.getMessage(), e, true);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        long probeMs = Math.max(100, options.probeInterval().toMillis() / 2);
        client.timer.scheduleWithFixedDelay(client::probe, probeMs, probeMs, TimeUnit.MILLISECONDS);
        return client;
    }

    /** Shorthand for {@code connect(OvsdbRemote.parse(remote), OvsdbClientOptions.defaults())}. */
    public static OvsdbClient connect(String remote) {
        return connect(OvsdbRemote.parse(remote), OvsdbClientOptions.defaults());
    }

    private void establish() throws IOException {
        Transport transport = Transport.open(remote, options.connectTimeout());
        RpcConnection c = new RpcConnection(transport, remote.toString(), options.maxFrameBytes(), new Events());
        c.start();
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
            for (Monitor m : monitors.values()) {
                startMonitor(c, m, deadline);
            }
            heldLocks.clear();
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        synchronized (stateLock) {
            if (closed) {
                c.close();
                return;
            }
            connection = c;
            stateLock.notifyAll();
        }
    }

    /** Where this client connects. */
    public OvsdbRemote remote() {
        return remote;
    }

    public OvsdbClientOptions options() {
        return options;
    }

    /** The mirror of monitored tables. */
    public TableCache cache() {
        return cache;
    }

    /** The schema of {@code options.database()}, as fetched on the last (re)connect. */
    public DatabaseSchema schema() {
        return schema;
    }

    public boolean isConnected() {
        RpcConnection c = connection;
        return c != null && c.isOpen();
    }

    /** Waits until connected (after a reconnect); false on timeout. */
    public boolean awaitConnected(Duration timeout) {
        try {
            awaitConnection(System.nanoTime() + timeout.toNanos());
            return true;
        } catch (BackendException e) {
            return false;
        }
    }

    /** The databases the server has. */
    public List<String> listDbs() {
        List<String> out = new ArrayList<>();
        call("list_dbs", F.arrayNode(), null).forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The schema of any database on the server. */
    public DatabaseSchema getSchema(String database) {
        return DatabaseSchema.parse(call("get_schema", F.arrayNode().add(database), null));
    }

    /** Round trip of an {@code echo}. */
    public Duration echo() {
        long t0 = System.nanoTime();
        call("echo", F.arrayNode().add("overlaykit"), null);
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /**
     * Commits a transaction. Changes the server reports to this client's monitors before the reply are
     * in {@link #cache()} when this returns. A call that times out is {@code cancel}ed on the server.
     *
     * @throws OvsdbOperationException an operation failed (names index, op, table, server error)
     * @throws OverlayTimeoutException no reply within the call timeout
     */
    public TransactResult transact(Transaction tx) {
        JsonNode reply = call("transact", tx.params(options.database()), null);
        return ResultParser.parse(tx, reply, remote.toString(), options.database());
    }

    /**
     * Starts a monitor: the current rows are loaded into {@link #cache()} before this returns, later
     * changes as they come. Tables or columns the server lacks are skipped with a log line.
     */
    public Monitor monitor(MonitorRequest request) {
        Monitor m = new Monitor("okmon" + monitorIds.incrementAndGet(), request);
        long deadline = deadline();
        RpcConnection c = awaitConnection(deadline);
        monitors.put(m.id, m);
        try {
            startMonitor(c, m, deadline);
        } catch (RuntimeException e) {
            monitors.remove(m.id);
            throw e;
        }
        return m;
    }

    private void startMonitor(RpcConnection c, Monitor m, long deadline) {
        DatabaseSchema s = schema;
        MonitorCodec.Encoded enc = MonitorCodec.encode(m.request, s, remote.toString());
        boolean cond = m.request.conditional();
        Consumer<JsonNode> load = initial -> {
            cache.clear(enc.tables());
            if (cond) {
                CacheUpdater.applyUpdate2(cache, s, initial);
            } else {
                CacheUpdater.applyUpdate(cache, initial);
            }
        };
        String method = cond ? "monitor_cond" : "monitor";
        await(c.call(method, F.arrayNode().add(options.database()).add(m.id).add(enc.requests()), load), method, deadline);
    }

    /** Asks for a lock (RFC 7047 4.1.8); true when granted now, else it is queued ({@link #holdsLock}). */
    public boolean lock(String lockId) {
        return lockCall("lock", lockId);
    }

    /** Takes a lock from its holder. */
    public boolean steal(String lockId) {
        return lockCall("steal", lockId);
    }

    public void unlock(String lockId) {
        call("unlock", F.arrayNode().add(lockId), null);
        heldLocks.remove(lockId);
    }

    /** Whether this client holds the lock now (updated by {@code locked}/{@code stolen} notifications). */
    public boolean holdsLock(String lockId) {
        return heldLocks.contains(lockId);
    }

    private boolean lockCall(String method, String lockId) {
        if (lockId == null || !lockId.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new InvalidSpecException("ovsdb lock id", lockId, "must match [A-Za-z_][A-Za-z0-9_]*");
        }
        boolean locked = call(method, F.arrayNode().add(lockId), null).path("locked").asBoolean(false);
        if (locked) {
            heldLocks.add(lockId);
        }
        return locked;
    }

    private long deadline() {
        return System.nanoTime() + options.callTimeout().toNanos();
    }

    private JsonNode call(String method, ArrayNode params, Consumer<JsonNode> inReader) {
        long deadline = deadline();
        RpcConnection c = awaitConnection(deadline);
        RpcConnection.Call call = c.call(method, params, inReader);
        try {
            return await(call, method, deadline);
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

    private JsonNode await(RpcConnection.Call call, String method, long deadline) {
        try {
            return call.result().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new OverlayTimeoutException("ovsdb " + remote + ": " + method + " got no reply within "
                    + options.callTimeout().toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("ovsdb " + remote + ": interrupted waiting for " + method, e);
        } catch (ExecutionException e) {
            throw CallFailures.translate(e.getCause(), remote.toString(), method);
        }
    }

    private RpcConnection awaitConnection(long deadline) {
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
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closed meanwhile.
        }
    }

    private void reconnect() {
        if (closed) {
            return;
        }
        try {
            establish();
            reconnectAttempts = 0;
            LOG.log(Level.INFO, "ovsdb {0}: reconnected, {1} monitor(s) restored", remote, monitors.size());
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

    @Override
    public String toString() {
        return "OvsdbClient[" + remote + " " + options.database() + (isConnected() ? "" : " disconnected") + "]";
    }

    /** Notifications and the end of a session; runs on the reader thread. */
    private final class Events implements RpcConnection.Listener {
        @Override
        public void onNotification(RpcConnection c, String method, JsonNode params) {
            switch (method) {
                case "update":
                case "update2":
                    if (params.size() >= 2 && monitors.containsKey(params.get(0).asText())) {
                        if (method.equals("update")) {
                            CacheUpdater.applyUpdate(cache, params.get(1));
                        } else {
                            CacheUpdater.applyUpdate2(cache, schema, params.get(1));
                        }
                    }
                    break;
                case "locked":
                    heldLocks.add(params.path(0).asText());
                    break;
                case "stolen":
                    heldLocks.remove(params.path(0).asText());
                    break;
                default:
                    LOG.log(Level.DEBUG, "ovsdb {0}: ignoring notification {1}", remote, method);
            }
        }

        @Override
        public void onClosed(RpcConnection c, Throwable cause) {
            boolean reconnect;
            synchronized (stateLock) {
                boolean wasActive = connection == c;
                if (wasActive) {
                    connection = null;
                }
                // A session that failed while being set up is retried by reconnect() itself.
                reconnect = wasActive && !closed && options.reconnect() && cause != null;
                if (cause != null) {
                    lastError = cause;
                }
            }
            if (reconnect) {
                LOG.log(Level.WARNING, "ovsdb {0}: connection lost ({1}); reconnecting", remote, cause.getMessage());
                timer.execute(OvsdbClient.this::scheduleReconnect);
            }
        }
    }
}
