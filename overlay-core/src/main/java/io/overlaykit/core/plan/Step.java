package io.overlaykit.core.plan;

/**
 * One step of a host's plan: an action with its inverse and a way to tell whether the system is already
 * in the state it produces (which makes apply idempotent and gives {@code status} its drift list).
 */
public interface Step {

    /** Short stable identifier, e.g. {@code veth podA}. */
    String id();

    /** What the step does, with the concrete names, e.g. {@code veth okvpodA-1b2c3d <-> eth0 in demo-podA}. */
    String description();

    /** Whether the system already is as this step would leave it. */
    boolean isDone();

    /** Makes the change. */
    void apply();

    /** Reverts what the last {@link #apply()} changed. */
    void undo();

    /** Whether {@link #undo()} can revert the step (removals of leftovers cannot). */
    default boolean reversible() {
        return true;
    }

    /** Starts a step built from lambdas. */
    static Steps.Builder named(String id, String description) {
        return new Steps.Builder(id, description);
    }
}
