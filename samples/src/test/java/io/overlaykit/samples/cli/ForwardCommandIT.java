package io.overlaykit.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code overlay forward} on loopback: relays until interrupted, then reports its counters. */
class ForwardCommandIT {

    @Test
    void unknownNamespaceIsInvalidInput() {
        Prereqs.require(false);
        Cli r = Cli.run("forward", "--listen", "127.0.0.1:8080", "--target", "127.0.0.1:80", "--listen-netns",
                "oksmp-nonesuch");
        assertThat(r.code()).isEqualTo(OverlayCli.INVALID);
        assertThat(r.err()).contains("--listen-netns", "oksmp-nonesuch");
    }

    @Test
    void forwardsUntilInterrupted() throws Exception {
        Prereqs.require(false);
        try (ServerSocket upstream = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int listenPort = probe.getLocalPort();
            probe.close(); // a free port for the forward
            Thread echo = new Thread(() -> {
                try (Socket s = upstream.accept()) {
                    s.getOutputStream().write(s.getInputStream().readAllBytes());
                } catch (Exception e) {
                    // the assertion below fails instead
                }
            });
            echo.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AtomicInteger code = new AtomicInteger(-1);
            Thread cli = new Thread(() -> code.set(OverlayCli.run(List.of("forward", "--listen",
                    "127.0.0.1:" + listenPort, "--target", "127.0.0.1:" + upstream.getLocalPort()),
                    new PrintStream(out, true, StandardCharsets.UTF_8), System.err)));
            cli.start();
            long deadline = System.currentTimeMillis() + 10_000;
            while (!out.toString(StandardCharsets.UTF_8).contains("forwarding") && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("forwarding 127.0.0.1:" + listenPort);
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), listenPort)) {
                c.getOutputStream().write("ping through overlay forward".getBytes(StandardCharsets.UTF_8));
                c.shutdownOutput();
                assertThat(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("ping through overlay forward");
            }
            cli.interrupt();
            cli.join(10_000);
            assertThat(code.get()).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("stopped: 1 connections, 28 bytes to the target");
        }
    }
}
