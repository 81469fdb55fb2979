package io.overlaykit.samples;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.Namespaces;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Small socket checks run from inside namespaces, beyond what {@link io.overlaykit.core.check.ConnectivityCheck}
 * offers: which source address a server sees (masquerade), and a line echoed through a forward. Each socket is
 * created on a thread that entered its namespace, so it belongs there.
 */
public final class Probes {
    private static final int TIMEOUT_MS = 5_000;

    private Probes() {
    }

    /**
     * Connects from {@code from} to a server listening on {@code serverAddress} inside {@code serverNs} and
     * returns the client address the server sees.
     */
    public static InetAddress peerSeenBy(Namespaces namespaces, NetNamespace from, NetNamespace serverNs,
                                         InetAddress serverAddress) {
        try (ServerSocketChannel server = namespaces.callIn(serverNs, () -> {
            ServerSocketChannel s = ServerSocketChannel.open();
            s.bind(new InetSocketAddress(serverAddress, 0));
            return s;
        }); SocketChannel client = namespaces.callIn(from, SocketChannel::open)) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            client.socket().connect(new InetSocketAddress(serverAddress, port), TIMEOUT_MS);
            // The handshake completed in the kernel, so accept() returns at once.
            server.socket().setSoTimeout(TIMEOUT_MS);
            try (Socket accepted = server.socket().accept()) {
                return ((InetSocketAddress) accepted.getRemoteSocketAddress()).getAddress();
            }
        } catch (IOException e) {
            throw new BackendException("connect from " + from.displayName() + " to " + serverAddress.getHostAddress()
                    + " in " + serverNs.displayName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sends {@code line} from inside {@code from} to {@code target}, half-closes, and returns what came back
     * until the server closed (trimmed).
     */
    public static String echo(Namespaces namespaces, NetNamespace from, InetSocketAddress target, String line) {
        try (SocketChannel client = namespaces.callIn(from, SocketChannel::open)) {
            Socket s = client.socket();
            s.connect(target, TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new BackendException("echo through " + target + " from " + from.displayName() + ": "
                    + e.getMessage(), e);
        }
    }
}
