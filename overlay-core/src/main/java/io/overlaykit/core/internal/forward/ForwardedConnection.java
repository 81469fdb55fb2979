package io.overlaykit.core.internal.forward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One forwarded client: the accepted socket, the upstream socket, and the two directions between them.
 * Confined to the selector thread.
 *
 * <p>Back-pressure: a direction reads from its source only while it holds no unwritten bytes; when the
 * sink does not take everything, the rest waits in the direction's buffer, reading from the source stops
 * (OP_READ off) and the sink is watched for OP_WRITE instead. Half-close: EOF from the source shuts the
 * sink's output once the pending bytes are written, and the other direction keeps flowing; the pair is
 * finished when both outputs are shut.
 */
final class ForwardedConnection {
    /** Reads per readiness event before yielding to other connections (fairness with big buffers). */
    private static final int MAX_READS_PER_EVENT = 4;

    /** Bytes flowing from {@code source} to {@code sink}. */
    static final class Direction {
        final SocketChannel source;
        final SocketChannel sink;
        final AtomicLong counter;
        ByteBuffer pending;
        boolean eof;
        boolean outputShut;

        Direction(SocketChannel source, SocketChannel sink, AtomicLong counter) {
            this.source = source;
            this.sink = sink;
            this.counter = counter;
        }

        boolean wantsRead() {
            return pending == null && !eof;
        }
    }

    final SocketChannel client;
    final SocketChannel upstream;
    final InetSocketAddress clientAddress;
    final InetSocketAddress acceptedOn;
    final Direction toTarget;
    final Direction toClient;
    SelectionKey clientKey;
    SelectionKey upstreamKey;
    boolean connected;
    boolean closed;
    long connectDeadline;
    long lastActivity;

    ForwardedConnection(SocketChannel client, SocketChannel upstream, InetSocketAddress clientAddress,
            InetSocketAddress acceptedOn, ForwardCounters counters) {
        this.client = client;
        this.upstream = upstream;
        this.clientAddress = clientAddress;
        this.acceptedOn = acceptedOn;
        this.toTarget = new Direction(client, upstream, counters.bytesToTarget);
        this.toClient = new Direction(upstream, client, counters.bytesToClient);
    }

    /**
     * Moves bytes in one direction: first what is pending, then fresh reads while the sink keeps up;
     * shuts the sink's output after EOF once nothing is pending.
     */
    void pump(Direction d, BufferPool pool, long now) throws IOException {
        if (d.pending != null) {
            if (d.sink.write(d.pending) > 0) {
                lastActivity = now;
            }
            if (d.pending.hasRemaining()) {
                return;
            }
            pool.release(d.pending);
            d.pending = null;
        }
        for (int round = 0; !d.eof && round < MAX_READS_PER_EVENT; round++) {
            ByteBuffer buffer = pool.acquire();
            int n;
            try {
                n = d.source.read(buffer);
            } catch (IOException e) {
                pool.release(buffer);
                throw e;
            }
            if (n <= 0) {
                pool.release(buffer);
                d.eof = n < 0;
                break;
            }
            lastActivity = now;
            d.counter.addAndGet(n);
            buffer.flip();
            d.sink.write(buffer);
            if (buffer.hasRemaining()) {
                d.pending = buffer; // sink is full: stop reading this source until it drains
                return;
            }
            pool.release(buffer);
            if (n < buffer.capacity()) {
                break; // the socket had less than a buffer: most likely drained
            }
        }
        if (d.eof && !d.outputShut) {
            d.outputShut = true;
            d.sink.shutdownOutput();
        }
    }

    /** Queues bytes (the PROXY header) to go upstream before anything the client sends. */
    void queueToTarget(byte[] bytes) {
        toTarget.pending = ByteBuffer.wrap(bytes);
    }

    /** Both outputs shut: every byte each side sent has been delivered and EOF passed on. */
    boolean finished() {
        return toTarget.outputShut && toClient.outputShut;
    }

    /** Sets each socket's interest from the state of the two directions. */
    void updateInterest() {
        setInterest(clientKey, ops(toTarget, toClient));
        setInterest(upstreamKey, ops(toClient, toTarget));
    }

    private static int ops(Direction readFrom, Direction writeTo) {
        return (readFrom.wantsRead() ? SelectionKey.OP_READ : 0)
                | (writeTo.pending != null ? SelectionKey.OP_WRITE : 0);
    }

    private static void setInterest(SelectionKey key, int ops) {
        if (key.isValid() && key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /**
     * Makes the coming {@link #close} send a reset instead of a FIN (SO_LINGER 0), so that when one side
     * failed or reset, the other side learns the stream was cut rather than complete.
     */
    void abortOnClose() {
        for (SocketChannel ch : new SocketChannel[] {client, upstream}) {
            try {
                if (ch.isOpen()) {
                    ch.setOption(StandardSocketOptions.SO_LINGER, 0);
                }
            } catch (IOException e) {
                // the socket is already dead: closing it is all that is left
            }
        }
    }

    /** Closes both sockets and returns held buffers; safe to call twice. */
    void close(BufferPool pool) {
        if (closed) {
            return;
        }
        closed = true;
        releasePending(toTarget, pool);
        releasePending(toClient, pool);
        Sockets.closeQuietly(client);
        Sockets.closeQuietly(upstream);
    }

    private static void releasePending(Direction d, BufferPool pool) {
        if (d.pending != null) {
            pool.release(d.pending);
            d.pending = null;
        }
    }

    @Override
    public String toString() {
        return "connection from " + clientAddress;
    }
}
