package io.overlaykit.core.check;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.OverlayTimeoutException;
import io.overlaykit.core.spi.Namespaces;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks the data path from inside namespaces, with nothing needed in the container images: every
 * socket is created on a thread that entered the namespace ({@link Namespaces#callIn}), so it belongs
 * to that namespace, and its I/O then runs on ordinary threads of this JVM.
 *
 * <ul>
 *   <li>{@link #icmp} uses {@link InetAddress#isReachable(int)} inside the source namespace. As root
 *       (CAP_NET_RAW) the JDK sends real ICMP echo requests on a raw socket. Without that privilege it
 *       falls back to a TCP connection to port 7 and counts a refusal as reachable, which proves far
 *       less: run checks as root.</li>
 *   <li>{@link #tcp} listens on an ephemeral port bound to the server address inside the server
 *       namespace, connects from the source namespace and exchanges a random nonce both ways.</li>
 *   <li>{@link #tcpTransfer} moves a number of bytes each way and measures throughput; both streams
 *       are verified byte by byte.</li>
 *   <li>{@link #matrix} runs ICMP and TCP for every ordered pair of endpoints and returns a
 *       {@link CheckReport}.</li>
 * </ul>
 */
public final class ConnectivityCheck {
    /** The timeout of {@link #matrix(List)} probes. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** How long a {@link #tcpTransfer(NetNamespace, NetNamespace, InetAddress, long)} may stall. */
    public static final Duration DEFAULT_TRANSFER_TIMEOUT = Duration.ofSeconds(30);

    private static final System.Logger LOG = System.getLogger(ConnectivityCheck.class.getName());
    private static final int NONCE_BYTES = 32;
    private static final int CHUNK = 64 * 1024;
    /** A prime, so a stream that lost or repeated bytes no longer matches the pattern. */
    private static final int PATTERN_MODULUS = 251;
    /** Byte i is i mod 251; long enough to compare a full chunk from any phase. */
    private static final byte[] PATTERN = new byte[CHUNK + PATTERN_MODULUS];

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = (byte) (i % PATTERN_MODULUS);
        }
    }

    private final Namespaces namespaces;
    private final int parallelism;
    private final SecureRandom random = new SecureRandom();

    /**
     * How many probes {@link #check} runs at a time by default: enough that a 100-container overlay (some 20,000
     * probes) verifies in well under a minute on two cores, few enough not to crowd the namespaces' threads.
     */
    public static final int DEFAULT_PARALLELISM = 16;

    /** A check that probes at most {@link #DEFAULT_PARALLELISM} pairs at a time. */
    public ConnectivityCheck(Namespaces namespaces) {
        this(namespaces, DEFAULT_PARALLELISM);
    }

    /** A check that probes at most {@code parallelism} pairs at a time in {@link #matrix}. */
    public ConnectivityCheck(Namespaces namespaces, int parallelism) {
        this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
        }
        this.parallelism = parallelism;
    }

    /**
     * Sends ICMP echo requests from inside {@code from} to {@code to} until a reply comes or
     * {@code timeout} passes. Never throws for an unreachable target: the probe says what failed.
     */
    public Probe icmp(NetNamespace from, InetAddress to, Duration timeout) {
        return icmp(from.displayName(), from, to.getHostAddress(), to, timeout);
    }

    private Probe icmp(String fromLabel, NetNamespace from, String toLabel, InetAddress to, Duration timeout) {
        long start = System.nanoTime();
        try {
            int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
            boolean reached = namespaces.callIn(from, () -> to.isReachable(ms));
            long took = millisSince(start);
            return reached ? Probe.ok(fromLabel, toLabel, Probe.Kind.ICMP, took)
                    : Probe.failed(fromLabel, toLabel, Probe.Kind.ICMP, took, "no echo reply within " + ms + " ms");
        } catch (RuntimeException e) {
            return Probe.failed(fromLabel, toLabel, Probe.Kind.ICMP, millisSince(start), describe(e));
        }
    }

    /**
     * Listens on an ephemeral port of {@code serverAddress} inside {@code serverNs}, connects from
     * {@code from}, sends a random nonce and expects it echoed back. Never throws for a broken path.
     */
    public Probe tcp(NetNamespace from, NetNamespace serverNs, InetAddress serverAddress, Duration timeout) {
        return tcp(from.displayName(), from, serverAddress.getHostAddress() + "@" + serverNs.displayName(),
                serverNs, serverAddress, timeout);
    }

    private Probe tcp(String fromLabel, NetNamespace from, String toLabel, NetNamespace serverNs,
                      InetAddress serverAddress, Duration timeout) {
        long start = System.nanoTime();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            byte[] echoed = exchange(from, serverNs, serverAddress, timeout, client -> {
                OutputStream out = client.getOutputStream();
                out.write(nonce);
                out.flush();
                client.shutdownOutput();
                return client.getInputStream().readNBytes(NONCE_BYTES + 1);
            }, server -> {
                byte[] got = server.getInputStream().readNBytes(NONCE_BYTES + 1);
                server.getOutputStream().write(got);
                server.shutdownOutput();
                return (long) got.length;
            });
            long took = millisSince(start);
            if (!Arrays.equals(nonce, echoed)) {
                return Probe.failed(fromLabel, toLabel, Probe.Kind.TCP, took, "echo mismatch: sent "
                        + NONCE_BYTES + " bytes, got " + echoed.length + " different ones back");
            }
            return Probe.ok(fromLabel, toLabel, Probe.Kind.TCP, took);
        } catch (RuntimeException e) {
            return Probe.failed(fromLabel, toLabel, Probe.Kind.TCP, millisSince(start), describe(e));
        }
    }

    /** {@link #tcpTransfer(NetNamespace, NetNamespace, InetAddress, long, Duration)} with a 30 s stall timeout. */
    public Transfer tcpTransfer(NetNamespace from, NetNamespace serverNs, InetAddress serverAddress, long bytes) {
        return tcpTransfer(from, serverNs, serverAddress, bytes, DEFAULT_TRANSFER_TIMEOUT);
    }

    /**
     * Sends {@code bytes} bytes from {@code from} to a server on {@code serverAddress} inside
     * {@code serverNs}, which verifies them and sends as many back; returns both sizes and durations.
     * {@code timeout} bounds the connect and every read (a stall), not the whole transfer.
     *
     * @throws OverlayTimeoutException when the connect or a read times out
     * @throws BackendException when the connection fails or the data arrives damaged
     */
    public Transfer tcpTransfer(NetNamespace from, NetNamespace serverNs, InetAddress serverAddress, long bytes,
                                Duration timeout) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative: " + bytes);
        }
        String where = "tcp transfer from " + from.displayName() + " to " + serverAddress.getHostAddress()
                + " in " + serverNs.displayName();
        long[] nanos = new long[3];
        long received;
        try {
            received = exchange(from, serverNs, serverAddress, timeout, client -> {
                nanos[0] = System.nanoTime();
                writePattern(client.getOutputStream(), bytes);
                client.shutdownOutput();
                InputStream in = client.getInputStream();
                int first = in.read(); // the server answers only after it has read everything
                nanos[1] = System.nanoTime();
                if (first > 0) {
                    throw new IOException("data from the server damaged at byte 0");
                }
                long n = first < 0 ? 0 : 1 + readPattern(in, 1, "from the server");
                nanos[2] = System.nanoTime();
                return n;
            }, server -> {
                long n = readPattern(server.getInputStream(), 0, "from the client");
                writePattern(server.getOutputStream(), n);
                server.shutdownOutput();
                return n;
            });
        } catch (OverlayTimeoutException e) {
            throw new OverlayTimeoutException(where + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new BackendException(where + ": " + describe(e), e);
        }
        if (received != bytes) {
            throw new BackendException(where + ": sent " + bytes + " bytes but got " + received + " back");
        }
        Transfer result = new Transfer(bytes, received, Duration.ofNanos(nanos[1] - nanos[0]),
                Duration.ofNanos(nanos[2] - nanos[1]));
        LOG.log(System.Logger.Level.DEBUG, () -> where + ": " + result);
        return result;
    }

    /** ICMP and TCP for every ordered pair of distinct endpoints, with {@link #DEFAULT_TIMEOUT}. */
    public CheckReport matrix(List<Endpoint> endpoints) {
        return matrix(endpoints, DEFAULT_TIMEOUT);
    }

    /**
     * ICMP and TCP probes for every ordered pair of distinct endpoints (n * (n - 1) * 2 probes), run
     * a few at a time; rows come in the order of {@code endpoints}, ICMP before TCP.
     */
    public CheckReport matrix(List<Endpoint> endpoints, Duration timeout) {
        return check(endpoints, endpoints, timeout);
    }

    /**
     * ICMP and TCP probes from every source to every target other than itself, e.g. from every
     * container to every host's gateway; rows come in source order, then target order, ICMP before TCP.
     */
    public CheckReport check(List<Endpoint> sources, List<Endpoint> targets, Duration timeout) {
        // rows in source order; but work on a namespace runs on that namespace's one thread, so probes that run
        // at the same time should come from different sources and go to different targets: run them round-robin,
        // the k-th probe of every source before the (k+1)-th of any
        List<List<java.util.concurrent.Callable<Probe>>> perSource = new ArrayList<>();
        int total = 0;
        for (Endpoint a : sources) {
            List<java.util.concurrent.Callable<Probe>> mine = new ArrayList<>();
            int self = Math.max(0, targets.indexOf(a));
            for (int k = 0; k < targets.size(); k++) {
                Endpoint b = targets.get((self + k) % targets.size()); // start after itself: targets spread too
                if (a.equals(b)) {
                    continue;
                }
                mine.add(() -> icmp(a.name(), a.namespace(), b.name(), b.address(), timeout));
                mine.add(() -> tcp(a.name(), a.namespace(), b.name(), b.namespace(), b.address(), timeout));
            }
            perSource.add(mine);
            total += mine.size();
        }
        if (total == 0) {
            return new CheckReport(List.of());
        }
        List<java.util.concurrent.Callable<Probe>> work = new ArrayList<>(total);
        for (int k = 0; work.size() < total; k++) {
            for (List<java.util.concurrent.Callable<Probe>> mine : perSource) {
                if (k < mine.size()) {
                    work.add(mine.get(k));
                }
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, work.size()), daemonThreads("check"));
        try {
            List<Probe> rows = new ArrayList<>();
            for (Future<Probe> f : pool.invokeAll(work)) {
                rows.add(f.get()); // probes catch their own failures
            }
            Map<String, Integer> order = new HashMap<>();
            for (Endpoint a : sources) {
                order.putIfAbsent(a.name(), order.size());
            }
            Map<String, Integer> targetOrder = new HashMap<>();
            for (Endpoint b : targets) {
                targetOrder.putIfAbsent(b.name(), targetOrder.size());
            }
            rows.sort(java.util.Comparator.<Probe>comparingInt(p -> order.getOrDefault(p.from(), 0))
                    .thenComparingInt(p -> targetOrder.getOrDefault(p.to(), 0)).thenComparing(Probe::kind));
            return new CheckReport(rows);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OverlayException("connectivity check interrupted", e);
        } catch (ExecutionException e) {
            throw new OverlayException("connectivity probe failed unexpectedly: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** One side of a TCP exchange, on a connected socket. */
    @FunctionalInterface
    private interface Side<T> {
        T run(Socket socket) throws IOException;
    }

    /**
     * Opens a listening socket inside {@code serverNs} and a client socket inside {@code from}, then
     * runs the server side on a thread of its own and the client side on this thread.
     */
    private <T> T exchange(NetNamespace from, NetNamespace serverNs, InetAddress serverAddress, Duration timeout,
                           Side<T> clientSide, Side<Long> serverSide) {
        int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        ServerSocketChannel listener = namespaces.callIn(serverNs, () -> listen(serverAddress, serverNs));
        String target = serverAddress.getHostAddress();
        try (listener) {
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            target = target + ":" + port;
            FutureTask<Long> server = new FutureTask<>(() -> {
                listener.socket().setSoTimeout(ms);
                try (Socket s = listener.socket().accept()) {
                    s.setSoTimeout(ms);
                    return serverSide.run(s);
                }
            });
            daemonThreads("check-server").newThread(server).start();
            T result;
            // SocketChannel.open() creates the socket at once, so it belongs to the namespace of this call.
            try (SocketChannel channel = namespaces.callIn(from, SocketChannel::open)) {
                Socket client = channel.socket();
                client.connect(new InetSocketAddress(serverAddress, port), ms);
                client.setSoTimeout(ms);
                result = clientSide.run(client);
            }
            try {
                server.get(ms, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new BackendException("server side of " + target + " in " + serverNs.displayName() + ": "
                        + describe(e.getCause()), e.getCause());
            }
            return result;
        } catch (SocketTimeoutException e) {
            throw new OverlayTimeoutException(target + " from " + from.displayName() + ": no progress within " + ms
                    + " ms (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new BackendException(target + " from " + from.displayName() + ": " + describe(e), e);
        } catch (TimeoutException e) {
            throw new OverlayTimeoutException("server side of " + target + " in " + serverNs.displayName()
                    + " did not finish within " + ms + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OverlayException("interrupted while checking " + target, e);
        }
    }

    private static ServerSocketChannel listen(InetAddress address, NetNamespace ns) {
        try {
            ServerSocketChannel ch = ServerSocketChannel.open();
            try {
                ch.bind(new InetSocketAddress(address, 0), 1);
                return ch;
            } catch (IOException e) {
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            throw new BackendException("listen on " + address.getHostAddress() + " in " + ns.displayName()
                    + ": " + describe(e), e);
        }
    }

    private static void writePattern(OutputStream out, long bytes) throws IOException {
        int period = CHUNK - CHUNK % PATTERN_MODULUS; // whole periods, so every write starts at phase 0
        long left = bytes;
        while (left > 0) {
            int n = (int) Math.min(period, left);
            out.write(PATTERN, 0, n);
            left -= n;
        }
        out.flush();
    }

    /** Reads to EOF, checking each byte against the pattern from {@code offset}; returns the count. */
    private static long readPattern(InputStream in, long offset, String what) throws IOException {
        byte[] buf = new byte[CHUNK];
        long pos = offset;
        int n;
        while ((n = in.read(buf)) > 0) {
            int phase = (int) (pos % PATTERN_MODULUS);
            int bad = Arrays.mismatch(buf, 0, n, PATTERN, phase, phase + n);
            if (bad >= 0) {
                throw new IOException("data " + what + " damaged at byte " + (pos + bad));
            }
            pos += n;
        }
        return pos - offset;
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "overlaykit-" + name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** The most telling message in a cause chain, for a report cell. */
    static String describe(Throwable e) {
        Throwable t = e;
        while ((t.getMessage() == null || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String msg = t.getMessage();
        if (t instanceof java.net.SocketTimeoutException) {
            return "timed out" + (msg == null ? "" : ": " + msg);
        }
        return msg == null ? t.getClass().getSimpleName() : msg;
    }
}
