package io.overlaykit.samples.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The verdict on a host's agent from its last {@link AgentReport}: {@code running} only while its process is alive
 * (same pid, same start time) and it reported within {@link #STALE_AFTER}; {@code stopped} when it stopped cleanly;
 * {@code stale} when it died, was killed, or hangs — its report is then history, not health; {@code absent} when no
 * agent ever ran here.
 *
 * @param state  the verdict
 * @param reason why, in words
 * @param report the report it is based on, or null when absent
 */
public record AgentHealth(State state, String reason, AgentReport report) {
    /** How often a running agent writes its report. */
    public static final Duration REPORT_EVERY = Duration.ofSeconds(5);
    /** A report older than three intervals is from an agent that no longer works. */
    public static final Duration STALE_AFTER = REPORT_EVERY.multipliedBy(3);

    /** The verdict. */
    public enum State {
        /** Alive and reporting. */
        RUNNING,
        /** Stopped cleanly (forwards closed). */
        STOPPED,
        /** Dead or hung: the report is old news. */
        STALE,
        /** No agent ever reported for this host. */
        ABSENT
    }

    /** The verdict on {@code report} at {@code now}, asking the process table about its pid. */
    public static AgentHealth judge(Optional<AgentReport> report, Instant now) {
        return judge(report, now, pid -> ProcessHandle.of(pid).flatMap(p -> p.info().startInstant()).orElse(null));
    }

    /** {@link #judge(Optional, Instant)} with the process start time of a pid given ({@code null}: no such process). */
    static AgentHealth judge(Optional<AgentReport> report, Instant now, LongFunction<Instant> processStart) {
        if (report.isEmpty()) {
            return new AgentHealth(State.ABSENT, "no agent (overlay serve) has run for this host", null);
        }
        AgentReport r = report.get();
        if (r.stoppedAt() != null) {
            return new AgentHealth(State.STOPPED, "stopped cleanly at " + r.stoppedAt(), r);
        }
        Instant started = processStart.apply(r.pid());
        if (started == null || (r.processStart() != null && !started.equals(r.processStart()))) {
            return new AgentHealth(State.STALE, "agent pid " + r.pid() + " is not running (it died without stopping);"
                    + " last report " + r.updatedAt(), r);
        }
        Duration age = r.updatedAt() == null ? Duration.ofDays(1) : Duration.between(r.updatedAt(), now);
        if (age.compareTo(STALE_AFTER) > 0) {
            return new AgentHealth(State.STALE, "agent pid " + r.pid() + " runs but has not reported for "
                    + age.toSeconds() + " s (hung?)", r);
        }
        return new AgentHealth(State.RUNNING, "pid " + r.pid() + ", reported " + Math.max(0, age.toSeconds())
                + " s ago", r);
    }

    /** True unless the agent is stale: a stopped or absent agent is no fault, a dead one is. */
    public boolean isHealthy() {
        return state != State.STALE;
    }

    /** One paragraph for {@code overlay status}. */
    public String toText() {
        StringBuilder sb = new StringBuilder("agent: ").append(state.name().toLowerCase(java.util.Locale.ROOT))
                .append(" (").append(reason).append(")");
        if (report != null && state != State.ABSENT) {
            sb.append(System.lineSeparator()).append("  ").append(report.forwards().size()).append(" forwards, ")
                    .append(report.connections()).append(" connections");
            for (AgentReport.Forward f : report.forwards()) {
                sb.append(System.lineSeparator()).append("  forward ").append(f.listen()).append(" -> ").append(f.target())
                        .append(": ").append(f.accepted()).append(" accepted, ").append(f.active()).append(" active, ")
                        .append(f.failed()).append(" failed");
            }
            AgentReport.Rewire w = report.lastRewire();
            sb.append(System.lineSeparator()).append("  re-wires: ").append(report.rewires());
            if (w != null) {
                sb.append(", last at ").append(w.at()).append(w.error() != null ? " failed: " + w.error()
                        : " (" + w.changed() + " changes, " + w.millis() + " ms)");
            }
            report.encryption().forEach(p -> sb.append(System.lineSeparator()).append("  encryption ").append(p));
        }
        return sb.toString();
    }

    /** As JSON-ready maps: {@code state}, {@code reason}, and the report's fields. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", state.name().toLowerCase(java.util.Locale.ROOT));
        m.put("reason", reason);
        if (report != null) {
            m.putAll(report.toMap());
        }
        return m;
    }
}
