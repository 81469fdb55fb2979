package io.overlaykit.podman.internal.http;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A Unix domain socket through the JDK's own {@link SocketChannel} (JDK 16+), non-blocking with a
 * private {@link Selector}, because a blocking channel has no read timeout.
 */
public final class UnixSocketTransport implements Transport {
    private final Path path;
    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private volatile boolean closed;

    private UnixSocketTransport(Path path, SocketChannel channel, Selector selector, SelectionKey key) {
        this.path = path;
        this.channel = channel;
        this.selector = selector;
        this.key = key;
    }

    /** Connects to {@code path}, waiting at most {@code timeoutMillis} (0 waits forever). */
    public static UnixSocketTransport connect(Path path, long timeoutMillis) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = null;
        try {
            channel.configureBlocking(false);
            selector = Selector.open();
            SelectionKey key = channel.register(selector, 0);
            if (!channel.connect(UnixDomainSocketAddress.of(path))) {
                key.interestOps(SelectionKey.OP_CONNECT);
                if (selector.select(timeoutMillis) == 0) {
                    throw new SocketTimeoutException("connect to " + path + " timed out after " + timeoutMillis + " ms");
                }
                selector.selectedKeys().clear();
                channel.finishConnect();
            }
            return new UnixSocketTransport(path, channel, selector, key);
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length, long timeoutMillis) throws IOException {
        ByteBuffer dst = ByteBuffer.wrap(buffer, offset, length);
        long deadline = deadline(timeoutMillis);
        while (true) {
            int n = channelOp(() -> channel.read(dst));
            if (n != 0) {
                return n;
            }
            await(SelectionKey.OP_READ, deadline, "read");
        }
    }

    @Override
    public void write(byte[] buffer, int offset, int length, long timeoutMillis) throws IOException {
        ByteBuffer src = ByteBuffer.wrap(buffer, offset, length);
        long deadline = deadline(timeoutMillis);
        while (src.hasRemaining()) {
            if (channelOp(() -> channel.write(src)) == 0) {
                await(SelectionKey.OP_WRITE, deadline, "write");
            }
        }
    }

    @Override
    public boolean isStale() {
        if (closed || !channel.isOpen()) {
            return true;
        }
        // An idle keep-alive connection must have nothing to read; EOF or stray bytes both disqualify it.
        try {
            return channel.read(ByteBuffer.allocate(1)) != 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public String peer() {
        return path.toString();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        selector.wakeup();
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing is best effort; the descriptor is released either way.
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // As above.
        }
    }

    private interface ChannelOp {
        int run() throws IOException;
    }

    private int channelOp(ChannelOp op) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        try {
            return op.run();
        } catch (IOException e) {
            if (closed) {
                throw new ClosedChannelException();
            }
            throw e;
        }
    }

    private void await(int ops, long deadline, String what) throws IOException {
        long wait = 0;
        if (deadline != 0) {
            wait = (deadline - System.nanoTime()) / 1_000_000;
            if (wait <= 0) {
                throw new SocketTimeoutException(what + " on " + path + " timed out");
            }
        }
        try {
            key.interestOps(ops);
            selector.select(wait);
            selector.selectedKeys().clear();
        } catch (ClosedSelectorException | CancelledKeyException e) {
            throw new ClosedChannelException();
        }
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    private static long deadline(long timeoutMillis) {
        return timeoutMillis <= 0 ? 0 : System.nanoTime() + timeoutMillis * 1_000_000;
    }
}
