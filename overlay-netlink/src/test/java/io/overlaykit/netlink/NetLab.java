package io.overlaykit.netlink;

import io.overlaykit.core.NetNamespace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * TEST ONLY: namespaces (the real {@link LinuxNamespaces}) joined by veths built with the {@code ip} CLI oracle, plus TCP helpers whose sockets
 * are opened inside a namespace. Every name carries the {@code oknft} prefix; {@link #close} removes all.
 */
final class NetLab implements AutoCloseable {
    final LinuxNamespaces namespaces = new LinuxNamespaces();
    private final List<String> created = new ArrayList<>();
    private final String suffix = Long.toString(ProcessHandle.current().pid() % 100000);

    /** Creates {@code oknft-ROLE-PID} with loopback up. */
    NetNamespace namespace(String role) {
        String name = "oknft-" + role + "-" + suffix;
        namespaces.delete(name); // a leftover of a crashed run
        NetNamespace ns = namespaces.create(name);
        created.add(name);
        ip(ns, "link", "set", "lo", "up");
        // Links made later skip duplicate address detection, so IPv6 (link-local too) works at once.
        exec(ns, "sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.accept_dad=0");
        return ns;
    }

    /** A veth {@code aName} in {@code a} with {@code aAddr}, peer {@code bName} in {@code b}, both up. */
    void veth(NetNamespace a, String aName, String aAddr, NetNamespace b, String bName, String bAddr) {
        ip(a, "link", "add", aName, "type", "veth", "peer", "name", bName, "netns", b.name());
        if (aAddr != null) {
            ip(a, "addr", "add", aAddr, "dev", aName);
        }
        if (bAddr != null) {
            ip(b, "addr", "add", bAddr, "dev", bName);
        }
        ip(a, "link", "set", aName, "up");
        ip(b, "link", "set", bName, "up");
    }

    static String ip(NetNamespace ns, String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "ip";
        command[1] = "-n";
        command[2] = ns.name();
        System.arraycopy(args, 0, command, 3, args.length);
        return Shell.run(command);
    }

    static String exec(NetNamespace ns, String... args) {
        String[] command = new String[args.length + 4];
        command[0] = "ip";
        command[1] = "netns";
        command[2] = "exec";
        command[3] = ns.name();
        System.arraycopy(args, 0, command, 4, args.length);
        return Shell.run(command);
    }

    void forwarding(NetNamespace ns) {
        exec(ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    }

    /** A listening socket bound inside {@code ns}. */
    ServerSocket listen(NetNamespace ns, String address, int port) {
        return namespaces.callIn(ns, () -> {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            s.setSoTimeout(10_000);
            return s;
        });
    }

    /** Accepts one connection, echoes one line, completes with the peer's address. */
    static CompletableFuture<InetAddress> echoOnce(ServerSocket server) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                String line = in.readLine();
                OutputStream out = s.getOutputStream();
                out.write(("echo:" + line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                return ((InetSocketAddress) s.getRemoteSocketAddress()).getAddress();
            } catch (Exception e) {
                throw new IllegalStateException("echo server on " + server.getLocalSocketAddress() + " failed", e);
            }
        });
    }

    /** Connects from inside {@code ns}, sends a line and returns the echo; throws on timeout. */
    String talk(NetNamespace ns, String address, int port, int timeoutMillis) {
        return namespaces.callIn(ns, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getByName(address), port), timeoutMillis);
                s.setSoTimeout(5_000);
                s.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
                return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            }
        });
    }

    @Override
    public void close() {
        try {
            for (int i = created.size() - 1; i >= 0; i--) {
                namespaces.delete(created.get(i));
            }
            created.clear();
        } finally {
            namespaces.close();
        }
    }
}
