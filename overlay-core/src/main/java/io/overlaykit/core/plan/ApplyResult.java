package io.overlaykit.core.plan;

import java.time.Duration;
import java.util.List;

/** What an apply did on one host: per step whether it changed something, and how long it took. */
public record ApplyResult(String spec, String host, List<StepOutcome> steps, Duration took) {

    /**
     * One step's outcome: {@code started} is when the step began, counted from the start of the apply, and
     * {@code took} how long it ran until it finished. Steps of one batch start and finish together, so the
     * wall time of a phase is the span from its first start to its last finish, not the sum of its steps.
     */
    public record StepOutcome(String id, String description, boolean changed, Duration started, Duration took) {
        /** An outcome that does not say when it started (zero). */
        public StepOutcome(String id, String description, boolean changed, Duration took) {
            this(id, description, changed, Duration.ZERO, took);
        }

        @Override
        public String toString() {
            return (changed ? "changed   " : "unchanged ") + id + " (" + took.toMillis() + " ms)";
        }
    }

    /** Copies {@code steps}. */
    public ApplyResult {
        steps = List.copyOf(steps);
    }

    /** How many steps changed something. */
    public long changed() {
        return steps.stream().filter(StepOutcome::changed).count();
    }

    /** How many steps found the host already as they leave it. */
    public long unchanged() {
        return steps.size() - changed();
    }

    /** True when the host was already as the spec says. */
    public boolean isUnchanged() {
        return changed() == 0;
    }

    /** Ids of the steps that changed something. */
    public List<String> changedSteps() {
        return steps.stream().filter(StepOutcome::changed).map(StepOutcome::id).toList();
    }

    /** A structure of maps, lists, strings and numbers, ready for a JSON writer. */
    public java.util.Map<String, Object> toMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("spec", spec);
        m.put("host", host);
        m.put("changed", changed());
        m.put("unchanged", unchanged());
        m.put("millis", took.toMillis());
        m.put("steps", steps.stream().map(o -> {
            java.util.Map<String, Object> s = new java.util.LinkedHashMap<>();
            s.put("id", o.id());
            s.put("changed", o.changed());
            s.put("millis", o.took().toMillis());
            return s;
        }).toList());
        return m;
    }

    @Override
    public String toString() {
        return "spec " + spec + " on host " + host + ": " + (isUnchanged() ? "nothing to change, "
                : changed() + " changed, ") + unchanged() + " unchanged, " + took.toMillis() + " ms";
    }
}
