package io.overlaykit.core.plan;

import java.time.Duration;

/**
 * Follows an apply step by step, for progress displays. A listener that throws from
 * {@link #stepStarted} aborts the apply as if the step had failed (tests inject faults this way).
 */
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {
    };

    /** The step is about to run; throwing here aborts the apply as if the step had failed. */
    default void stepStarted(Step step) {
    }

    /** The step finished; {@code changed} is false when the system already was as the step leaves it. */
    default void stepFinished(Step step, boolean changed, Duration took) {
    }

    /** The step was undone during a rollback. */
    default void stepUndone(Step step, Duration took) {
    }

    /** The step failed (or its undo did, during a rollback). */
    default void stepFailed(Step step, Throwable error) {
    }
}
