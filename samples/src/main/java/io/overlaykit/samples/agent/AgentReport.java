package io.overlaykit.samples.agent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a running {@code overlay serve} says about itself, as it writes it to its {@link AgentStateFile} every few
 * seconds: who it is (pid and process start, so that a recycled pid is not mistaken for it), when it last
 * reported, each userspace forward's counters, the last re-wire of a restarted container, and — once the spec is
 * encrypted — each WireGuard peer's last handshake ({@link EncryptionHealth}).
 *
 * @param spec        the spec's name
 * @param host        the spec host this agent serves
 * @param pid         the agent's process id
 * @param processStart when that process started (as {@link ProcessHandle.Info#startInstant()} says)
 * @param startedAt   when the agent started serving
 * @param updatedAt   when it wrote this report
 * @param stoppedAt   when it stopped cleanly, or null while it runs
 * @param forwards    one entry per userspace forward it serves
 * @param rewires     how many re-applies a container restart caused
 * @param lastRewire  the latest of them, or null
 * @param encryption  per-peer handshake state, empty while no encryption is reported
 */
public record AgentReport(String spec, String host, long pid, Instant processStart, Instant startedAt,
                          Instant updatedAt, Instant stoppedAt, List<Forward> forwards, long rewires, Rewire lastRewire,
                          List<Map<String, Object>> encryption) {

    /** Copies the lists. */
    public AgentReport {
        forwards = List.copyOf(forwards);
        encryption = List.copyOf(encryption);
    }

    /**
     * One userspace forward's counters ({@code PortForward.Stats}).
     *
     * @param listen   the listen address, {@code IP:PORT}
     * @param target   the target address, {@code IP:PORT}
     * @param active   connections open now
     * @param accepted connections accepted since the start
     * @param failed   connections refused, timed out or whose target could not be reached
     * @param bytesToTarget bytes relayed to the target
     * @param bytesToClient bytes relayed back to clients
     */
    public record Forward(String listen, String target, int active, long accepted, long failed, long bytesToTarget,
                          long bytesToClient) {
    }

    /**
     * A re-apply after a container restart.
     *
     * @param at      when it finished
     * @param changed how many steps it changed, or -1 when it failed
     * @param millis  how long it took
     * @param error   the failure's message, or null
     */
    public record Rewire(Instant at, long changed, long millis, String error) {
    }

    /** Connections accepted by all forwards. */
    public long connections() {
        return forwards.stream().mapToLong(Forward::accepted).sum();
    }

    /** As JSON-ready maps and lists (times as ISO-8601 text). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("spec", spec);
        m.put("host", host);
        m.put("pid", pid);
        m.put("processStart", text(processStart));
        m.put("startedAt", text(startedAt));
        m.put("updatedAt", text(updatedAt));
        m.put("stoppedAt", text(stoppedAt));
        List<Map<String, Object>> fw = new ArrayList<>();
        for (Forward f : forwards) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("listen", f.listen());
            e.put("target", f.target());
            e.put("active", f.active());
            e.put("accepted", f.accepted());
            e.put("failed", f.failed());
            e.put("bytesToTarget", f.bytesToTarget());
            e.put("bytesToClient", f.bytesToClient());
            fw.add(e);
        }
        m.put("forwards", fw);
        m.put("connections", connections());
        m.put("rewires", rewires);
        if (lastRewire == null) {
            m.put("lastRewire", null);
        } else {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("at", text(lastRewire.at()));
            r.put("changed", lastRewire.changed());
            r.put("millis", lastRewire.millis());
            r.put("error", lastRewire.error());
            m.put("lastRewire", r);
        }
        m.put("encryption", encryption);
        return m;
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
