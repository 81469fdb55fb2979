package io.overlaykit.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.overlaykit.ovs.internal.JsonFrameReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * An in-process OVSDB peer on loopback TCP. Without a database, for connection behaviour: answers list_dbs,
 * get_schema, echo and monitor_cond; every other request goes to {@code handler} (null result: no reply). With
 * a {@link FakeOvsdb} ({@link #withDatabase}), a small ovsdb-server: transact, monitor_cond with
 * {@code update2} notifications, monitor_cancel, lock/unlock, and like ovsdb-server it sends every pending
 * notification before any reply. {@link #lagging} holds back notifications of changes made by others until
 * the next reply to that connection (a client whose cache is behind). Records every message it receives.
 */
final class FakeOvsdbServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = "{\"name\":\"Open_vSwitch\",\"version\":\"1\",\"tables\":{\"Bridge\":"
            + "{\"columns\":{\"name\":{\"type\":\"string\"}}}}}";

    final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    final List<Socket> sockets = new CopyOnWriteArrayList<>();
    volatile Function<JsonNode, JsonNode> handler = req -> null;
    /** When set, maps a request the handler would get to a JSON-RPC {@code error} reply instead. */
    volatile Function<JsonNode, JsonNode> errorHandler;
    volatile boolean answerEcho = true;
    volatile JsonNode monitorInitial = JSON.createObjectNode();
    /** The database, when this fake is a small ovsdb-server. */
    volatile FakeOvsdb db;
    volatile FakeVswitchd vswitchd;
    /** While true the server acts as if it were not running: it drops connections as they come. */
    volatile boolean down;
    /** Hold back notifications of others' changes until the next reply (see the class comment). */
    volatile boolean lagging;
    /** Runs before each client transact, as another client racing this one (test writes with db.commit). */
    volatile Runnable beforeTransact;
    final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final ServerSocket server;
    private final Thread acceptor;

    /** A connection with its monitors and the notifications held back for it. */
    private final class Conn implements FakeOvsdb.Subscriber {
        final Socket socket;
        final Map<String, FakeMonitor> monitors = new ConcurrentHashMap<>();
        final List<JsonNode> held = new ArrayList<>();

        Conn(Socket socket) {
            this.socket = socket;
        }

        @Override
        public void committed(List<FakeOvsdb.RowChange> changes, Object origin) {
            for (FakeMonitor m : monitors.values()) {
                ObjectNode update = m.update(changes);
                if (update == null) {
                    continue;
                }
                ObjectNode msg = JSON.createObjectNode().put("method", "update2");
                msg.putArray("params").add(m.id).add(update);
                msg.putNull("id");
                synchronized (held) {
                    held.add(msg);
                }
                if (!lagging || origin == this) {
                    flush();
                }
            }
        }

        void flush() {
            List<JsonNode> out;
            synchronized (held) {
                out = new ArrayList<>(held);
                held.clear();
            }
            for (JsonNode msg : out) {
                try {
                    send(socket, msg);
                } catch (IOException e) {
                    return; // connection gone
                }
            }
        }
    }

    FakeOvsdbServer() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "fake-ovsdb");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** This fake as a small ovsdb-server over {@code db}, with ovs-vswitchd played by a {@link FakeVswitchd}. */
    static FakeOvsdbServer withDatabase(FakeOvsdb db) throws IOException {
        FakeOvsdbServer s = new FakeOvsdbServer();
        s.db = db;
        s.vswitchd = new FakeVswitchd(db);
        return s;
    }

    OvsdbRemote remote() {
        return OvsdbRemote.tcp("127.0.0.1", server.getLocalPort());
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                if (down) {
                    s.close(); // "not running": the connection ends at once
                    continue;
                }
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "fake-ovsdb-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        Conn conn = new Conn(s);
        FakeOvsdb database = db;
        if (database != null) {
            database.subscribe(conn);
        }
        try (JsonFrameReader r = new JsonFrameReader(s.getInputStream(), 64 << 20)) {
            JsonNode msg;
            while ((msg = r.next()) != null) {
                received.add(msg);
                if (database != null) {
                    serveDatabase(conn, database, msg);
                    continue;
                }
                String method = msg.path("method").asText("");
                JsonNode result = switch (method) {
                    case "list_dbs" -> JSON.readTree("[\"Open_vSwitch\"]");
                    case "get_schema" -> JSON.readTree(SCHEMA);
                    case "echo" -> answerEcho ? msg.get("params") : null;
                    case "monitor_cond" -> monitorInitial;
                    case "" -> null;
                    default -> errorHandler == null ? handler.apply(msg) : null;
                };
                if (errorHandler != null && result == null && !method.isEmpty() && msg.has("id")) {
                    JsonNode err = errorHandler.apply(msg);
                    if (err != null) {
                        ObjectNode reply = JSON.createObjectNode();
                        reply.putNull("result");
                        reply.set("error", err);
                        reply.set("id", msg.get("id"));
                        send(s, reply);
                        continue;
                    }
                }
                if (result != null && msg.has("id") && !msg.get("id").isNull()) {
                    ObjectNode reply = JSON.createObjectNode();
                    reply.set("result", result);
                    reply.putNull("error");
                    reply.set("id", msg.get("id"));
                    send(s, reply);
                }
            }
        } catch (IOException e) {
            // connection dropped
        } finally {
            if (database != null) {
                database.unsubscribe(conn);
                locks.values().removeIf(holder -> holder == conn);
            }
        }
    }

    private void serveDatabase(Conn conn, FakeOvsdb database, JsonNode msg) throws IOException {
        String method = msg.path("method").asText("");
        JsonNode params = msg.path("params");
        JsonNode result = null;
        String error = null;
        switch (method) {
            case "list_dbs" -> result = JSON.readTree("[\"Open_vSwitch\"]");
            case "get_schema" -> result = database.schema.json;
            case "echo" -> result = answerEcho ? params : null;
            case "transact" -> {
                Runnable race = beforeTransact;
                if (race != null) {
                    race.run();
                }
                result = database.transact(params, conn);
            }
            case "monitor_cond" -> {
                try {
                    FakeMonitor m = new FakeMonitor(params.get(1).asText(), params.get(2), database.schema);
                    synchronized (database) {
                        result = m.initial(database);
                        conn.monitors.put(m.id, m);
                    }
                } catch (IllegalArgumentException e) {
                    error = e.getMessage();
                }
            }
            case "monitor_cancel" -> result = conn.monitors.remove(params.get(0).asText()) == null ? null
                    : JSON.createObjectNode();
            case "lock", "steal" -> {
                String id = params.get(0).asText();
                boolean granted = method.equals("steal") || locks.putIfAbsent(id, conn) == null || locks.get(id) == conn;
                if (method.equals("steal")) {
                    locks.put(id, conn);
                }
                result = JSON.createObjectNode().put("locked", granted);
            }
            case "unlock" -> {
                locks.remove(params.get(0).asText(), conn);
                result = JSON.createObjectNode();
            }
            default -> error = "unknown method";
        }
        if (msg.path("id").isNull() || msg.path("id").isMissingNode() || (result == null && error == null)) {
            return;
        }
        conn.flush(); // as ovsdb-server: pending updates go out before any reply
        ObjectNode reply = JSON.createObjectNode();
        if (error == null) {
            reply.set("result", result);
            reply.putNull("error");
        } else {
            reply.putNull("result");
            reply.put("error", error);
        }
        reply.set("id", msg.get("id"));
        send(conn.socket, reply);
        if (method.equals("transact") && vswitchd != null) {
            vswitchd.settle();
        }
    }

    static void send(Socket s, JsonNode msg) throws IOException {
        OutputStream out = s.getOutputStream();
        synchronized (s) {
            out.write(JSON.writeValueAsBytes(msg));
            out.flush();
        }
    }

    /** The next received message with this method (or a reply when method is null), within 5 s. */
    JsonNode await(String method) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode m = received.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (m != null && (method == null ? !m.has("method") : method.equals(m.path("method").asText()))) {
                return m;
            }
        }
        throw new AssertionError("no " + (method == null ? "reply" : method) + " received");
    }

    /** Drops every open connection (the server keeps listening). */
    void dropConnections() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropConnections();
    }
}
