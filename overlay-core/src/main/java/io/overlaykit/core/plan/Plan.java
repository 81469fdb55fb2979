package io.overlaykit.core.plan;

import java.util.List;

/**
 * One host's part of a spec as ordered steps. {@link #toString()} prints the plan, one numbered step per
 * line, so {@code Overlay.plan(host)} reads well in jshell.
 */
public record Plan(String spec, String host, List<Step> steps) {

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

    /** A structure of maps, lists and strings, ready for a JSON writer. */
    public java.util.Map<String, Object> toMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("spec", spec);
        m.put("host", host);
        m.put("steps", steps.stream().map(s -> java.util.Map.of("id", s.id(), "description", s.description()))
                .toList());
        return m;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("plan for spec " + spec + " on host " + host + " (" + steps.size()
                + " steps)");
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            sb.append(String.format("%n%3d. %-28s %s", i + 1, s.id(), s.description()));
        }
        return sb.toString();
    }
}
