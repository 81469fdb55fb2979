package io.overlaykit.ovs;

import io.overlaykit.core.BackendException;

/**
 * ovsdb-server rejected a transaction. Names the failing operation (index, kind, table), the server's
 * {@code error} and {@code details}. Retryable for a {@code wait} that timed out and for {@code canceled}.
 * An error after the last operation ({@code opIndex == size}) is a commit-time failure such as a
 * referential integrity violation; then {@link #op()} is null.
 */
public final class OvsdbOperationException extends BackendException {
    private static final long serialVersionUID = 1L;
    private final int opIndex;
    private final String op;
    private final String table;
    private final String error;
    private final String details;

    public OvsdbOperationException(String remote, String database, int opIndex, String op, String table,
                                   String error, String details, boolean retryable) {
        super(message(remote, database, opIndex, op, table, error, details), null, retryable);
        this.opIndex = opIndex;
        this.op = op;
        this.table = table;
        this.error = error;
        this.details = details;
    }

    private static String message(String remote, String database, int opIndex, String op, String table,
                                  String error, String details) {
        String where = op == null ? "commit of transaction" : "operation " + opIndex + " (" + op
                + (table == null ? "" : " " + table) + ")";
        return "ovsdb " + remote + " database " + database + ": " + where + " failed: " + error
                + (details == null || details.isEmpty() ? "" : ": " + details);
    }

    public int opIndex() {
        return opIndex;
    }

    public String op() {
        return op;
    }

    public String table() {
        return table;
    }

    /** The server's error string, e.g. {@code constraint violation}, {@code timed out}. */
    public String error() {
        return error;
    }

    public String details() {
        return details;
    }
}
