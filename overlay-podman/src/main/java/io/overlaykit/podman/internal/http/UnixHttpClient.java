package io.overlaykit.podman.internal.http;

import io.overlaykit.core.spi.RequestHook;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 client for one server socket, with a pool of idle keep-alive connections. Thread-safe:
 * each exchange takes a connection of its own.
 */
public final class UnixHttpClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UnixHttpClient.class.getName());

    /** Opens a new transport to the server. */
    @FunctionalInterface
    public interface Connector {
        Transport open(long connectTimeoutMillis) throws IOException;
    }

    private final Connector connector;
    private final String peer;
    private final long connectTimeoutMillis;
    private final long readTimeoutMillis;
    private final int maxIdle;
    private final Deque<Http1Connection> idle = new ArrayDeque<>();
    private final AtomicInteger opened = new AtomicInteger();
    private volatile RequestHook hook = RequestHook.NONE;
    private boolean closed;

    public UnixHttpClient(Connector connector, String peer, Duration connectTimeout, Duration readTimeout, int maxIdle) {
        this.connector = connector;
        this.peer = peer;
        this.connectTimeoutMillis = connectTimeout.toMillis();
        this.readTimeoutMillis = readTimeout.toMillis();
        this.maxIdle = maxIdle;
    }

    /** A client for the Unix socket at {@code socket}. */
    public static UnixHttpClient forSocket(Path socket, Duration connectTimeout, Duration readTimeout) {
        return new UnixHttpClient(t -> UnixSocketTransport.connect(socket, t), socket.toString(),
                connectTimeout, readTimeout, 4);
    }

    public String peer() {
        return peer;
    }

    /** The read timeout requests get unless they set their own. */
    public Duration readTimeout() {
        return Duration.ofMillis(readTimeoutMillis);
    }

    /** Shows every request to {@code hook} before it is sent (null: none); see {@link #beforeRequest}. */
    public void requestHook(RequestHook hook) {
        this.hook = hook == null ? RequestHook.NONE : hook;
    }

    /**
     * Tells the hook about one request: {@code READ} for a GET, {@code WRITE} for every other method. Called
     * once per request by {@link #send}, and by callers that write a request on a connection of their own
     * ({@link #openConnection}) before they open it. What the hook throws fails the request unsent.
     */
    public void beforeRequest(HttpRequest request) {
        hook.beforeRequest(RequestHook.Backend.PODMAN,
                request.method().equals("GET") ? RequestHook.Access.READ : RequestHook.Access.WRITE, request.toString());
    }

    /**
     * Sends the request and reads the response head. A pooled connection the server had closed is
     * replaced once, transparently, when the request can be replayed (the hook sees the request once).
     */
    public HttpResponse send(HttpRequest request) throws IOException {
        beforeRequest(request);
        long timeout = request.readTimeout() == null ? readTimeoutMillis : request.readTimeout().toMillis();
        for (int attempt = 0; ; attempt++) {
            Http1Connection connection = acquire();
            boolean reused = connection.exchanges() > 0;
            boolean written = false;
            try {
                connection.writeRequest(request, readTimeoutMillis);
                written = true;
                ResponseHead head = connection.readHead(timeout);
                return new HttpResponse(this, connection, head, connection.openBody(head, request.method(), timeout));
            } catch (IOException e) {
                connection.close();
                boolean stale = !written || e instanceof Http1Connection.PeerClosedException;
                if (reused && stale && attempt == 0 && request.replayable()) {
                    LOG.log(System.Logger.Level.DEBUG, "pooled connection to {0} was closed by the server; retrying {1}",
                            peer, request);
                    continue;
                }
                throw e;
            } catch (RuntimeException e) {
                connection.close();
                throw e;
            }
        }
    }

    /** A new connection outside the pool, for a long stream that the caller closes itself. */
    public Http1Connection openConnection() throws IOException {
        synchronized (this) {
            if (closed) {
                throw new IOException("HTTP client for " + peer + " is closed");
            }
        }
        Transport transport = connector.open(connectTimeoutMillis);
        opened.incrementAndGet();
        return new Http1Connection(transport);
    }

    /** Connections opened so far (tests use it to see keep-alive reuse). */
    public int connectionsOpened() {
        return opened.get();
    }

    /** Connections waiting in the pool. */
    public synchronized int idleConnections() {
        return idle.size();
    }

    private Http1Connection acquire() throws IOException {
        synchronized (this) {
            if (closed) {
                throw new IOException("HTTP client for " + peer + " is closed");
            }
            Http1Connection pooled;
            while ((pooled = idle.pollFirst()) != null) {
                if (pooled.isReusable()) {
                    return pooled;
                }
                pooled.close();
            }
        }
        Transport transport = connector.open(connectTimeoutMillis);
        opened.incrementAndGet();
        return new Http1Connection(transport);
    }

    void release(Http1Connection connection) {
        synchronized (this) {
            if (!closed && idle.size() < maxIdle && connection.state() == Http1Connection.State.IDLE) {
                idle.addFirst(connection);
                return;
            }
        }
        connection.close();
    }

    /** Closes the idle connections; responses still open keep their own until they are closed. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            idle.forEach(Http1Connection::close);
            idle.clear();
        }
    }
}
