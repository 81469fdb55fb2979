package io.overlaykit.it;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.Namespaces;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/** Clients that open their sockets inside a namespace and check what an {@link EchoService} sends back. */
final class Clients {
    private static final int TIMEOUT_MS = 5000;

    private Clients() {
    }

    /**
     * Connects from inside {@code from} to {@code target}, sends {@code bytes} random bytes, half-closes,
     * and returns how long the round trip took; fails unless exactly the same bytes come back.
     */
    static long tcpEcho(Namespaces namespaces, NetNamespace from, InetSocketAddress target, int bytes) {
        byte[] payload = new byte[bytes];
        new Random(bytes).nextBytes(payload);
        long t0 = System.nanoTime();
        Socket s = namespaces.callIn(from, () -> {
            Socket c = new Socket();
            c.connect(target, TIMEOUT_MS);
            return c;
        });
        try (s) {
            s.setSoTimeout(TIMEOUT_MS);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(payload);
                    out.flush();
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            InputStream in = s.getInputStream();
            byte[] got = in.readNBytes(bytes + 1);
            writer.join();
            if (!Arrays.equals(got, payload)) {
                throw new AssertionError(from.displayName() + " -> " + target + ": sent " + bytes + " bytes, got "
                        + got.length + (got.length == bytes ? " different" : "") + " bytes back");
            }
        } catch (IOException e) {
            throw new AssertionError(from.displayName() + " -> " + target + ": " + e, e);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Sends one datagram from inside {@code from} and fails unless the same datagram comes back. */
    static void udpEcho(Namespaces namespaces, NetNamespace from, InetSocketAddress target, String text) {
        byte[] payload = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        DatagramSocket s = namespaces.callIn(from, DatagramSocket::new);
        try (s) {
            s.setSoTimeout(TIMEOUT_MS);
            s.send(new DatagramPacket(payload, payload.length, target));
            byte[] buf = new byte[2048];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            s.receive(reply);
            byte[] got = Arrays.copyOf(reply.getData(), reply.getLength());
            if (!Arrays.equals(got, payload)) {
                throw new AssertionError("udp " + from.displayName() + " -> " + target + ": wrong echo");
            }
        } catch (IOException e) {
            throw new AssertionError("udp " + from.displayName() + " -> " + target + ": " + e, e);
        }
    }
}
