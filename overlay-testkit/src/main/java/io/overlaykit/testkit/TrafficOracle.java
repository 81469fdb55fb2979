package io.overlaykit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.overlaykit.core.BackendException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.testkit.internal.Cli;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Traffic checked with tools we did not write, run inside namespaces ({@code ip netns exec} or
 * {@code nsenter --net=/proc/PID/ns/net}): {@code ping}, {@code socat} (a TCP echo and a connect probe) and
 * {@code iperf3} (a bulk transfer whose byte counts iperf3 reports itself). These stand beside the SDK's own
 * {@code ConnectivityCheck}, so that a bug shared by the wiring and our check cannot hide.
 */
public final class TrafficOracle {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration LISTENING = Duration.ofSeconds(10);

    private TrafficOracle() {
    }

    /** {@code ping -c 1 -W 2}, up to {@code attempts} times; true on the first answer. */
    public static boolean ping(NetNamespace from, InetAddress to, int attempts) {
        for (int i = 0; i < attempts; i++) {
            if (Cli.exec(Cli.inNamespace(from, "ping", "-c", "1", "-W", "2", to.getHostAddress()), Map.of(), null,
                    TIMEOUT).ok()) {
                return true;
            }
        }
        return false;
    }

    /**
     * A line through a TCP echo: {@code socat} listens once on {@code address:port} inside {@code serverNs}
     * ({@code EXEC:cat}), a second {@code socat} in {@code from} sends {@code line} and returns what came back.
     */
    public static String tcpEcho(NetNamespace from, NetNamespace serverNs, InetAddress address, int port, String line) {
        return tcpEcho(from, address, port, serverNs, address, port, line);
    }

    /**
     * {@link #tcpEcho(NetNamespace, NetNamespace, InetAddress, int, String)} through a translation: the client
     * dials {@code dial:dialPort} (a forward's listen address), the server listens on {@code bind:port}.
     */
    public static String tcpEcho(NetNamespace from, InetAddress dial, int dialPort, NetNamespace serverNs,
                                 InetAddress bind, int port, String line) {
        String a = socatHost(dial);
        Process server = start(Cli.inNamespace(serverNs, "socat", "-T", "10",
                tcp(bind) + "-LISTEN:" + port + ",bind=" + socatHost(bind) + ",reuseaddr", "EXEC:cat"));
        try {
            // the client's retry covers only its own connect: through a forward, a connect that the forwarder
            // accepts before this server listens ends as an empty reply
            awaitListening(serverNs, port, LISTENING);
            Cli.Result r = Cli.exec(Cli.inNamespace(from, "socat", "-T", "5", "-",
                    tcp(dial) + ":" + a + ":" + dialPort + ",retry=50,interval=0.1"), Map.of(), line + "\n", TIMEOUT);
            if (!r.ok()) {
                throw new BackendException("socat from " + from.displayName() + " to " + a + ":" + dialPort
                        + " failed: " + r.stderr().strip());
            }
            return r.stdout().strip();
        } finally {
            stop(server);
        }
    }

    /**
     * Waits until a socket in {@code ns} listens on TCP {@code port}, as {@code ss -ltn} run there says; fails
     * after {@code bound}, naming the namespace and the port.
     */
    public static void awaitListening(NetNamespace ns, int port, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        String listening = "";
        while (System.nanoTime() < deadline) {
            Cli.Result r = Cli.exec(Cli.inNamespace(ns, "ss", "-Hltn", "sport = :" + port), Map.of(), null, TIMEOUT);
            listening = r.stdout().strip();
            if (r.ok() && !listening.isEmpty()) {
                return;
            }
            sleep(50);
        }
        throw new BackendException("nothing listens on TCP port " + port + " in " + ns.displayName() + " after "
                + bound + " (ss said: " + listening + ")");
    }

    /** socat's address type for {@code a}'s family. */
    private static String tcp(InetAddress a) {
        return a instanceof java.net.Inet6Address ? "TCP6" : "TCP";
    }

    /** An address as socat reads it: IPv6 in brackets. */
    private static String socatHost(InetAddress a) {
        return a instanceof java.net.Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
    }

