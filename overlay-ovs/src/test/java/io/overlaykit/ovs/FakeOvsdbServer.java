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
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * An in-process OVSDB peer on loopback TCP for connection behaviour: answers list_dbs, get_schema,
 * echo and monitor_cond; every other request goes to {@code handler} (null result: no reply). Records
 * every message it receives.
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
    private final ServerSocket server;
    private final Thread acceptor;

    FakeOvsdbServer() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "fake-ovsdb");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    OvsdbRemote remote() {
        return OvsdbRemote.tcp("127.0.0.1", server.getLocalPort());
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
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
        try (JsonFrameReader r = new JsonFrameReader(s.getInputStream(), 1 << 20)) {
            JsonNode msg;
            while ((msg = r.next()) != null) {
                received.add(msg);
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
