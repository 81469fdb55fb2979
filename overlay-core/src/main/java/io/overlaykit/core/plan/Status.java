package io.overlaykit.core.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Desired versus actual state of one host, which is the plan's drift: every step of the plan that has
 * changes to make is {@code MISSING}, every object of ours the spec no longer has is {@code EXTRA}
 * ({@code UNKNOWN} is for callers that could not observe a part). An empty list means no drift.
 */
public record Status(String spec, String host, List<Drift> drift) {

    /** One difference. */
    public record Drift(Kind kind, String step, String detail) {
        @Override
        public String toString() {
            return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + step + ": " + detail;
        }
    }

    /** What kind of difference. */
    public enum Kind { MISSING, EXTRA, UNKNOWN }

    public Status {
        drift = List.copyOf(drift);
    }

    /** The drift a plan shows: its steps with changes (read only; the plan was computed from one observation). */
    public static Status of(Plan plan) {
        List<Drift> drift = new ArrayList<>();
        for (Step s : plan.steps()) {
            if (!s.isDone()) {
                drift.add(new Drift(s.removal() ? Kind.EXTRA : Kind.MISSING, s.id(), s.description()));
            }
        }
        return new Status(plan.spec(), plan.host(), drift);
    }

    /** True when the host is as the spec says. */
    public boolean isClean() {
        return drift.isEmpty();
    }

    /** Plain text, one difference per line. */
    public String toText() {
        StringBuilder sb = new StringBuilder("spec " + spec + " on host " + host + ": "
                + (isClean() ? "as specified" : drift.size() + " differences"));
        drift.forEach(d -> sb.append(System.lineSeparator()).append("  ").append(d));
        return sb.toString();
    }

    /** A structure of maps, lists and strings, ready for a JSON writer. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("spec", spec);
        m.put("host", host);
        m.put("clean", isClean());
        List<Map<String, String>> items = new ArrayList<>();
        for (Drift d : drift) {
            Map<String, String> item = new LinkedHashMap<>();
            item.put("kind", d.kind().name().toLowerCase(java.util.Locale.ROOT));
            item.put("step", d.step());
            item.put("detail", d.detail());
            items.add(item);
        }
        m.put("drift", items);
        return m;
    }

    @Override
    public String toString() {
        return toText();
    }
}
