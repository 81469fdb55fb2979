package io.overlaykit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Volume through the forwarder on loopback: 100 MB each way byte-exact (CRC32C at both ends, with the
 * throughput printed next to a direct loopback run), and 2000 concurrent echo connections, every byte
 * compared, with the descriptor set of the process the same afterwards. No timing assertions: the figures
 * are for the report and the benchmark issue. The long soak is {@link PortForwardSoakTest}.
 */
@Timeout(120)
class PortForwardLoadTest {
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final int CHUNK = 1 << 20;
    private static final int CHUNKS = 100;
    private static final byte[] BLOCK = new byte[8 << 20];

    static {
        new Random(42).nextBytes(BLOCK);
    }

    /** Chunk i of the 100 MB stream: a 1 MiB window into a random block, so the stream is not periodic. */
    private static int chunkOffset(int i) {
        return (int) ((i * 65_537L) % (BLOCK.length - CHUNK));
    }

    private static long expectedCrc() {
        CRC32C crc = new CRC32C();
        for (int i = 0; i < CHUNKS; i++) {
            crc.update(BLOCK, chunkOffset(i), CHUNK);
        }
        return crc.getValue();
    }

    private static void send(OutputStream out) throws IOException {
        for (int i = 0; i < CHUNKS; i++) {
            out.write(BLOCK, chunkOffset(i), CHUNK);
        }
    }

    /** CRC32C and length of everything until EOF. */
    private static long[] receive(InputStream in) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[256 * 1024];
        long total = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            crc.update(buf, 0, n);
            total += n;
        }
        return new long[] {crc.getValue(), total};
    }

    @Test
    void hundredMegabytesEachWayArriveByteExact() throws Exception {
        long expected = expectedCrc();
        long total = (long) CHUNK * CHUNKS;
        CompletableFuture<long[]> uploaded = new CompletableFuture<>();
        try (Upstream sink = Upstream.start(s -> uploaded.complete(receive(s.getInputStream())));
                Upstream source = Upstream.start(s -> send(s.getOutputStream()));
                PortForward down = PortForward.tcp(ANY_LOOPBACK, source.address()).start()) {
            double directMBs = upload(sink.address(), uploaded, expected, total);
            CompletableFuture<long[]> again = new CompletableFuture<>();
            try (Upstream sink2 = Upstream.start(s -> again.complete(receive(s.getInputStream())));
                    PortForward up2 = PortForward.tcp(ANY_LOOPBACK, sink2.address()).start()) {
                double forwardedMBs = upload(up2.localAddress(), again, expected, total);
                assertThat(up2.stats().bytesToTarget()).isEqualTo(total);
                double downMBs = download(down.localAddress(), expected, total);
                assertThat(down.stats().bytesToClient()).isEqualTo(total);
                System.out.printf("PortForward 100 MB on loopback: upload %.0f MB/s, download %.0f MB/s"
                        + " (direct loopback without forwarder: %.0f MB/s)%n", forwardedMBs, downMBs, directMBs);
            }
        }
    }

    private static double upload(InetSocketAddress to, CompletableFuture<long[]> received, long expected, long total)
            throws Exception {
        long start = System.nanoTime();
        try (Socket s = new Socket(to.getAddress(), to.getPort())) {
            send(s.getOutputStream());
            s.shutdownOutput();
            long[] got = received.get(60, TimeUnit.SECONDS);
            long nanos = System.nanoTime() - start;
            assertThat(got[1]).as("bytes received").isEqualTo(total);
            assertThat(got[0]).as("CRC32C at the receiving end").isEqualTo(expected);
            return total / 1e6 / (nanos / 1e9);
        }
    }

    private static double download(InetSocketAddress from, long expected, long total) throws Exception {
        long start = System.nanoTime();
        try (Socket s = new Socket(from.getAddress(), from.getPort())) {
            s.setSoTimeout(60_000);
            long[] got = receive(s.getInputStream());
            long nanos = System.nanoTime() - start;
            assertThat(got[1]).as("bytes received").isEqualTo(total);
            assertThat(got[0]).as("CRC32C at the receiving end").isEqualTo(expected);
            return total / 1e6 / (nanos / 1e9);
        }
    }

    @ParameterizedTest(name = "{0} selector thread(s)")
    @ValueSource(ints = {1, 2})
    void twoThousandConcurrentConnectionsEachEchoTheirOwnPayload(int selectorThreads) throws Exception {
        int connections = 2000;
        long limit = openFileLimit();
        // client + forwarder (two per pair) + echo server: four descriptors per connection, plus the JVM's own
        assertThat(limit).as("ulimit -n must allow %d descriptors for this test", 4 * connections + 500)
                .isGreaterThanOrEqualTo(4L * connections + 500);
        Random random = new Random(7);
        List<byte[]> payloads = new ArrayList<>();
        List<Socket> clients = new ArrayList<>();
        long bytes = 0;
        PortForwardTest.exercise(); // the JDK opens a descriptor or two once per JVM, lazily: not the forwarder's
        List<String> fdsBefore = Upstream.openFds();
        try (Upstream echo = Upstream.echo();
                PortForward fwd = PortForward.tcp(ANY_LOOPBACK, echo.address()).selectorThreads(selectorThreads)
                        .backlog(connections + 100).start()) {
            try {
                long start = System.nanoTime();
                for (int i = 0; i < connections; i++) {
                    clients.add(PortForwardTest.connect(fwd));
                }
                PortForwardTest.awaitTrue(() -> fwd.stats().active() == connections, "all connections open at once");
                for (Socket s : clients) {
                    byte[] p = new byte[1 + random.nextInt(16 * 1024)];
                    random.nextBytes(p);
                    payloads.add(p);
                    bytes += p.length;
                    s.getOutputStream().write(p);
                    s.shutdownOutput();
                }
                for (int i = 0; i < connections; i++) {
                    byte[] back = Upstream.readAll(clients.get(i).getInputStream());
                    assertThat(back).as("echo of connection %d", i).isEqualTo(payloads.get(i));
                }
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                System.out.printf("PortForward: %d concurrent echo connections, %d bytes each way checked, in %d ms"
                        + " with %d selector thread(s)%n", connections, bytes, ms, selectorThreads);
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
            PortForwardTest.awaitTrue(() -> fwd.stats().active() == 0, "all pairs closed");
            assertThat(fwd.stats().accepted()).isEqualTo(connections);
            assertThat(fwd.stats().bytesToTarget()).isEqualTo(bytes);
            assertThat(fwd.stats().bytesToClient()).isEqualTo(bytes);
            assertThat(echo.failures).isEmpty();
        }
        assertThat(Upstream.openFds()).as("descriptors after forwarder and server closed")
                .containsExactlyElementsOf(fdsBefore);
    }

    static long openFileLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return Long.MAX_VALUE;
    }
}
