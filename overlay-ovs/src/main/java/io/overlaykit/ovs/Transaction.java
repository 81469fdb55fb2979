package io.overlaykit.ovs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.overlaykit.ovs.internal.OvsdbData;
import io.overlaykit.ovs.internal.Redaction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable list of OVSDB operations sent as one {@code transact} (RFC 7047 5.2): they commit
 * together or not at all.
 *
 * <pre>{@code
 * NamedUuid iface = NamedUuid.of("iface"), port = NamedUuid.of("port");
 * Transaction tx = Transaction.builder()
 *     .insert("Interface", Row.of(Map.of("name", "veth0")), iface)
 *     .insert("Port", Row.of(Map.of("name", "veth0", "interfaces", iface)), port)
 *     .mutate("Bridge", List.of(Condition.eq("name", "br0")), List.of(Mutation.insert("ports", Set.of(port))))
 *     .build();
 * }</pre>
 */
public final class Transaction {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<String> READ_ONLY_OPS = Set.of("select", "wait", "comment", "assert",
            "commit");

    /** One operation: its JSON, its kind and table (for error messages). */
    record Op(String op, String table, ObjectNode json) {
    }

    private final List<Op> ops;
    private final List<String> secrets;

    private Transaction(List<Op> ops, List<String> secrets) {
        this.ops = List.copyOf(ops);
        this.secrets = List.copyOf(secrets);
    }

    /** A builder of an empty transaction; operations run in the order added. */
    public static Builder builder() {
        return new Builder();
    }

    /** Number of operations. */
    public int size() {
        return ops.size();
    }

    /** The operation kind ({@code insert}, {@code mutate}, ...) at {@code index}. */
    public String op(int index) {
        return ops.get(index).op();
    }

    /** The table of the operation at {@code index}, or null for comment/commit. */
    public String table(int index) {
        return ops.get(index).table();
    }

    /**
     * Whether the transaction only reads: every operation is a {@code select}, {@code wait}, {@code comment},
     * {@code assert} or {@code commit}. A request hook counts it as a read, anything else as a write.
     */
    public boolean isReadOnly() {
        return ops.stream().allMatch(o -> READ_ONLY_OPS.contains(o.op()));
    }

    /** What the transaction does, for logs and request hooks: its comment, or its operations; never a datum. */
    public String describe() {
        for (Op o : ops) {
            if (o.op().equals("comment")) {
                return o.json().path("comment").asText();
            }
        }
        return toString();
    }

    List<Op> ops() {
        return ops;
    }

    /** Secret values (psk) in this transaction, scrubbed from any server error text. */
    List<String> secrets() {
        return secrets;
    }

    /** The {@code params} of a transact request: the database then the operations. */
    ArrayNode params(String database) {
        ArrayNode params = F.arrayNode().add(database);
        ops.forEach(o -> params.add(o.json()));
        return params;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Transaction[");
        for (int i = 0; i < ops.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(ops.get(i).op());
            if (ops.get(i).table() != null) {
                sb.append(' ').append(ops.get(i).table());
            }
        }
        return sb.append(']').toString();
    }

    /** Collects operations in order. */
    public static final class Builder {
        private final List<Op> ops = new ArrayList<>();
        private final List<String> secrets = new ArrayList<>();

        private Builder() {
        }

        private ObjectNode op(String op, String table) {
            ObjectNode o = F.objectNode().put("op", op);
            if (table != null) {
                o.put("table", Objects.requireNonNull(table, "table"));
            }
            ops.add(new Op(op, table, o));
            return o;
        }

        private void collectSecrets(Row row) {
            row.columns().forEach((col, v) -> {
                if (v instanceof Map<?, ?> m) {
                    m.forEach((k, val) -> {
                        if (Redaction.isSecretKey(String.valueOf(k))) {
                            secrets.add(String.valueOf(val));
                        }
                    });
                }
            });
        }

        /** Inserts a row whose uuid other operations may refer to as {@code name}. */
        public Builder insert(String table, Row row, NamedUuid name) {
            collectSecrets(row);
            ObjectNode o = op("insert", table);
            o.set("row", OvsdbData.encodeRow(row));
            if (name != null) {
                o.put("uuid-name", name.name());
            }
            return this;
        }

        /** Inserts {@code row} without a name for other operations to refer to it by. */
        public Builder insert(String table, Row row) {
            return insert(table, row, null);
        }

        /** Sets the given columns of every row matching {@code where}. */
        public Builder update(String table, Collection<Condition> where, Row row) {
            collectSecrets(row);
            ObjectNode o = op("update", table);
            o.set("where", OvsdbData.encodeWhere(where));
            o.set("row", OvsdbData.encodeRow(row));
            return this;
        }

        /** Mutates columns in place: the way to add to or remove from a set or map without rewriting it. */
        public Builder mutate(String table, Collection<Condition> where, Collection<Mutation> mutations) {
            ObjectNode o = op("mutate", table);
            o.set("where", OvsdbData.encodeWhere(where));
            o.set("mutations", OvsdbData.encodeMutations(mutations));
            return this;
        }

        /** Deletes every row of {@code table} matching {@code where} (empty: every row). */
        public Builder delete(String table, Collection<Condition> where) {
            op("delete", table).set("where", OvsdbData.encodeWhere(where));
            return this;
        }

        /** Selects rows; {@code columns} null means all columns. */
        public Builder select(String table, Collection<Condition> where, Collection<String> columns) {
            ObjectNode o = op("select", table);
            o.set("where", OvsdbData.encodeWhere(where));
            if (columns != null) {
                ArrayNode cols = o.putArray("columns");
                columns.forEach(cols::add);
            }
            return this;
        }

        /**
         * Waits until the {@code columns} of the rows matching {@code where} are ({@code until "=="}) or
         * are not ({@code "!="}) exactly {@code rows}; a timeout of 0 makes it a precondition check.
         * A wait that times out fails the transaction with a retryable error.
         */
        public Builder waitFor(String table, Collection<Condition> where, Collection<String> columns,
                               String until, Collection<Row> rows, long timeoutMillis) {
            if (!until.equals("==") && !until.equals("!=")) {
                throw new IllegalArgumentException("until must be == or !=");
            }
            ObjectNode o = op("wait", table);
            o.set("where", OvsdbData.encodeWhere(where));
            ArrayNode cols = o.putArray("columns");
            columns.forEach(cols::add);
            o.put("until", until);
            ArrayNode rs = o.putArray("rows");
            rows.forEach(r -> rs.add(OvsdbData.encodeRow(r)));
            o.put("timeout", timeoutMillis);
            return this;
        }

        /** A comment the server writes to its log. */
        public Builder comment(String text) {
            op("comment", null).put("comment", text);
            return this;
        }

        /** Asks for a durable commit (fsync before the reply). */
        public Builder commit(boolean durable) {
            op("commit", null).put("durable", durable);
            return this;
        }

        /**
         * The transaction.
         * @throws IllegalStateException without an operation
         */
        public Transaction build() {
            if (ops.isEmpty()) {
                throw new IllegalStateException("a transaction needs at least one operation");
            }
            return new Transaction(ops, secrets);
        }
    }
}