    /**
     * True when a TCP connection from {@code from} to {@code address:port} is accepted within {@code timeout}
     * ({@code socat -T}); false when it is refused, reset or times out.
     */
    public static boolean tcpConnects(NetNamespace from, InetAddress address, int port, Duration timeout) {
        String target = tcp(address) + ":" + socatHost(address) + ":" + port + ",connect-timeout="
                + Math.max(1, timeout.toSeconds());
        return Cli.exec(Cli.inNamespace(from, "socat", "-T", "1", "-", target), Map.of(), "", TIMEOUT).ok();
    }

    /**
     * Sends {@code data} from {@code from} to {@code address:port} in {@code serverNs} with {@code socat -u}
     * (the server writes what it received to a file, the client reads {@code data} from one) and returns
     * what the server received, for a byte-for-byte comparison.
     */
    public static byte[] tcpTransfer(NetNamespace from, NetNamespace serverNs, InetAddress address, int port,
                                     byte[] data) {
        String a = address.getHostAddress();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("okoracle-");
            Path sent = Files.write(dir.resolve("sent"), data);
            Path received = dir.resolve("received");
            Process server = start(Cli.inNamespace(serverNs, "socat", "-u", "-T", "30",
                    "TCP-LISTEN:" + port + ",bind=" + a + ",reuseaddr", "CREATE:" + received));
            try {
                awaitListening(serverNs, port, LISTENING);
                Cli.Result r = Cli.exec(Cli.inNamespace(from, "socat", "-u", "FILE:" + sent,
                        "TCP:" + a + ":" + port + ",retry=50,interval=0.1"), Map.of(), null, TIMEOUT);
                if (!r.ok()) {
                    throw new BackendException("socat transfer from " + from.displayName() + " to " + a + ":" + port
                            + " failed: " + r.stderr().strip());
                }
                if (!server.waitFor(30, TimeUnit.SECONDS)) { // it exits when the client's EOF has arrived
                    throw new BackendException("socat server on " + a + ":" + port + " did not finish");
                }
            } finally {
                stop(server);
            }
            return Files.exists(received) ? Files.readAllBytes(received) : new byte[0];
        } catch (IOException e) {
            throw new BackendException("socat transfer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted", e);
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * What iperf3 reported of one transfer. The sender's count is exact; iperf3's receiver count is taken when
     * the test ends and may miss bytes still in flight, so exact byte checks use {@link #tcpTransfer}.
     */
    public record Iperf(long bytesSent, long bytesReceived, double bitsPerSecond) {
    }

    /**
     * {@code iperf3 -n bytes} from {@code from} to an {@code iperf3 -s -1} on {@code address} inside
     * {@code serverNs}; the counts are iperf3's own ({@code end.sum_sent}, {@code end.sum_received}).
     */
    public static Iperf iperf3(NetNamespace from, NetNamespace serverNs, InetAddress address, int port, long bytes) {
        String a = address.getHostAddress();
        Process server = start(Cli.inNamespace(serverNs, "iperf3", "-s", "-1", "-B", a, "-p", String.valueOf(port)));
        try {
            Cli.Result r = null;
            for (int i = 0; i < 50; i++) { // until the server listens
                r = Cli.exec(Cli.inNamespace(from, "iperf3", "-c", a, "-p", String.valueOf(port), "-n",
                        String.valueOf(bytes), "-J"), Map.of(), null, TIMEOUT);
                if (!r.stdout().contains("unable to connect")) { // iperf3 3.12 may exit 0 with that error too
                    break;
                }
                sleep(100);
            }
            if (!r.ok()) {
                throw new BackendException("iperf3 from " + from.displayName() + " to " + a + " failed: "
                        + (r.stdout().isBlank() ? r.stderr() : r.stdout()).strip());
            }
            JsonNode end = JSON.readTree(r.stdout()).path("end");
            if (!end.path("sum_sent").has("bytes")) {
                throw new BackendException("iperf3 from " + from.displayName() + " reported no transfer: " + r.stdout());
            }
            return new Iperf(end.path("sum_sent").path("bytes").asLong(-1),
                    end.path("sum_received").path("bytes").asLong(-1),
                    end.path("sum_received").path("bits_per_second").asDouble());
        } catch (IOException e) {
            throw new BackendException("iperf3 printed no JSON: " + e.getMessage(), e);
        } finally {
            stop(server);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory; nothing depends on it
        }
    }

    private static Process start(List<String> command) {
        try {
            return new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new BackendException("cannot start " + command + ": " + e.getMessage(), e);
        }
    }

    private static void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted", e);
        }
    }
}
