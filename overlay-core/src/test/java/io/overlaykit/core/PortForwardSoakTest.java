package io.overlaykit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.testing.Memory;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A soak of the forwarder on loopback: {@value #WORKERS} clients open connection after connection with random
 * request and response sizes (0 to 256 KiB each way) and a random order of half-closes (the client first, or
 * the server first while the client is still sending), for {@code -Dsoak.seconds} (5 s in every build;
 * {@code -Dsoak=true} makes it 60 s, see README "Reliability"). Every byte is checked at both ends (each
 * direction is a seeded random stream), the forwarder's byte counters equal the sums, the descriptor set of the
 * process is the same afterwards, and memory is flat: heap after a full GC and the JVM's direct-buffer pool
 * at the end are within {@value #FLAT_SLACK_MB} MiB of their values after the first second.
 */
class PortForwardSoakTest {
    static final int WORKERS = 64;
    static final int MAX_PAYLOAD = 256 * 1024;
    static final int FLAT_SLACK_MB = 16;
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** What the server saw of one connection: true when the request arrived byte-exact and then EOF. */
    private final Map<Long, Boolean> serverVerdicts = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicLong requestBytes = new AtomicLong();
    private final AtomicLong responseBytes = new AtomicLong();

    static long soakSeconds() {
        return Long.getLong("soak.seconds", Boolean.getBoolean("soak") ? 60 : 5);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void randomSizesAndHalfClosesForTheWholeSoak() throws Exception {
        long seconds = soakSeconds();
        List<String> fdsBefore;
        long heapAfterWarmup;
        long directAfterWarmup;
        long connections;
        ExecutorService io = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "okfwd-soak");
            t.setDaemon(true);
            return t;
        });
        try {
            warmUp(io); // the JDK opens some descriptors once, lazily: they are not the forwarder's
            fdsBefore = Upstream.openFds();
            try (Upstream server = Upstream.start(this::serve);
                    PortForward fwd = PortForward.tcp(ANY_LOOPBACK, server.address()).selectorThreads(2).start()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                List<Future<Long>> workers = new ArrayList<>();
                for (int w = 0; w < WORKERS; w++) {
                    long seed = w;
                    workers.add(io.submit(() -> work(fwd.localAddress(), new Random(seed), deadline, io)));
                }
                while (System.nanoTime() < warm) {
                    Thread.sleep(50);
                }
                heapAfterWarmup = Memory.heapUsedAfterGc();
                directAfterWarmup = Memory.directBufferBytes();
                connections = 0;
                for (Future<Long> f : workers) {
                    connections += f.get(seconds + 120, TimeUnit.SECONDS);
                }
                PortForwardTest.awaitTrue(() -> fwd.stats().active() == 0, "every pair closed");
                PortForwardTest.awaitTrue(() -> serverVerdicts.size() == nextId.get(), "the server judged every connection");
                assertThat(serverVerdicts).as("connections whose request the server got byte-exact")
                        .allSatisfy((id, ok) -> assertThat(ok).as("connection %d", id).isTrue());
                assertThat(fwd.stats().accepted()).isEqualTo(connections);
                assertThat(fwd.stats().bytesToTarget()).as("bytes to the target: requests + 16-byte headers")
                        .isEqualTo(requestBytes.get() + 16 * connections);
                assertThat(fwd.stats().bytesToClient()).isEqualTo(responseBytes.get());
                assertThat(server.failures).isEmpty();
            }
        } finally {
            io.shutdownNow();
            assertThat(io.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        long heapAfter = Memory.heapUsedAfterGc();
        long directAfter = Memory.directBufferBytes();
        System.out.printf("PortForward soak: %d s, %d connections, %d bytes to the target and %d back, all checked;"
                        + " heap after GC %d -> %d KiB, direct buffers %d -> %d KiB%n", seconds, connections,
                requestBytes.get(), responseBytes.get(), heapAfterWarmup >> 10, heapAfter >> 10,
                directAfterWarmup >> 10, directAfter >> 10);
        assertThat(connections).isGreaterThan(WORKERS);
        List<String> fdsAfter = Upstream.openFds();
        assertThat(fdsAfter).as("descriptors after the soak").containsExactlyElementsOf(fdsBefore);
        assertThat(heapAfter).as("heap after GC at the end vs after the first second")
                .isLessThanOrEqualTo(heapAfterWarmup + (FLAT_SLACK_MB << 20));
        assertThat(directAfter).as("direct buffers at the end vs after the first second")
                .isLessThanOrEqualTo(directAfterWarmup + (FLAT_SLACK_MB << 20));
    }

    private void warmUp(ExecutorService io) throws Exception {
        try (Upstream server = Upstream.start(this::serve);
                PortForward fwd = PortForward.tcp(ANY_LOOPBACK, server.address()).selectorThreads(2).start()) {
            Random random = new Random(-1);
            for (int i = 0; i < 20; i++) {
                connectOnce(fwd.localAddress(), random, io);
            }
            PortForwardTest.awaitTrue(() -> fwd.stats().active() == 0, "warm-up pairs closed");
            // judged while the server still runs: closing it first could cut a handler short of its verdict
            PortForwardTest.awaitTrue(() -> serverVerdicts.size() == nextId.get(), "warm-up judged");
        }
        serverVerdicts.clear();
        nextId.set(0);
        requestBytes.set(0);
        responseBytes.set(0);
    }

    /** One worker: connections until the deadline; returns how many it made. */
    private long work(InetSocketAddress to, Random random, long deadline, ExecutorService io) throws Exception {
        long n = 0;
        while (System.nanoTime() < deadline) {
            connectOnce(to, random, io);
            n++;
        }
        return n;
    }

    private void connectOnce(InetSocketAddress to, Random random, ExecutorService io) throws Exception {
        long id = nextId.getAndIncrement();
        int request = sized(random);
        int response = sized(random);
        boolean clientClosesFirst = random.nextBoolean();
        try (Socket s = new Socket()) {
            s.setSoTimeout(30_000);
            s.connect(to, 5_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeLong(id);
            out.writeInt(request);
            out.writeInt(response);
            CompletableFuture<Void> sent = new CompletableFuture<>();
            io.execute(() -> {
                try {
                    stream(~id, request, s.getOutputStream());
                    if (clientClosesFirst) {
                        s.shutdownOutput();
                    }
                    sent.complete(null);
                } catch (Throwable e) {
                    sent.completeExceptionally(e);
                }
            });
            InputStream in = s.getInputStream();
            verify(id, response, in, "response of connection " + id);
            sent.get(60, TimeUnit.SECONDS);
            if (!clientClosesFirst) {
                s.shutdownOutput(); // the server shut its side first; now the client's side
            }
            requestBytes.addAndGet(request);
            responseBytes.addAndGet(response);
        }
    }

    /** The server: reads the header, sends the response and half-closes, checks the request up to EOF. */
    private void serve(Socket s) throws Exception {
        DataInputStream in = new DataInputStream(s.getInputStream());
        long id = in.readLong();
        int request = in.readInt();
        int response = in.readInt();
        OutputStream out = s.getOutputStream();
        Thread writer = new Thread(() -> {
            try {
                stream(id, response, out);
                s.shutdownOutput();
            } catch (IOException e) {
                serverVerdicts.put(id, false);
            }
        }, "okfwd-soak-server");
        writer.start();
        boolean ok;
        try {
            verify(~id, request, in, "request of connection " + id);
            ok = true;
        } catch (AssertionError | IOException e) {
            ok = false;
        }
        writer.join(60_000);
        serverVerdicts.merge(id, ok, Boolean::logicalAnd);
    }

    private static int sized(Random random) {
        int kind = random.nextInt(10);
        return kind == 0 ? 0 : kind < 6 ? random.nextInt(2048) : random.nextInt(MAX_PAYLOAD + 1);
    }

    /** Writes {@code length} bytes of the random stream seeded by {@code seed}. */
    private static void stream(long seed, int length, OutputStream out) throws IOException {
        Random r = new Random(seed);
        byte[] chunk = new byte[8192];
        for (int done = 0; done < length; ) {
            int n = Math.min(chunk.length, length - done);
            r.nextBytes(chunk);
            out.write(chunk, 0, n);
            done += n;
        }
        out.flush();
    }

    /** Reads to EOF and fails unless exactly the seeded stream of {@code length} bytes arrived. */
    private static void verify(long seed, int length, InputStream in, String what) throws IOException {
        Random r = new Random(seed);
        byte[] expected = new byte[8192];
        byte[] got = new byte[8192];
        int done = 0;
        while (done < length) {
            int want = Math.min(got.length, length - done);
            r.nextBytes(expected);
            int off = 0;
            while (off < want) {
                int n = in.read(got, off, want - off);
                if (n < 0) {
                    throw new AssertionError(what + ": EOF after " + (done + off) + " of " + length + " bytes");
                }
                off += n;
            }
            for (int i = 0; i < want; i++) {
                if (got[i] != expected[i]) {
                    throw new AssertionError(what + ": byte " + (done + i) + " differs");
                }
            }
            done += want;
        }
        if (in.read() != -1) {
            throw new AssertionError(what + ": more than " + length + " bytes");
        }
    }
}
