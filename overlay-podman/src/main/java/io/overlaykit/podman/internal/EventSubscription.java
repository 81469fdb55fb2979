package io.overlaykit.podman.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.overlaykit.core.spi.ContainerRuntime.ContainerEvent;
import io.overlaykit.podman.internal.http.Http1Connection;
import io.overlaykit.podman.internal.http.HttpProtocolException;
import io.overlaykit.podman.internal.http.HttpRequest;
import io.overlaykit.podman.internal.http.ResponseHead;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A running {@code GET /libpod/events?stream=true}: newline-delimited JSON over a chunked body, read by a
 * background platform thread on a dedicated connection and handed to a listener. Closing stops the thread
 * by closing the connection (podman sends nothing, not even the head, until the first event).
 */
public final class EventSubscription implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventSubscription.class.getName());
    private static final int MAX_EVENT_BYTES = 1024 * 1024;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Http1Connection connection;
    private final LibpodJson json;
    private final Consumer<ContainerEvent> listener;
    private final String peer;
    private final Consumer<EventSubscription> onEnded;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean ended;
    private volatile Throwable failure;

    private EventSubscription(Http1Connection connection, LibpodJson json, Consumer<ContainerEvent> listener,
                              String peer, Consumer<EventSubscription> onEnded) {
        this.connection = connection;
        this.json = json;
        this.listener = listener;
        this.peer = peer;
        this.onEnded = onEnded;
        this.thread = new Thread(this::run, "overlaykit-podman-events-" + THREADS.incrementAndGet());
        this.thread.setDaemon(true);
    }

    /**
     * Sends the request on {@code connection} before returning, so that podman has it by then, and starts
     * the reader thread. {@code onEnded} runs once on the reader thread when it stops, for whatever reason
     * (closed, or the stream ended: see {@link #failure()}).
     */
    public static EventSubscription start(Http1Connection connection, HttpRequest request, long writeTimeoutMillis,
                                          LibpodJson json, Consumer<ContainerEvent> listener, String peer,
                                          Consumer<EventSubscription> onEnded) throws IOException {
        connection.writeRequest(request, writeTimeoutMillis);
        EventSubscription subscription = new EventSubscription(connection, json, listener, peer, onEnded);
        subscription.thread.start();
        return subscription;
    }

    /** Why the stream ended on its own (podman went away, a protocol error), or null. */
    public Throwable failure() {
        return failure;
    }

    /** True until the reader thread has stopped reading (it is then about to run the end callback). */
    public boolean isActive() {
        return !ended;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    private void run() {
        try {
            ResponseHead head = connection.readHead(0);
            InputStream body = new BufferedInputStream(connection.openBody(head, "GET", 0));
            if (head.status() != 200) {
                String text = new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8);
                throw new HttpProtocolException("event stream from " + peer + " answered " + head.status() + ": "
                        + json.errorMessage(text));
            }
            String line;
            while ((line = readLine(body)) != null) {
                if (!line.isBlank()) {
                    deliver(json.mapper().readTree(line));
                }
            }
            if (!closed) {
                failure = new HttpProtocolException("podman at " + peer + " ended the event stream");
                LOG.log(System.Logger.Level.WARNING, "podman at {0} ended the event stream", peer);
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                failure = e;
                LOG.log(System.Logger.Level.WARNING, "event stream from " + peer + " failed", e);
            }
        } finally {
            connection.close();
            ended = true;
            try {
                onEnded.accept(this);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "end-of-stream callback failed for " + peer, e);
            }
        }
    }

    private void deliver(JsonNode node) {
        json.event(node).ifPresent(event -> {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                // One failing listener call must not end the subscription.
                LOG.log(System.Logger.Level.WARNING, "event listener failed on " + event, e);
            }
        });
    }

    private String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_EVENT_BYTES) {
                throw new HttpProtocolException("event from " + peer + " exceeds " + MAX_EVENT_BYTES + " bytes");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    /** Stops the reader thread and waits briefly for it; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        connection.close();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
