package io.overlaykit.core;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** PortForward on loopback: half-close, failures, timeouts, the cap, PROXY v2, descriptors. No root. */
@Timeout(60)
class PortForwardTest {
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void clientHalfCloseReachesTargetAndReplyStillFlows() throws Exception {
        try (Upstream up = Upstream.start(s -> {
                    byte[] got = Upstream.readAll(s.getInputStream()); // returns only on the forwarded EOF
                    s.getOutputStream().write(("reply:" + new String(got, US_ASCII)).getBytes(US_ASCII));
                });
                PortForward fwd = PortForward.tcp(ANY_LOOPBACK, up.address()).start();
                Socket client = connect(fwd)) {
            client.getOutputStream().write("hello".getBytes(US_ASCII));
            client.shutdownOutput();
            assertThat(new String(Upstream.readAll(client.getInputStream()), US_ASCII)).isEqualTo("reply:hello");
            awaitTrue(() -> fwd.stats().active() == 0, "pair closed after both EOFs");
            assertThat(fwd.stats().bytesToTarget()).isEqualTo(5);
            assertThat(fwd.stats().bytesToClient()).isEqualTo(11);
        }
    }

    @Test
    void targetHalfCloseReachesClientAndClientCanStillSend() throws Exception {
        CompletableFuture<String> upstreamGot = new CompletableFuture<>();
        try (Upstream up = Upstream.start(s -> {
                    s.getOutputStream().write("banner".getBytes(US_ASCII));
                    s.shutdownOutput();
                    upstreamGot.complete(new String(Upstream.readAll(s.getInputStream()), US_ASCII));
                });
                PortForward fwd = PortForward.tcp(ANY_LOOPBACK, up.address()).start();
                Socket client = connect(fwd)) {
            assertThat(new String(Upstream.readAll(client.getInputStream()), US_ASCII)).isEqualTo("banner");
            client.getOutputStream().write("after-eof".getBytes(US_ASCII));
            client.shutdownOutput();
            assertThat(upstreamGot.get(10, TimeUnit.SECONDS)).isEqualTo("after-eof");
            awaitTrue(() -> fwd.stats().active() == 0, "pair closed after both EOFs");
        }
    }

    @Test
    void slowClientThrottlesTheTargetInsteadOfBufferingEverything() throws Exception {
        // far more than the socket buffers (rmem autotuning may reach 32 MiB here) and the forwarder's hold
        int total = 128 << 20;
        CompletableFuture<Long> targetDoneAt = new CompletableFuture<>();
        try (Upstream up = Upstream.start(s -> {
                    byte[] chunk = new byte[1 << 20];
                    Arrays.fill(chunk, (byte) 'x');
                    for (int sent = 0; sent < total; sent += chunk.length) {
                        s.getOutputStream().write(chunk);
                    }
                    targetDoneAt.complete(System.nanoTime());
                    s.shutdownOutput();
                });
                PortForward fwd = PortForward.tcp(ANY_LOOPBACK, up.address()).start();
                Socket client = new Socket()) {
            client.setReceiveBufferSize(64 * 1024); // before connect: no autotuning on the client side
            client.setSoTimeout(15_000);
            client.connect(fwd.localAddress(), 5_000);
            Thread.sleep(500); // not reading: the target must block, not the forwarder's memory grow
            assertThat(targetDoneAt).isNotDone();
            long readingFrom = System.nanoTime();
            byte[] got = Upstream.readAll(client.getInputStream());
            assertThat(got).hasSize(total);
            assertThat(targetDoneAt.get(10, TimeUnit.SECONDS)).isGreaterThan(readingFrom);
            assertThat(fwd.stats().bytesToClient()).isEqualTo(total);
        }
    }

    @Test
    void clientResetIsPassedOnAsAReset() throws Exception {
        CompletableFuture<String> upstreamSaw = new CompletableFuture<>();
        try (Upstream up = Upstream.start(s -> {
                    s.getOutputStream().write('!');
                    try {
                        upstreamSaw.complete(s.getInputStream().read() < 0 ? "eof" : "data");
                    } catch (SocketException e) {
                        upstreamSaw.complete("reset");
                    }
                });
                PortForward fwd = PortForward.tcp(ANY_LOOPBACK, up.address()).start()) {
            Socket client = connect(fwd);
            assertThat(client.getInputStream().read()).isEqualTo('!');
            client.setSoLinger(true, 0);
            client.close(); // RST
            assertThat(upstreamSaw.get(10, TimeUnit.SECONDS)).isEqualTo("reset");
            awaitTrue(() -> fwd.stats().active() == 0, "pair closed");
        }
    }

