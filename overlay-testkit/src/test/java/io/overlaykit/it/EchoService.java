package io.overlaykit.it;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.Namespaces;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A service inside a namespace (a container's, or {@code outside}) that needs nothing in the image: the
 * socket is opened on a thread that entered the namespace, then served from an ordinary thread. It echoes
 * every byte (TCP) or datagram (UDP) back and records each client's address, so a test can tell whether
 * a client address survived a NAT.
 */
final class EchoService implements AutoCloseable {
    private final AutoCloseable socket;
    private final List<InetAddress> peers;
    private final Thread thread;

    private EchoService(AutoCloseable socket, List<InetAddress> peers, Runnable loop, String name) {
        this.socket = socket;
        this.peers = peers;
        this.thread = new Thread(loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** A TCP echo service bound to {@code address:port} inside {@code ns}. */
    static EchoService tcp(Namespaces namespaces, NetNamespace ns, InetAddress address, int port) {
        ServerSocket server = namespaces.callIn(ns, () -> {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port), 50);
            return s;
        });
        List<InetAddress> peers = new CopyOnWriteArrayList<>();
        return new EchoService(server, peers, () -> {
            while (!server.isClosed()) {
                try {
                    Socket c = server.accept();
                    peers.add(c.getInetAddress());
                    Thread t = new Thread(() -> echo(c), "echo-" + port);
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, "tcp-echo-" + address.getHostAddress() + ":" + port);
    }

    /** A UDP echo service bound to {@code address:port} inside {@code ns}. */
    static EchoService udp(Namespaces namespaces, NetNamespace ns, InetAddress address, int port) {
        DatagramSocket socket = namespaces.callIn(ns, () -> new DatagramSocket(new InetSocketAddress(address, port)));
        List<InetAddress> peers = new CopyOnWriteArrayList<>();
        return new EchoService(socket, peers, () -> {
            byte[] buf = new byte[2048];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    peers.add(p.getAddress());
                    socket.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, "udp-echo-" + address.getHostAddress() + ":" + port);
    }

    private static void echo(Socket c) {
        try (c; InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
            c.shutdownOutput();
        } catch (SocketException e) {
            // the client went away
        } catch (IOException e) {
            // the client went away
        }
    }

    /** The client addresses seen so far, in order. */
    List<InetAddress> peers() {
        return List.copyOf(peers);
    }

    /** The address of the last client. */
    InetAddress lastPeer() {
        List<InetAddress> p = peers();
        if (p.isEmpty()) {
            throw new AssertionError("no client reached the service");
        }
        return p.get(p.size() - 1);
    }

    @Override
    public void close() throws Exception {
        socket.close();
        thread.join(2000);
    }
}
