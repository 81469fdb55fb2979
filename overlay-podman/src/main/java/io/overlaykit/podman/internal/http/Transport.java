package io.overlaykit.podman.internal.http;

import java.io.Closeable;
import java.io.IOException;

/**
 * A byte stream to the server with deadlines on every read and write: a Unix socket in production, a
 * scripted fake in unit tests. Not thread-safe, except that {@link #close()} may be called from any thread
 * to abort a blocked read.
 */
public interface Transport extends Closeable {

    /**
     * Reads at least one byte, waiting at most {@code timeoutMillis} (0 waits forever).
     *
     * @return the number of bytes read, or -1 at end of stream
     * @throws java.net.SocketTimeoutException when nothing arrived in time
     */
    int read(byte[] buffer, int offset, int length, long timeoutMillis) throws IOException;

    /** Writes all of the given bytes, waiting at most {@code timeoutMillis} in total (0 waits forever). */
    void write(byte[] buffer, int offset, int length, long timeoutMillis) throws IOException;

    /**
     * True when the peer has visibly closed its side or the transport is closed: a pooled connection in
     * that state must not be reused. Never blocks.
     */
    boolean isStale();

    /** The peer, for messages: the socket path. */
    String peer();

    /** Idempotent; wakes a thread blocked in {@link #read}. */
    @Override
    void close();
}