    @Test
    void refusedUpstreamClosesTheClient() throws Exception {
        InetSocketAddress closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = (InetSocketAddress) probe.getLocalSocketAddress();
        }
        try (PortForward fwd = PortForward.tcp(ANY_LOOPBACK, closedPort).start();
                Socket client = connect(fwd)) {
            assertClosedByPeer(client);
            awaitTrue(() -> fwd.stats().upstreamFailures() == 1 && fwd.stats().active() == 0, "failure counted");
            assertThat(fwd.isOpen()).isTrue();
        }
    }

    @Test
    void upstreamThatNeverAnswersHitsConnectTimeout() throws Exception {
        // A listener whose accept queue is full drops further SYNs, so a connect to it hangs.
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            boolean saturated = false;
            for (int i = 0; i < 16 && !saturated; i++) {
                Socket s = new Socket();
                fillers.add(s);
                try {
                    s.connect(full.getLocalSocketAddress(), 300);
                } catch (SocketTimeoutException e) {
                    saturated = true;
                }
            }
            assertThat(saturated).as("accept queue of the silent listener filled up").isTrue();
            try (PortForward fwd = PortForward.tcp(ANY_LOOPBACK, (InetSocketAddress) full.getLocalSocketAddress())
                            .connectTimeout(Duration.ofMillis(400)).start();
                    Socket client = connect(fwd)) {
                long start = System.nanoTime();
                assertClosedByPeer(client);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(ms).isGreaterThanOrEqualTo(300);
                awaitTrue(() -> fwd.stats().timedOut() == 1 && fwd.stats().upstreamFailures() == 1
                        && fwd.stats().active() == 0, "timeout counted, pair closed");
                assertThat(fwd.stats().accepted()).isEqualTo(1);
            }
        } finally {
            for (Socket s : fillers) {
                s.close();
            }
        }
    }

    @Test
    void connectionsBeyondTheCapAreRefused() throws Exception {
        try (Upstream up = Upstream.echo();
                PortForward fwd = PortForward.tcp(ANY_LOOPBACK, up.address()).maxConnections(2).start();
                Socket c1 = connect(fwd);
                Socket c2 = connect(fwd)) {
            assertEchoes(c1, "one");
            assertEchoes(c2, "two");
            try (Socket c3 = connect(fwd)) {
                assertClosedByPeer(c3);
            }
            assertThat(fwd.stats().refused()).isEqualTo(1);
            assertThat(fwd.stats().active()).isEqualTo(2);
            c1.close();
            awaitTrue(() -> fwd.stats().active() == 1, "closed client released its slot");
            try (Socket c4 = connect(fwd)) {
                assertEchoes(c4, "four");
            }
            assertThat(fwd.stats().accepted()).isEqualTo(3);
        }
    }

    @Test
    void idleConnectionIsClosed() throws Exception {
        try (Upstream up = Upstream.echo();
                PortForward fwd = PortForward.tcp(ANY_LOOPBACK, up.address()).idleTimeout(Duration.ofMillis(400)).start();
                Socket client = connect(fwd)) {
            assertEchoes(client, "ping");
            long start = System.nanoTime();
            assertClosedByPeer(client);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(300);
            awaitTrue(() -> fwd.stats().timedOut() == 1 && fwd.stats().active() == 0, "idle timeout counted");
        }
    }

    @Test
    void closeLeavesNoDescriptorOpen() throws Exception {
        exercise(); // warm up: class loading and the JDK's own lazily opened descriptors
        List<String> before = Upstream.openFds();
        exercise();
        List<String> after = Upstream.openFds();
        // the set, not the count: a leaked socket next to a closed pipe would keep the count
        assertThat(after).as("descriptors after close").containsExactlyElementsOf(before);
    }

    /** Opens and closes a forward with served, refused and cut connections. */
    static void exercise() throws Exception {
        InetSocketAddress closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = (InetSocketAddress) probe.getLocalSocketAddress();
        }
        try (PortForward refusing = PortForward.tcp(ANY_LOOPBACK, closedPort).start();
                Socket c = connect(refusing)) {
            assertClosedByPeer(c);
        }
        try (Upstream up = Upstream.echo()) {
            PortForward fwd = PortForward.tcp(ANY_LOOPBACK, up.address()).maxConnections(20).selectorThreads(2).start();
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    Socket s = connect(fwd);
                    open.add(s);
                    assertEchoes(s, "n" + i);
                }
                try (Socket refused = connect(fwd)) {
                    assertClosedByPeer(refused);
                }
                for (int i = 0; i < 10; i++) {
                    open.get(i).close(); // the rest stay open: close() must cut them
                }
                fwd.close();
                for (Socket s : open.subList(10, 20)) {
                    assertClosedByPeer(s);
                }
            } finally {
                fwd.close(); // idempotent
                for (Socket s : open) {
                    s.close();
                }
            }
            assertThat(fwd.isOpen()).isFalse();
            assertThat(fwd.stats().active()).isZero();
        }
    }

    @Test
    void invalidOptionsAreAllReported() {
        assertThatThrownBy(() -> PortForward.tcp(ANY_LOOPBACK, new InetSocketAddress("127.0.0.1", 0))
                        .targetNamespace(NetNamespace.named("okfwd-x"))
                        .maxConnections(0).bufferSize(10).connectTimeout(Duration.ZERO).start())
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.problems())
                        .extracting(InvalidSpecException.Problem::path)
                        .containsExactlyInAnyOrder("portForward.target", "portForward.namespaces",
                                "portForward.connectTimeout", "portForward.maxConnections", "portForward.bufferSize"));
    }

    @Test
    void bindFailureIsABackendExceptionNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress addr = (InetSocketAddress) taken.getLocalSocketAddress();
            assertThatThrownBy(() -> PortForward.tcp(addr, addr).start())
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining(String.valueOf(addr.getPort()))
                    .hasCauseInstanceOf(IOException.class);
        }
    }

    static Socket connect(PortForward fwd) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(15_000);
        s.connect(fwd.localAddress(), 5_000);
        return s;
    }

    static void assertEchoes(Socket s, String text) throws IOException {
        byte[] bytes = text.getBytes(US_ASCII);
        s.getOutputStream().write(bytes);
        byte[] back = new DataInputStream(s.getInputStream()).readNBytes(bytes.length);
        assertThat(new String(back, US_ASCII)).isEqualTo(text);
    }

    /** The forwarder closed this client: EOF, or a reset when it closed with unread data. */
    static void assertClosedByPeer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            assertThat(in.read()).isEqualTo(-1);
        } catch (SocketException reset) {
            assertThat(reset.getMessage()).containsIgnoringCase("reset");
        }
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(10);
        }
    }
}
