package io.overlaykit.ovs;

import java.util.List;
import java.util.UUID;

/** The results of a committed transaction, one per operation, in order. */
public record TransactResult(List<OperationResult> results) {
    /** Copies {@code results}. */
    public TransactResult {
        results = List.copyOf(results);
    }

    /** The result of operation {@code index}. */
    public OperationResult get(int index) {
        return results.get(index);
    }

    /** The uuid the server gave the row inserted by operation {@code index}. */
    public UUID uuid(int index) {
        return results.get(index).uuid();
    }

    /** The rows selected by operation {@code index}. */
    public List<Row> rows(int index) {
        return results.get(index).rows();
    }

    /** The rows operation {@code index} updated, mutated or deleted (0 for other operations). */
    public long count(int index) {
        Long c = results.get(index).count();
        return c == null ? 0 : c;
    }
}
