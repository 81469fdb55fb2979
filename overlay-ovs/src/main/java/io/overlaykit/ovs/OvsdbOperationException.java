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
    /** See {@link #opIndex()}. */
    private final int opIndex;
    /** See {@link #op()}. */
    private final String op;
    /** See {@link #table()}. */
    private final String table;
    /** See {@link #error()}. */
    private final String error;
    /** See {@link #details()}. */
    private final String details;

    /**
     * The failure of operation {@code opIndex} ({@code op} on {@code table}; both null for a commit-time failure)
     * of a transaction on {@code database} at {@code remote}, with the server's {@code error} and {@code details}
     * (may be null).
     */
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

    /** Index of the failing operation in the transaction, or the number of operations for a commit-time failure. */
    public int opIndex() {
        return opIndex;
    }

    /** The failing operation's kind ({@code insert}, {@code wait}, ...), or null for a commit-time failure. */
    public String op() {
        return op;
    }

    /** The failing operation's table, or null when it has none or the commit failed. */
    public String table() {
        return table;
    }

    /** The server's error string, e.g. {@code constraint violation}, {@code timed out}. */
    public String error() {
        return error;
    }

    /** The server's explanation, or null when it sent none. */
    public String details() {
        return details;
    }
}
