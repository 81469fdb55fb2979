package io.overlaykit.ovs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which tables and columns to mirror into the {@link TableCache}, and whether to use
 * {@code monitor_cond} (RFC 7047 extension: updates as diffs, optional row conditions) or the plain
 * {@code monitor}. Columns or tables the server does not have are left out, with a log line.
 */
public final class MonitorRequest {
    /** One monitored table: its columns (empty: all) and, for monitor_cond, conditions (empty: all rows). */
    public record TableSpec(String table, List<String> columns, List<Condition> where) {
        /** Requires {@code table}; copies {@code columns} and {@code where}. */
        public TableSpec {
            Objects.requireNonNull(table, "table");
            columns = List.copyOf(columns);
            where = List.copyOf(where);
        }
    }

    private final Map<String, TableSpec> tables;
    private final boolean conditional;

    private MonitorRequest(Map<String, TableSpec> tables, boolean conditional) {
        this.tables = Map.copyOf(tables);
        this.conditional = conditional;
    }

    /** A builder for a {@code monitor_cond} request (see {@link Builder#conditional(boolean)}). */
    public static Builder builder() {
        return new Builder();
    }

    /** The monitored tables (a new list, in no particular order). */
    public List<TableSpec> tables() {
        return new ArrayList<>(tables.values());
    }

    /** True for {@code monitor_cond}, false for the plain {@code monitor}. */
    public boolean conditional() {
        return conditional;
    }

    @Override
    public String toString() {
        return (conditional ? "monitor_cond" : "monitor") + tables.keySet();
    }

    /** Builds a request. */
    public static final class Builder {
        private final Map<String, TableSpec> tables = new LinkedHashMap<>();
        private boolean conditional = true;

        private Builder() {
        }

        /** Monitors {@code columns} of {@code table} (none given: every column). */
        public Builder table(String table, String... columns) {
            tables.put(table, new TableSpec(table, List.of(columns), List.of()));
            return this;
        }

        /** Monitors only the rows matching {@code where} (monitor_cond only). */
        public Builder table(String table, List<String> columns, List<Condition> where) {
            tables.put(table, new TableSpec(table, columns, where));
            return this;
        }

        /** True (default) for {@code monitor_cond}, false for the plain {@code monitor}. */
        public Builder conditional(boolean conditional) {
            this.conditional = conditional;
            return this;
        }

        /**
         * The request.
         * @throws IllegalStateException without a table, or with row conditions on a plain {@code monitor}
         */
        public MonitorRequest build() {
            if (tables.isEmpty()) {
                throw new IllegalStateException("a monitor needs at least one table");
            }
            for (TableSpec t : tables.values()) {
                if (!conditional && !t.where().isEmpty()) {
                    throw new IllegalStateException("conditions on " + t.table() + " need monitor_cond");
                }
            }
            return new MonitorRequest(tables, conditional);
        }
    }
}
