package io.overlaykit.ovs;

import java.util.List;
import java.util.UUID;

/**
 * The result of one successful operation: {@code uuid} for insert, {@code count} for update, mutate
 * and delete, {@code rows} for select; the other fields are null (rows: empty).
 */
public record OperationResult(UUID uuid, Long count, List<Row> rows) {
    /** Copies {@code rows}; null is empty. */
    public OperationResult {
        rows = rows == null ? List.of() : List.copyOf(rows);
    }
}
