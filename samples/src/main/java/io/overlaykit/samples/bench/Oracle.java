package io.overlaykit.samples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.overlaykit.core.BackendException;
import io.overlaykit.core.NetNamespace;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the system's own tools say, outside every clock: {@code ip -j} and {@code ovs-vsctl} check that each
 * method really built what it was timed for, and clean up between methods.
 */
final class Oracle {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final Processes processes;

    Oracle(Processes processes) {
        this.processes = processes;
    }

    /** {@code ip -n NS -j ARGS}, parsed (an empty array when ip prints nothing). */
    List<JsonNode> ip(NetNamespace ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns.name(), "-j"));
        cmd.addAll(List.of(args));
        String out = processes.run(cmd, Map.of(), TIMEOUT).check().stdout().strip();
        if (out.isEmpty()) {
            return List.of();
        }
        try {
            List<JsonNode> nodes = new ArrayList<>();
            JSON.readTree(out).forEach(nodes::add);
            return nodes;
        } catch (IOException e) {
            throw new BackendException("ip -j " + String.join(" ", args) + " printed no JSON: " + out, e);
        }
    }

    /** Link names in {@code ns} matching {@code ip link show ARGS}. */
    List<String> links(NetNamespace ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("link", "show"));
        cmd.addAll(List.of(args));
        return ip(ns, cmd.toArray(String[]::new)).stream().map(n -> n.path("ifname").asText()).toList();
    }

    /** {@code ovs-vsctl --db=unix:DB ARGS}; stdout lines. */
    List<String> vsctl(Path db, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ovs-vsctl", "--db=unix:" + db));
        cmd.addAll(List.of(args));
        String out = processes.run(cmd, Map.of(), TIMEOUT).check().stdout().strip();
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    /** Runs {@code ip -n NS -batch FILE} with {@code lines}; ignores failures of single lines ({@code -force}). */
    void batch(NetNamespace ns, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        Path file = processes.dir().resolve("batch-" + System.nanoTime());
        try {
            java.nio.file.Files.write(file, lines);
        } catch (IOException e) {
            throw new BackendException("cannot write " + file + ": " + e.getMessage(), e);
        }
        processes.run(List.of("ip", "-n", ns.name(), "-force", "-batch", file.toString()), Map.of(), TIMEOUT);
    }

    /** {@code ip netns exec NS ethtool -k LINK}: whether TX checksum offload is on. */
    boolean txChecksum(NetNamespace ns, String link) {
        String out = processes.run(Processes.in(ns, "ethtool", "-k", link), Map.of(), TIMEOUT).check().stdout();
        return out.contains("tx-checksumming: on");
    }
}
