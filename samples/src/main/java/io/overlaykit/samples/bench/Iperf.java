package io.overlaykit.samples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.OverlayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * TCP throughput with iperf3: a one-shot server ({@code -s -1}) in one namespace, the client in another,
 * through whatever sits between them. A failed transfer (no connection, a stall) counts as 0 Gbit/s with the
 * reason, never as an exception: carrying nothing is a result the overlay benchmark reports.
 */
final class Iperf {
    /** The port iperf3's server listens on. */
    static final int PORT = 5201;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one transfer measured: received Gbit/s and bytes, or 0 and why. */
    record Transfer(double gbps, long bytes, String error) {
        boolean ok() {
            return error == null;
        }
    }

    private Iperf() {
    }

    /**
     * Starts a server in {@code serverNs}, then runs the client in {@code clientNs} against {@code address:port}
     * (the server itself, or a forward in front of it) for {@code seconds} with {@code streams} streams.
     */
    static Transfer measure(Processes processes, NetNamespace serverNs, NetNamespace clientNs, String address,
                            int port, int seconds, int streams) {
        Processes.Background server = processes.start("iperf3-server",
                Processes.in(serverNs, "iperf3", "-s", "-1", "-p", Integer.toString(PORT)), Map.of());
        try {
            awaitListening(server, PORT);
            Processes.Result r;
            try {
                r = processes.run(Processes.in(clientNs, "iperf3", "-c", address, "-p", Integer.toString(port),
                        "-t", Integer.toString(seconds), "-P", Integer.toString(streams), "-J", "--connect-timeout",
                        "3000"), Map.of(), Duration.ofSeconds(seconds + 30L));
            } catch (io.overlaykit.core.OverlayTimeoutException e) {
                return new Transfer(0, 0, "iperf3 did not finish: the transfer stalled");
            }
            return parse(r.stdout(), r.stderr());
        } finally {
            processes.stop(server);
        }
    }

    static Transfer parse(String stdout, String stderr) {
        JsonNode root;
        try {
            root = JSON.readTree(stdout);
        } catch (IOException e) {
            return new Transfer(0, 0, "iperf3 printed no JSON: " + (stderr.isBlank() ? stdout : stderr).strip());
        }
        if (root == null || !root.isObject()) {
            return new Transfer(0, 0, "iperf3 printed no result: " + (stderr.isBlank() ? stdout : stderr).strip());
        }
        if (root.has("error")) {
            return new Transfer(0, 0, root.path("error").asText());
        }
        JsonNode received = root.path("end").path("sum_received");
        if (!received.has("bits_per_second")) {
            return new Transfer(0, 0, "iperf3 reported no received total");
        }
        return new Transfer(received.path("bits_per_second").asDouble() / 1e9, received.path("bytes").asLong(), null);
    }

    /** Waits until process {@code server} listens on {@code port}, as its own {@code /proc/PID/net/tcp*} shows. */
    static void awaitListening(Processes.Background server, int port) {
        String local = String.format(":%04X ", port);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            for (String table : List.of("tcp", "tcp6")) {
                try {
                    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(server.pid()), "net", table))) {
                        String[] f = line.trim().split("\\s+");
                        if (f.length > 3 && f[1].endsWith(local.trim()) && f[3].equals("0A")) { // 0A: LISTEN
                            return;
                        }
                    }
                } catch (IOException e) {
                    // not started yet, or gone (checked below)
                }
            }
            if (!server.process().isAlive() || System.nanoTime() > deadline) {
                throw new OverlayException(server.name() + " is not listening on port " + port + ": "
                        + server.stderrText() + server.stdoutText());
            }
            Processes.sleep(10);
        }
    }
}
