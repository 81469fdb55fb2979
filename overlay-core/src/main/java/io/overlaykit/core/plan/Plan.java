package io.overlaykit.core.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One host's part of a spec, as data: every step in order, each with the changes it needs on this host
 * now (none when it is already done). Printable ({@link #toString()} lists the steps, {@link #toText()} the
 * changes), comparable ({@code equals}), and ready for JSON ({@link #toMap()}). {@code overlay plan} prints
 * it; {@code status} is its drift; {@code apply} executes it.
 */
public record Plan(String spec, String host, List<Step> steps) {

    /** Copies {@code steps}. */
    public Plan {
        steps = List.copyOf(steps);
    }

    /** The step with {@code id}, or null. */
    public Step step(String id) {
        return steps.stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }

    /** The ids of the steps, in order. */
    public List<String> ids() {
        return steps.stream().map(Step::id).toList();
    }

    /** Every change of the plan, in the order apply makes them. */
    public List<Change> changes() {
        List<Change> out = new ArrayList<>();
        steps.forEach(s -> out.addAll(s.changes()));
        return out;
    }

    /** The steps that change something. */
    public List<Step> pending() {
        return steps.stream().filter(s -> !s.isDone()).toList();
    }

    /** True when the host already is as the spec says: apply would change nothing. */
    public boolean isEmpty() {
        return steps.stream().allMatch(Step::isDone);
    }

    /**
     * A structure of maps, lists and strings, ready for a JSON writer: per step its id, description,
     * whether it is a removal, and its changes (kind, description).
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("spec", spec);
        m.put("host", host);
        m.put("changes", changes().size());
        m.put("steps", steps.stream().map(s -> {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("id", s.id());
            step.put("description", s.description());
            step.put("removal", s.removal());
            step.put("changes", s.changes().stream().map(Plan::changeMap).toList());
            return step;
        }).toList());
        return m;
    }

    private static Map<String, Object> changeMap(Change c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind(c));
        m.put("change", c.describe());
        m.put("undo", c.inverse() == null ? null : c.inverse().describe());
        return m;
    }

    private static String kind(Change c) {
        if (c instanceof Change.Net n) {
            return "net." + n.op().getClass().getSimpleName();
        }
        if (c instanceof SwitchChange) {
            return "switch." + c.getClass().getSimpleName();
        }
        return c.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    /** The changes apply would make, one per line under its step; "nothing to change" when there are none. */
    public String toText() {
        StringBuilder sb = new StringBuilder("plan for spec " + spec + " on host " + host + ": ");
        List<Step> pending = pending();
        if (pending.isEmpty()) {
            return sb.append("nothing to change").toString();
        }
        sb.append(changes().size()).append(" changes in ").append(pending.size()).append(" steps");
        for (Step s : pending) {
            sb.append(System.lineSeparator()).append(s.removal() ? "- " : "+ ").append(s.id()).append(": ")
                    .append(s.description());
            for (Change c : s.changes()) {
                sb.append(System.lineSeparator()).append("    ").append(c.describe());
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("plan for spec " + spec + " on host " + host + " (" + steps.size()
                + " steps)");
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            sb.append(String.format("%n%3d. %-28s %s%s", i + 1, s.id(), s.description(), s.isDone() ? " (done)" : ""));
        }
        return sb.toString();
    }
}
