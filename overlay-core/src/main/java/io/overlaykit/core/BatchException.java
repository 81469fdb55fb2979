package io.overlaykit.core;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A batch of changes failed part-way. {@link #applied()} says which of the batch's changes took effect
 * (by index), so the caller can undo exactly those: a backend that pipelines requests may have applied
 * changes after the failing one. The cause is the first failure.
 */
public class BatchException extends BackendException {
    private static final long serialVersionUID = 1L;
    /** Indexes of the changes that took effect. */
    private final SortedSet<Integer> applied;
    /** Index of the first change that failed. */
    private final int failedIndex;

    /**
     * A batch failure whose first failure is {@code cause} at {@code failedIndex}; {@code applied} (copied) holds the
     * indexes of the changes that took effect, which may include changes after {@code failedIndex}. Not retryable.
     */
    public BatchException(String message, RuntimeException cause, Set<Integer> applied, int failedIndex) {
        super(message, cause, false);
        this.applied = new TreeSet<>(applied);
        this.failedIndex = failedIndex;
    }

    /** Indexes (into the batch) of the changes that took effect. */
    public SortedSet<Integer> applied() {
        return java.util.Collections.unmodifiableSortedSet(applied);
    }

    /** Index of the change that failed first. */
    public int failedIndex() {
        return failedIndex;
    }
}
