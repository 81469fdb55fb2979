package io.overlaykit.core.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Desired versus actual state of one host, which is the plan's drift: every step of the plan that has
 * changes to make is {@code MISSING}, every object of ours the spec no longer has is {@code EXTRA}
 * ({@code UNKNOWN} is for callers that could not observe a part). An empty list means no drift.
 * {@code warnings} are facts about the host that are not drift but may hurt the overlay (a neighbour table
 * close to its {@code gc_thresh3}, with the numbers); they do not make the status unclean.
 */
public record Status(String spec, String host, List<Drift> drift, List<String> warnings) {

    /** One difference. */
    public record Drift(Kind kind, String step, String detail) {
        @Override
        public String toString() {
            return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + step + ": " + detail;
        }
    }

    /** What kind of difference. */
    public enum Kind {
        /** A step of the plan still has changes to make: something the spec asks for is absent or differs. */
        MISSING,
        /** An object of ours that the spec no longer has (a removal step). */
        EXTRA,
        /** A part of the host the caller could not observe. */
        UNKNOWN
    }

    /** Copies {@code drift}; a null {@code warnings} is empty. */
    public Status {
        drift = List.copyOf(drift);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** A status without warnings. */
    public Status(String spec, String host, List<Drift> drift) {
        this(spec, host, drift, List.of());
    }

    /** The drift a plan shows, with warnings about the host. */
    public static Status of(Plan plan, List<String> warnings) {
        Status s = of(plan);
        return new Status(s.spec(), s.host(), s.drift(), warnings);
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
        warnings.forEach(w -> sb.append(System.lineSeparator()).append("  warning: ").append(w));
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
        if (!warnings.isEmpty()) {
            m.put("warnings", warnings);
        }
        return m;
    }

    @Override
    public String toString() {
        return toText();
    }
}
