package io.overlaykit.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.overlaykit.core.BackendException;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.OverlayTimeoutException;
import io.overlaykit.core.spi.RequestHook;
import io.overlaykit.core.spi.RequestHook.Access;
import io.overlaykit.core.spi.RequestHook.Backend;
import io.overlaykit.ovs.internal.RpcConnection;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A client of one ovsdb-server database (RFC 7047) over a Unix socket, TCP or TLS: the typed calls,
 * monitors and locks; the connection itself and reconnecting live in the internal {@code OvsdbSession}.
 * Every call has a timeout. When the connection drops, pending calls fail with a retryable
 * {@link BackendException}, the client reconnects with backoff (1 s doubling to 8 s), fetches the schema
 * again, re-creates its monitors and rebuilds the {@link TableCache}; calls made meanwhile wait for the
 * connection up to their timeout. The server's {@code echo} is answered, and an echo is sent after a
 * silence as an inactivity probe.
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

        /** What this monitor mirrors. */
        public MonitorRequest request() {
            return request;
        }

        /** Until {@link #close()}: the monitor is re-created on every reconnect. */
        public boolean isOpen() {
            return monitors.containsKey(id);
        }

        @Override
        public void close() {
            if (monitors.remove(id) == null) {
                return;
            }
            RpcConnection c = session.current();
            if (c != null) {
                try {
                    session.await(c.call("monitor_cancel", F.arrayNode().add(id)), "monitor_cancel",
                            session.deadline());
                } catch (OverlayException e) {
                    LOG.log(Level.DEBUG, "monitor_cancel on {0}: {1}", remote, e.getMessage());
                }
            }
            cache.clear(tablesOnlyIn(this));
        }
    }

    /** The tables of {@code m} that no other live monitor feeds (those the cache may forget). */
    private List<String> tablesOnlyIn(Monitor m) {
        Set<String> others = new HashSet<>();
        monitors.values().stream().filter(o -> o != m)
                .forEach(o -> o.request.tables().forEach(t -> others.add(t.table())));
        return m.request.tables().stream().map(MonitorRequest.TableSpec::table).filter(t -> !others.contains(t)).toList();
    }

    private final OvsdbRemote remote;
    private final List<OvsdbRemote> remotes;
    private final OvsdbClientOptions options;
    private final TableCache cache = new TableCache();
    private final Map<String, Monitor> monitors = new ConcurrentHashMap<>();
    private final Set<String> heldLocks = ConcurrentHashMap.newKeySet();
    /** Locks asked for and not given up: asked for again on every new connection (the server forgets them). */
    private final Set<String> wantedLocks = ConcurrentHashMap.newKeySet();
    private volatile RequestHook hook = RequestHook.NONE;
    private OvsMirror switchMirror;
    private final AtomicLong monitorIds = new AtomicLong();
    private final OvsdbSession session;

    private OvsdbClient(List<OvsdbRemote> remotes, OvsdbClientOptions options) {
        this.remote = remotes.get(0);
        this.remotes = List.copyOf(remotes);
        this.options = options;
        this.session = new OvsdbSession(remotes, options, new SessionHandler());
    }

    /**
     * Connects to the leader of a clustered database: {@code remotes} are its members (one remote: as
     * {@link #connect(OvsdbRemote, OvsdbClientOptions)}). The client follows the leader from then on: when the
     * {@code _Server} database says the member lost the leadership, or its connection drops, it reconnects to
     * whichever member is the leader; calls made meanwhile wait within their timeout.
     *
     * @throws BackendException no member could be reached or none is the leader (retryable)
     */
    public static OvsdbClient connect(List<OvsdbRemote> remotes, OvsdbClientOptions options) {
        if (remotes.isEmpty()) {
            throw new IllegalArgumentException("at least one remote");
        }
        OvsdbClient client = new OvsdbClient(remotes, options);
        try {
            client.session.open();
        } catch (IOException e) {
            client.close();
            throw new BackendException("cannot connect to ovsdb " + remotes + ": " + e.getMessage(), e, true);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return client;
    }

    /** The members this client follows (one for a plain server). */
    public List<OvsdbRemote> remotes() {
        return remotes;
    }

    /** The member the client is connected to now (for a cluster: the leader, as last seen). */
    public OvsdbRemote currentRemote() {
        return session.remote();
    }

    /**
     * Connects, checks that the server has {@code options.database()} and loads its schema.
     *
     * @throws BackendException the server cannot be reached (retryable)
     * @throws NotFoundException the server has no such database
     */
    public static OvsdbClient connect(OvsdbRemote remote, OvsdbClientOptions options) {
        OvsdbClient client = new OvsdbClient(List.of(remote), options);
        try {
            client.session.open();
        } catch (IOException e) {
            client.close();
            throw new BackendException("cannot connect to ovsdb " + remote + ": " + e.getMessage(), e, true);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return client;
    }

    /** Shorthand for {@code connect(OvsdbRemote.parse(remote), OvsdbClientOptions.defaults())}. */
    public static OvsdbClient connect(String remote) {
        return connect(OvsdbRemote.parse(remote), OvsdbClientOptions.defaults());
    }

    /** Where this client connects. */
    public OvsdbRemote remote() {
        return remote;
    }

    /** The options this client was made with. */
    public OvsdbClientOptions options() {
        return options;
    }

    /** The mirror of monitored tables. */
    public TableCache cache() {
        return cache;
    }

    /** The read side shared by every {@link OvsSwitch} on this client (one monitor of the switch's tables). */
    synchronized OvsMirror switchMirror() {
        if (switchMirror == null) {
            switchMirror = new OvsMirror(this);
        }
        return switchMirror;
    }

    /** The schema of {@code options.database()}, as fetched on the last (re)connect. */
    public DatabaseSchema schema() {
        return session.schema();
    }

    /** True while the session to the server is up (false between a lost connection and the reconnect). */
    public boolean isConnected() {
        return session.isConnected();
    }

    /** Waits until connected (after a reconnect); false on timeout. */
    public boolean awaitConnected(Duration timeout) {
        try {
            session.awaitConnection(System.nanoTime() + timeout.toNanos());
            return true;
        } catch (BackendException e) {
            return false;
        }
    }

    /** The databases the server has. */
    public List<String> listDbs() {
        List<String> out = new ArrayList<>();
        session.call("list_dbs", F.arrayNode(), null).forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The schema of any database on the server. */
    public DatabaseSchema getSchema(String database) {
        return DatabaseSchema.parse(session.call("get_schema", F.arrayNode().add(database), null));
    }

    /** Round trip of an {@code echo}. */
    public Duration echo() {
        long t0 = System.nanoTime();
        session.call("echo", F.arrayNode().add("overlaykit"), null);
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /**
     * Commits a transaction. Changes the server reports to this client's monitors before the reply are
     * in {@link #cache()} when this returns. A call that times out is {@code cancel}ed on the server.
     *
     * @throws OvsdbOperationException an operation failed (names index, op, table, server error)
     * @throws OverlayTimeoutException no reply within the call timeout
     * @throws BackendException the {@link #requestHook request hook} refused it (nothing was sent), or the
     *     connection failed
     */
    public TransactResult transact(Transaction tx) {
        beforeRequest(tx.isReadOnly() ? Access.READ : Access.WRITE, "transact: " + tx.describe());
        JsonNode reply = session.call("transact", tx.params(options.database()), null, tx.secrets());
        return ResultParser.parse(tx, reply, remote.toString(), options.database());
    }

    /**
     * Starts a monitor: the current rows are loaded into {@link #cache()} before this returns, later
     * changes as they come. Tables or columns the server lacks are skipped with a log line. A table is
     * monitored at most once per client (an {@link OvsSwitch} on this client monitors Open_vSwitch, Bridge,
     * Port and Interface; read them from the cache).
     *
     * @throws IllegalStateException a table of {@code request} is monitored already
     */
    public Monitor monitor(MonitorRequest request) {
        for (Monitor other : monitors.values()) {
            for (MonitorRequest.TableSpec t : request.tables()) {
                if (other.request.tables().stream().anyMatch(o -> o.table().equals(t.table()))) {
                    // Two monitors of one table would apply each update2 diff twice to the one cache.
                    throw new IllegalStateException("table " + t.table() + " is monitored already on " + remote
                            + " (" + other.request + "): one monitor per table and client; read cache() instead");
                }
            }
        }
        Monitor m = new Monitor("okmon" + monitorIds.incrementAndGet(), request);
        long deadline = session.deadline();
        RpcConnection c = session.awaitConnection(deadline);
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
        DatabaseSchema s = session.schema();
        MonitorCodec.Encoded enc = MonitorCodec.encode(m.request, s, remote.toString());
        boolean cond = m.request.conditional();
        // The old rows go and the initial ones come in one edit: a reader sees either the old or the new state.
        Consumer<JsonNode> load = initial -> cache.edit(e -> {
            e.clear(enc.tables());
            if (cond) {
                CacheUpdater.applyUpdate2(e, s, initial);
            } else {
                CacheUpdater.applyUpdate(e, initial);
            }
        });
        String method = cond ? "monitor_cond" : "monitor";
        beforeRequest(Access.READ, method + " " + enc.tables());
        ArrayNode params = F.arrayNode().add(options.database()).add(m.id).add(enc.requests());
        session.await(c.call(method, params, load), method, deadline);
    }

    /**
     * Asks for a lock (RFC 7047 4.1.8); true when granted now, else it is queued ({@link #holdsLock}). The
     * server forgets locks with the connection: after a reconnect the client asks for it again (queued
     * behind whoever took it meanwhile) until {@link #unlock}.
     */
    public boolean lock(String lockId) {
        return lockCall("lock", lockId);
    }

    /** Takes a lock from its holder; after a reconnect the client asks for it again like {@link #lock}. */
    public boolean steal(String lockId) {
        return lockCall("steal", lockId);
    }

    /** Releases the lock, or leaves its queue; the client no longer asks for it after a reconnect. */
    public void unlock(String lockId) {
        wantedLocks.remove(lockId);
        session.call("unlock", F.arrayNode().add(lockId), null);
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
        wantedLocks.add(lockId);
        boolean locked = session.call(method, F.arrayNode().add(lockId), null).path("locked").asBoolean(false);
        if (locked) {
            heldLocks.add(lockId);
        }
        return locked;
    }

    /**
     * Routes every request through {@code hook} before it is sent: each {@code transact} (a read when it only
     * selects or waits, see {@link Transaction#isReadOnly()}) and each {@code monitor}/{@code monitor_cond}
     * (a read; also those that re-create monitors after a reconnect). Echo replies, inactivity probes and the
     * connection handshake are not counted. A hook that throws fails that request, before anything is sent,
     * with a {@link BackendException}. Null or {@link RequestHook#NONE} removes it.
     */
    public void requestHook(RequestHook hook) {
        this.hook = hook == null ? RequestHook.NONE : hook;
    }

    private void beforeRequest(Access access, String operation) {
        try {
            hook.beforeRequest(Backend.OVSDB, access, operation);
        } catch (BackendException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BackendException("ovsdb " + remote + ": " + operation + " refused by the request hook: "
                    + e.getMessage(), e);
        }
    }

    /** Closes the connection and stops reconnecting. Idempotent. */
    @Override
    public void close() {
        session.close();
    }

    @Override
    public String toString() {
        return "OvsdbClient[" + remote + " " + options.database() + (isConnected() ? "" : " disconnected") + "]";
    }

    /** Restores monitors on each new connection and applies the server's notifications. */
    private final class SessionHandler implements OvsdbSession.Handler {
        @Override
        public int restore(RpcConnection c, long deadline) {
            for (Monitor m : monitors.values()) {
                startMonitor(c, m, deadline);
            }
            heldLocks.clear();
            for (String lockId : wantedLocks) {
                JsonNode r = session.await(c.call("lock", F.arrayNode().add(lockId)), "lock", deadline);
                if (r.path("locked").asBoolean(false)) {
                    heldLocks.add(lockId);
                }
            }
            return monitors.size();
        }

        @Override
        public void onDisconnected() {
            heldLocks.clear();
        }

        @Override
        public void onNotification(String method, JsonNode params) {
            switch (method) {
                case "update":
                case "update2":
                    if (params.size() >= 2 && monitors.containsKey(params.get(0).asText())) {
                        if (method.equals("update")) {
                            CacheUpdater.applyUpdate(cache, params.get(1));
                        } else {
                            CacheUpdater.applyUpdate2(cache, session.schema(), params.get(1));
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
    }
}
