package io.overlaykit.core.internal.forward;

import io.overlaykit.core.BackendException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The TCP forwarder's event loop: one selector thread accepts clients, opens the upstream sockets
 * (inside the target namespace when one is set), moves bytes both ways and enforces the timeouts and
 * the connection cap. Everything but {@link #close()} and the counters is confined to that thread.
 */
public final class ForwardEngine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ForwardEngine.class.getName());
    /** Accepts per event, so a flood of clients cannot starve the connections already open. */
    private static final int MAX_ACCEPTS_PER_EVENT = 64;
    /** Pause after accept fails (EMFILE): a level-triggered selector would otherwise spin. */
    private static final long ACCEPT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int MAX_IDLE_BUFFERS = 64;

    private final ForwardSettings settings;
    private final ServerSocketChannel server;
    private final SelectionKey serverKey;
    private final Selector selector;
    private final InetSocketAddress localAddress;
    private final String label;
    private final ForwardCounters counters;
    private final BufferPool pool;
    private final Set<ForwardedConnection> connections = new LinkedHashSet<>();
    private final long sweepIntervalNanos;
    private final Thread thread;
    private volatile boolean stopping;
    private boolean upstreamFailureLogged;
    private long acceptResumeAt;
    private boolean acceptPaused;

    private ForwardEngine(ForwardSettings settings, ForwardCounters counters, ServerSocketChannel server,
            Selector selector, int index) throws IOException {
        this.settings = settings;
        this.counters = counters;
        this.server = server;
        this.selector = selector;
        this.localAddress = (InetSocketAddress) server.getLocalAddress();
        this.label = settings.label(localAddress);
        this.pool = new BufferPool(settings.bufferSize(), MAX_IDLE_BUFFERS);
        server.configureBlocking(false);
        this.serverKey = server.register(selector, SelectionKey.OP_ACCEPT);
        long shortest = settings.connectTimeoutNanos();
        if (settings.idleTimeoutNanos() > 0) {
            shortest = Math.min(shortest, settings.idleTimeoutNanos());
        }
        this.sweepIntervalNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
                Math.min(TimeUnit.SECONDS.toNanos(1), shortest / 4));
        this.thread = new Thread(this::run, "overlaykit-forward-" + localAddress.getPort()
                + (settings.selectorThreads() > 1 ? "-" + index : ""));
        thread.setDaemon(true);
    }

    /**
     * Binds a listening socket to {@code bindTo} (in the listen namespace) and starts selector thread
     * number {@code index}, counting into {@code counters}. A failure leaves nothing open behind.
     *
     * @throws BackendException when the address cannot be bound or the selector cannot be opened
     */
    public static ForwardEngine start(ForwardSettings settings, ForwardCounters counters, InetSocketAddress bindTo,
            int index) {
        ServerSocketChannel server;
        try {
            server = Sockets.openIn(settings, settings.listenNamespace(), () -> {
                ServerSocketChannel ch = ServerSocketChannel.open();
                try {
                    ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                    if (settings.selectorThreads() > 1) {
                        // one listener per selector thread; the kernel spreads new connections over them
                        ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                    }
                    ch.bind(bindTo, settings.backlog());
                    return ch;
                } catch (IOException | RuntimeException e) {
                    Sockets.closeQuietly(ch);
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new BackendException("cannot listen on " + bindTo + " in namespace "
                    + settings.listenNamespace().displayName() + ": " + e.getMessage(), e);
        }
        Selector selector = null;
        try {
            selector = Selector.open();
            ForwardEngine engine = new ForwardEngine(settings, counters, server, selector, index);
            engine.thread.start();
            if (index == 0) {
                LOG.log(Level.INFO, "forwarding {0}", engine.label);
            }
            return engine;
        } catch (IOException e) {
            Sockets.closeQuietly(server);
            Sockets.closeQuietly(selector);
            throw new BackendException("cannot start forward " + settings.label(settings.listen()) + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            Sockets.closeQuietly(server);
            Sockets.closeQuietly(selector);
            throw e;
        }
    }

    /** The bound listening address (the actual port when port 0 was asked for). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    public ForwardCounters counters() {
        return counters;
    }

    /** True until the loop has stopped. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Asks the selector thread to stop; {@link #close()} also waits for it. */
    public void stop() {
        stopping = true;
        selector.wakeup();
    }

    /** Stops accepting, closes every connection and waits for the selector thread to finish. */
    @Override
    public void close() {
        stop();
        if (Thread.currentThread() == thread) {
            return; // the loop sees the flag when the current event returns
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true; // finish the join: the caller relies on everything being closed
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            long nextSweep = System.nanoTime() + sweepIntervalNanos;
            while (!stopping) {
                long waitMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextSweep - System.nanoTime()));
                selector.select(this::onReady, waitMs);
                long now = System.nanoTime();
                if (now - nextSweep >= 0) {
                    sweep(now);
                    nextSweep = now + sweepIntervalNanos;
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            LOG.log(Level.ERROR, "forward " + label + " stopped on an unexpected error", e);
        } finally {
            shutdown();
        }
    }

    private void onReady(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        long now = System.nanoTime();
        if (key == serverKey) {
            acceptAll(now);
        } else {
            handle((ForwardedConnection) key.attachment(), key, now);
        }
    }

    private void acceptAll(long now) {
        for (int i = 0; i < MAX_ACCEPTS_PER_EVENT; i++) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "forward {0}: accept failed, pausing 100 ms: {1}", label, e.toString());
                serverKey.interestOps(0);
                acceptPaused = true;
                acceptResumeAt = now + ACCEPT_PAUSE_NANOS;
                return;
            }
            if (client == null) {
                return;
            }
            if (!counters.tryReserve(settings.maxConnections())) {
                counters.refused.incrementAndGet();
                Sockets.closeQuietly(client);
                LOG.log(Level.DEBUG, "forward {0}: refused a client, {1} connections open", label,
                        counters.active());
                continue;
            }
            open(client, now);
        }
    }

    /**
     * Starts forwarding one accepted client, for which a connection slot is reserved: opens the upstream
     * socket and registers both. The slot goes back when this fails or the connection closes.
     */
    private void open(SocketChannel client, long now) {
        SocketChannel upstream = null;
        ForwardedConnection c = null;
        boolean added = false;
        try {
            client.configureBlocking(false);
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            InetSocketAddress from = (InetSocketAddress) client.getRemoteAddress();
            InetSocketAddress on = (InetSocketAddress) client.getLocalAddress();
            upstream = Sockets.openIn(settings, settings.targetNamespace(), () -> {
                SocketChannel ch = SocketChannel.open();
                try {
                    ch.configureBlocking(false);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    ch.connect(settings.target());
                    return ch;
                } catch (IOException | RuntimeException e) {
                    Sockets.closeQuietly(ch);
                    throw e;
                }
            });
            c = new ForwardedConnection(client, upstream, from, on, counters);
            c.clientKey = client.register(selector, 0, c);
            c.upstreamKey = upstream.register(selector, SelectionKey.OP_CONNECT, c);
            c.connectDeadline = now + settings.connectTimeoutNanos();
            c.lastActivity = now;
            connections.add(c);
            added = true;
            counters.accepted.incrementAndGet();
            if (upstream.isConnected()) {
                connectedOrClose(c, now); // loopback may connect at once
            }
        } catch (IOException | RuntimeException e) {
            Sockets.closeQuietly(client);
            Sockets.closeQuietly(upstream);
            if (!added || connections.remove(c)) {
                counters.releaseSlot(); // unless closeConnection already gave it back
            }
            upstreamFailed(null, e);
        }
    }

    private void handle(ForwardedConnection c, SelectionKey key, long now) {
        try {
            if (!c.connected) {
                if (key.isConnectable()) {
                    try {
                        if (!c.upstream.finishConnect()) {
                            return;
                        }
                    } catch (IOException e) {
                        upstreamFailed(c, e);
                        return;
                    }
                    connected(c, now);
                }
                return;
            }
            boolean fromClient = key == c.clientKey;
            if (key.isReadable()) {
                c.pump(fromClient ? c.toTarget : c.toClient, pool, now);
            }
            if (key.isValid() && key.isWritable()) {
                c.pump(fromClient ? c.toClient : c.toTarget, pool, now);
            }
            finishOrUpdate(c);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "forward {0}: {1} aborted: {2}", label, c, e.toString());
            c.abortOnClose(); // a reset on one side must not look like a clean end on the other
            closeConnection(c);
        }
    }

    private void connectedOrClose(ForwardedConnection c, long now) {
        try {
            connected(c, now);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "forward {0}: {1} aborted: {2}", label, c, e.toString());
            c.abortOnClose(); // a reset on one side must not look like a clean end on the other
            closeConnection(c);
        }
    }

    private void connected(ForwardedConnection c, long now) throws IOException {
        c.connected = true;
        c.lastActivity = now;
        if (settings.proxyProtocol()) {
            c.queueToTarget(ProxyV2Header.encode(c.clientAddress, c.acceptedOn));
        }
        // the client may have sent bytes (or EOF) while the upstream connect was in flight
        c.pump(c.toTarget, pool, now);
        c.pump(c.toClient, pool, now);
        finishOrUpdate(c);
    }

    private void finishOrUpdate(ForwardedConnection c) {
        if (c.finished()) {
            closeConnection(c);
        } else {
            c.updateInterest();
        }
    }

    /** Logs the first upstream failure of this forward at WARNING, the rest at DEBUG. */
    private void upstreamFailed(ForwardedConnection c, Exception e) {
        if (c != null) {
            closeConnection(c); // before counting, so a reader seeing the failure also sees it closed
        }
        counters.upstreamFailures.incrementAndGet();
        Level level = upstreamFailureLogged ? Level.DEBUG : Level.WARNING;
        upstreamFailureLogged = true;
        LOG.log(level, "forward {0}: cannot connect to the target: {1}{2}", label, e.toString(),
                level == Level.WARNING ? " (further failures of this forward are logged at DEBUG)" : "");
    }

    private void sweep(long now) {
        if (acceptPaused && now - acceptResumeAt >= 0 && serverKey.isValid()) {
            acceptPaused = false;
            serverKey.interestOps(SelectionKey.OP_ACCEPT);
        }
        List<ForwardedConnection> expired = new ArrayList<>();
        long idle = settings.idleTimeoutNanos();
        for (ForwardedConnection c : connections) {
            if (!c.connected ? now - c.connectDeadline >= 0 : idle > 0 && now - c.lastActivity >= idle) {
                expired.add(c);
            }
        }
        for (ForwardedConnection c : expired) {
            closeConnection(c);
            counters.timedOut.incrementAndGet();
            if (!c.connected) {
                upstreamFailed(null, new IOException("connect timed out after "
                        + TimeUnit.NANOSECONDS.toMillis(settings.connectTimeoutNanos()) + " ms"));
            } else {
                LOG.log(Level.DEBUG, "forward {0}: {1} idle, closed", label, c);
            }
        }
    }

    private void closeConnection(ForwardedConnection c) {
        c.close(pool);
        if (connections.remove(c)) {
            counters.releaseSlot();
        }
    }

    private void shutdown() {
        Sockets.closeQuietly(server);
        for (ForwardedConnection c : connections) {
            c.close(pool);
            counters.releaseSlot();
        }
        connections.clear();
        Sockets.closeQuietly(selector); // deregisters the keys, which releases the closed channels' descriptors
        pool.clear();
        LOG.log(Level.INFO, "forward {0} stopped", label);
    }
}
