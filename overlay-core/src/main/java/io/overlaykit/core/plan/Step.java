package io.overlaykit.core.plan;

import java.util.List;
import java.util.Objects;

/**
 * One step of a host's plan: a stable id ({@code veth podA}), what it is about, and the changes it needs
 * on this host, computed from what the host holds now. A step with no changes is already done; a step
 * that removes something the spec no longer has is a {@code removal} (status reports it as extra, and it
 * cannot be undone).
 */
public record Step(String id, String description, List<Change> changes, boolean removal) {

    /** Requires {@code id} and {@code description}; copies {@code changes}. */
    public Step {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(description, "description");
        changes = List.copyOf(changes);
    }

    /** A step that brings the host towards the spec. */
    public static Step of(String id, String description, List<? extends Change> changes) {
        return new Step(id, description, List.copyOf(changes), false);
    }

    /** A step that removes an object of ours the spec no longer has. */
    public static Step removal(String id, String description, List<? extends Change> changes) {
        return new Step(id, description, List.copyOf(changes), true);
    }

    /** True when the host already is as this step leaves it. */
    public boolean isDone() {
        return changes.isEmpty();
    }

    @Override
    public String toString() {
        return id + ": " + description + (isDone() ? " (done)" : " (" + changes.size() + " changes)");
    }
}
