package io.overlaykit.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** A blocking loopback test server, a thread per connection; closes every socket it made on close. */
final class Upstream implements AutoCloseable {
    /** What the server does with one accepted socket. */
    @FunctionalInterface
    interface Handler {
        void handle(Socket socket) throws Exception;
    }

    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "okfwd-upstream");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    private Upstream(Handler handler, int backlog) throws IOException {
        server = new ServerSocket(0, backlog, InetAddress.getLoopbackAddress());
        pool.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    sockets.add(s);
                    pool.execute(() -> {
                        try (s) {
                            handler.handle(s);
                        } catch (Exception e) {
                            if (!server.isClosed()) {
                                failures.add(e);
                            }
                        } finally {
                            sockets.remove(s);
                        }
                    });
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
    }

    static Upstream start(Handler handler) throws IOException {
        return new Upstream(handler, 2100);
    }

    /** Echoes every byte, passes EOF on as a half-close, then closes. */
    static Upstream echo() throws IOException {
        return start(s -> {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
                s.getOutputStream().write(buf, 0, n);
            }
            s.shutdownOutput();
        });
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    int accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws Exception {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        pool.shutdownNow();
        if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("upstream threads did not stop");
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    /**
     * Open descriptors of this process that a forwarder can leak, as /proc/self/fd lists them: number and
     * target ({@code 41 -> socket:[123456]}), sorted. Compare these sets, never their sizes.
     */
    static List<String> openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(p -> {
                try {
                    return p.getFileName() + " -> " + Files.readSymbolicLink(p);
                } catch (IOException e) {
                    return p.getFileName() + " -> (gone)"; // the directory stream's own descriptor
                }
            })
                    // Only what a forwarder can leak: sockets, pipes, epoll/event fds. The JVM itself
                    // opens and closes files (jars, cgroup metrics) at any moment.
                    .filter(s -> s.contains("-> socket:") || s.contains("-> pipe:") || s.contains("-> anon_inode:"))
                    .sorted().toList();
        }
    }
}
