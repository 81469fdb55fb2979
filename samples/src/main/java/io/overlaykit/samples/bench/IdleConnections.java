package io.overlaykit.samples.bench;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.spi.Namespaces;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Memory per idle connection through our forwarder: clients in the outside namespace and a sink that accepts
 * and holds in the container namespace (both in this JVM), {@code overlay forward} between them in a JVM of
 * its own. The forwarder's RSS is read after a warm-up of 100 connections (opened and closed, so classes and
 * pools are in place) and again with N connections open and quiet; the growth over N is the figure.
 *
 * <p>Each connection costs the forwarder two descriptors and this JVM two (client and sink), so N is the
 * asked-for count or as many as the lower open-files limit of the two processes allows.
 */
final class IdleConnections {
    private static final int WARM_UP = 100;
    private static final int BATCH = 250;
    private static final int SPARE_FILES = 128;

    /** The measurement: connections held, the forwarder's RSS before and with them, its open-files limit. */
    record Measurement(int connections, long rssBeforeKib, long rssWithKib, long openFilesLimit) {
        double kibPerConnection() {
            return (rssWithKib - rssBeforeKib) / (double) connections;
        }
    }

    private final Namespaces namespaces;
    private final NetNamespace clientNs;
    private final InetSocketAddress forward;
    private final List<SocketChannel> clients = new ArrayList<>();
    private final List<SocketChannel> accepted = new CopyOnWriteArrayList<>();
    private final ServerSocketChannel sink;
    private final Thread acceptor;

    private IdleConnections(Namespaces namespaces, NetNamespace clientNs, InetSocketAddress forward,
                            ServerSocketChannel sink) {
        this.namespaces = namespaces;
        this.clientNs = clientNs;
        this.forward = forward;
        this.sink = sink;
        this.acceptor = new Thread(this::accept, "okbench-idle-sink");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Runs the measurement: a sink on {@code sinkAddress} inside {@code sinkNs}, {@code forwarder} relaying
     * {@code forward} to it, clients opened inside {@code clientNs}.
     */
    static Measurement measure(Namespaces namespaces, NetNamespace sinkNs, InetSocketAddress sinkAddress,
                               NetNamespace clientNs, InetSocketAddress forward, Forwarder forwarder, int wanted) {
        ServerSocketChannel sink = namespaces.callIn(sinkNs, () -> {
            ServerSocketChannel s = ServerSocketChannel.open();
            s.bind(sinkAddress, 4096);
            return s;
        });
        IdleConnections idle = new IdleConnections(namespaces, clientNs, forward, sink);
        try {
            int n = idle.affordable(wanted, forwarder);
            idle.open(WARM_UP);
            idle.closeAll();
            Processes.sleep(1000);
            long before = forwarder.rssKib();
            idle.open(n);
            Processes.sleep(1000);
            long with = forwarder.rssKib();
            return new Measurement(n, before, with, forwarder.openFilesLimit());
        } finally {
            idle.close();
        }
    }

    /** {@code wanted}, or what the open-files limits of the forwarder and of this JVM allow. */
    private int affordable(int wanted, Forwarder forwarder) {
        long self = ProcessHandle.current().pid();
        long forwarderRoom = forwarder.openFilesLimit() - forwarder.openFiles() - SPARE_FILES;
        long ownRoom = Forwarder.openFilesLimit(self) - Forwarder.openFiles(self) - SPARE_FILES;
        return (int) Math.max(1, Math.min(wanted, Math.min(forwarderRoom, ownRoom) / 2));
    }

    /** Opens {@code count} connections in batches; returns once the sink has accepted every one. */
    private void open(int count) {
        int target = accepted.size() + count;
        while (clients.size() < target) {
            int batch = Math.min(BATCH, target - clients.size());
            List<SocketChannel> opened = namespaces.callIn(clientNs, () -> {
                List<SocketChannel> out = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) {
                    out.add(SocketChannel.open()); // a socket belongs to the namespace it is made in
                }
                return out;
            });
            for (SocketChannel c : opened) {
                clients.add(c);
                try {
                    c.connect(forward);
                } catch (IOException e) {
                    throw new OverlayException("idle connection " + clients.size() + " to " + forward + " failed: " + e, e);
                }
            }
            awaitAccepted(clients.size());
        }
    }

    private void awaitAccepted(int count) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (accepted.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new OverlayException("the forwarder relayed only " + accepted.size() + " of " + count
                        + " idle connections to the sink within 30 s");
            }
            Processes.sleep(5);
        }
    }

    private void accept() {
        try {
            while (true) {
                accepted.add(sink.accept());
            }
        } catch (IOException e) {
            // closed: the measurement is over
        }
    }

    private void closeAll() {
        clients.forEach(IdleConnections::closeQuietly);
        clients.clear();
        accepted.forEach(IdleConnections::closeQuietly);
        accepted.clear();
    }

    private void close() {
        closeQuietly(sink);
        closeAll();
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing what we opened; nothing to do
        }
    }
}
