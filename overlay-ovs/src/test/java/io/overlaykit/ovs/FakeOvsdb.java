package io.overlaykit.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.overlaykit.ovs.internal.OvsdbData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * TEST ONLY: an in-memory OVSDB database with the semantics OvsSwitch relies on: transact with insert, select,
 * update, mutate, delete, wait (timeout 0), comment; named uuids; at commit, garbage collection of unreferenced
 * rows of non-root tables, referential integrity and unique indexes; subscribers told of every committed change
 * (the server turns them into monitor notifications). {@link FakeVswitchd} plays ovs-vswitchd on top.
 */
final class FakeOvsdb {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** One committed row change; {@code old} null: inserted, {@code now} null: deleted. */
    record RowChange(String table, UUID uuid, Map<String, Object> old, Map<String, Object> now) {
    }

    /** Told of every commit, with who made it ({@code origin}, null for the test itself). */
    interface Subscriber {
        void committed(List<RowChange> changes, Object origin);
    }

    private static final class OpError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String error;

        OpError(String error, String details) {
            super(details);
            this.error = error;
        }
    }

    final FakeSchema schema;
    private Map<String, Map<UUID, Map<String, Object>>> tables = new LinkedHashMap<>();
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    /** Counts client transactions (not the test's own writes). */
    volatile int clientTransactions;

    FakeOvsdb(FakeSchema schema) {
        this.schema = schema;
        schema.tables.keySet().forEach(t -> tables.put(t, new LinkedHashMap<>()));
        commit(Transaction.builder().insert("Open_vSwitch", Row.empty()).build());
    }

    void subscribe(Subscriber s) {
        subscribers.add(s);
    }

    void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    /** The committed rows of {@code table}, each with {@code _uuid}. */
    synchronized List<Map<String, Object>> rows(String table) {
        List<Map<String, Object>> out = new ArrayList<>();
        tables.get(table).forEach((u, r) -> {
            Map<String, Object> row = new LinkedHashMap<>(r);
            row.put("_uuid", u);
            out.add(row);
        });
        return out;
    }

    /** The committed row of {@code table} whose name is {@code name}, or null. */
    synchronized Map<String, Object> byName(String table, String name) {
        return rows(table).stream().filter(r -> name.equals(r.get("name"))).findFirst().orElse(null);
    }

    /** The test's own write, as another client would make it; fails the test if the server would refuse it. */
    TransactResult commit(Transaction tx) {
        JsonNode reply = transact(tx.params("Open_vSwitch"), null);
        return ResultParser.parse(tx, reply, "fake", "Open_vSwitch");
    }

    /** {@code params} of a transact request ({@code [db, op...]}); the result array, errors included. */
    synchronized ArrayNode transact(JsonNode params, Object origin) {
        if (origin != null) {
            clientTransactions++;
        }
        Map<String, Map<UUID, Map<String, Object>>> work = new LinkedHashMap<>();
        tables.forEach((t, rows) -> work.put(t, new LinkedHashMap<>(rows)));
        Map<String, UUID> named = new HashMap<>();
        ArrayNode results = F.arrayNode();
        int n = params.size() - 1;
        for (int i = 1; i <= n; i++) {
            try {
                results.add(execute(work, params.get(i), named));
            } catch (OpError e) {
                results.add(error(e));
                for (int j = i + 1; j <= n; j++) {
                    results.addNull();
                }
                return results;
            }
        }
        try {
            collectGarbage(work);
            checkIntegrity(work);
        } catch (OpError e) {
            results.add(error(e));
            return results;
        }
        List<RowChange> changes = diff(tables, work);
        tables = work;
        if (!changes.isEmpty()) {
            subscribers.forEach(s -> s.committed(changes, origin));
        }
        return results;
    }

    /** The committed contents of {@code table} (for a monitor's initial rows). */
    synchronized Map<UUID, Map<String, Object>> table(String table) {
        return new LinkedHashMap<>(tables.get(table));
    }

    private static ObjectNode error(OpError e) {
        ObjectNode o = F.objectNode().put("error", e.error);
        if (e.getMessage() != null) {
            o.put("details", e.getMessage());
        }
        return o;
    }

    private JsonNode execute(Map<String, Map<UUID, Map<String, Object>>> work, JsonNode op, Map<String, UUID> named) {
        String kind = op.path("op").asText();
        String table = op.path("table").asText(null);
        if (table != null && !work.containsKey(table)) {
            throw new OpError("unknown table", table);
        }
        switch (kind) {
            case "insert": {
                UUID uuid = UUID.randomUUID();
                if (op.has("uuid-name")) {
                    named.put(op.get("uuid-name").asText(), uuid);
                }
                Map<String, Object> row = new LinkedHashMap<>();
                schema.tables.get(table).columns().values().forEach(c -> row.put(c.name(), c.defaultValue()));
                set(table, row, OvsdbData.decodeRow(op.path("row")), named);
                work.get(table).put(uuid, Map.copyOf(row));
                return F.objectNode().set("uuid", OvsdbData.encode(uuid));
            }
            case "select": {
                ArrayNode rows = F.arrayNode();
                for (Map.Entry<UUID, Map<String, Object>> e : matching(work, table, op.path("where"), named)) {
                    rows.add(encode(e.getKey(), e.getValue(), columns(op, table)));
                }
                return F.objectNode().set("rows", rows);
            }
            case "update":
            case "mutate": {
                List<Map.Entry<UUID, Map<String, Object>>> rows = matching(work, table, op.path("where"), named);
                for (Map.Entry<UUID, Map<String, Object>> e : rows) {
                    Map<String, Object> row = new LinkedHashMap<>(e.getValue());
                    if (kind.equals("update")) {
                        set(table, row, OvsdbData.decodeRow(op.path("row")), named);
                    } else {
                        op.path("mutations").forEach(m -> mutate(table, row, m, named));
                    }
                    work.get(table).put(e.getKey(), Map.copyOf(row));
                }
                return F.objectNode().put("count", rows.size());
            }
            case "delete": {
                List<Map.Entry<UUID, Map<String, Object>>> rows = matching(work, table, op.path("where"), named);
                rows.forEach(e -> work.get(table).remove(e.getKey()));
                return F.objectNode().put("count", rows.size());
            }
            case "wait": {
                if (op.path("timeout").asLong(-1) != 0) {
                    throw new OpError("not supported", "the fake only waits with timeout 0");
                }
                List<String> cols = columns(op, table);
                Set<Map<String, Object>> have = new HashSet<>();
                for (Map.Entry<UUID, Map<String, Object>> e : matching(work, table, op.path("where"), named)) {
                    have.add(project(e.getKey(), e.getValue(), cols));
                }
                Set<Map<String, Object>> want = new HashSet<>();
                for (JsonNode r : op.path("rows")) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    OvsdbData.decodeRow(r).columns().forEach((c, v) ->
                            row.put(c, schema.column(table, c).canonical(resolve(v, named))));
                    want.add(row);
                }
                boolean equal = have.equals(want);
                if (equal != op.path("until").asText().equals("==")) {
                    throw new OpError("timed out", "wait on " + table + " not satisfied");
                }
                return F.objectNode();
            }
            case "comment":
            case "commit":
            case "assert":
                return F.objectNode();
            default:
                throw new OpError("unknown operation", kind);
        }
    }

    private List<String> columns(JsonNode op, String table) {
        List<String> cols = new ArrayList<>();
        if (op.has("columns")) {
            op.get("columns").forEach(c -> cols.add(c.asText()));
        } else {
            cols.add("_uuid");
            cols.addAll(schema.tables.get(table).columns().keySet());
        }
        return cols;
    }

    private void set(String table, Map<String, Object> row, Row given, Map<String, UUID> named) {
        given.columns().forEach((c, v) -> {
            FakeSchema.Column col = schema.column(table, c);
            if (col == null) {
                throw new OpError("syntax error", "unknown column " + table + "." + c);
            }
            row.put(c, col.canonical(resolve(v, named)));
        });
    }

    private void mutate(String table, Map<String, Object> row, JsonNode m, Map<String, UUID> named) {
        String c = m.get(0).asText();
        String mutator = m.get(1).asText();
        Object value = resolve(OvsdbData.decode(m.get(2)), named);
        FakeSchema.Column col = schema.column(table, c);
        Object cur = row.get(c);
        if (mutator.equals("+=") || mutator.equals("-=")) {
            long d = ((Number) value).longValue();
            row.put(c, ((Number) cur).longValue() + (mutator.equals("+=") ? d : -d));
        } else if (col.isMap()) {
            Map<Object, Object> out = new LinkedHashMap<>((Map<?, ?>) cur);
            if (mutator.equals("insert")) {
                ((Map<?, ?>) value).forEach(out::putIfAbsent);
            } else if (value instanceof Map<?, ?> pairs) {
                pairs.forEach(out::remove);
            } else {
                col.canonicalSet(value).forEach(out::remove);
            }
            row.put(c, Map.copyOf(out));
        } else {
            Set<Object> out = new LinkedHashSet<>(col.canonicalSet(cur));
            Set<Object> d = col.canonicalSet(value);
            if (mutator.equals("insert")) {
                out.addAll(d);
            } else {
                out.removeAll(d);
            }
            row.put(c, col.canonical(out));
        }
    }

    private List<Map.Entry<UUID, Map<String, Object>>> matching(Map<String, Map<UUID, Map<String, Object>>> work,
            String table, JsonNode where, Map<String, UUID> named) {
        List<Map.Entry<UUID, Map<String, Object>>> out = new ArrayList<>();
        for (Map.Entry<UUID, Map<String, Object>> e : work.get(table).entrySet()) {
            boolean all = true;
            for (JsonNode cond : where) {
                String c = cond.get(0).asText();
                FakeSchema.Column col = schema.column(table, c);
                Object have = c.equals("_uuid") ? e.getKey() : e.getValue().get(c);
                Object want = col.canonical(resolve(OvsdbData.decode(cond.get(2)), named));
                all &= test(cond.get(1).asText(), have, want);
            }
            if (all) {
                out.add(e);
            }
        }
        return out;
    }

    private static boolean test(String fn, Object have, Object want) {
        switch (fn) {
            case "==":
                return Objects.equals(have, want);
            case "!=":
                return !Objects.equals(have, want);
            case "includes":
            case "excludes": {
                boolean inc = fn.equals("includes");
                if (have instanceof Map<?, ?> hm) {
                    return ((Map<?, ?>) want).entrySet().stream().allMatch(w ->
                            Objects.equals(hm.get(w.getKey()), w.getValue()) == inc);
                }
                return ((Set<?>) want).stream().allMatch(w -> ((Set<?>) have).contains(w) == inc);
            }
            default:
                throw new OpError("not supported", "function " + fn);
        }
    }

    private static Object resolve(Object v, Map<String, UUID> named) {
        if (v instanceof NamedUuid n) {
            UUID u = named.get(n.name());
            if (u == null) {
                throw new OpError("unknown named-uuid", n.name());
            }
            return u;
        }
        if (v instanceof Set<?> s) {
            Set<Object> out = new LinkedHashSet<>();
            s.forEach(x -> out.add(resolve(x, named)));
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(resolve(k, named), resolve(x, named)));
            return out;
        }
        return v;
    }

    private static Map<String, Object> project(UUID uuid, Map<String, Object> row, List<String> cols) {
        Map<String, Object> out = new LinkedHashMap<>();
        cols.forEach(c -> out.put(c, c.equals("_uuid") ? uuid : row.get(c)));
        return out;
    }

    static ObjectNode encode(UUID uuid, Map<String, Object> row, List<String> cols) {
        return OvsdbData.encodeRow(Row.of(project(uuid, row, cols)));
    }

    /** Deletes rows of non-root tables that no root-reachable row references (strong references only). */
    private void collectGarbage(Map<String, Map<UUID, Map<String, Object>>> work) {
        Set<UUID> reachable = new HashSet<>();
        List<UUID> queue = new ArrayList<>();
        Map<UUID, String> tableOf = new HashMap<>();
        work.forEach((t, rows) -> rows.keySet().forEach(u -> tableOf.put(u, t)));
        work.forEach((t, rows) -> {
            if (schema.tables.get(t).isRoot()) {
                queue.addAll(rows.keySet());
            }
        });
        while (!queue.isEmpty()) {
            UUID u = queue.remove(queue.size() - 1);
            String t = tableOf.get(u);
            if (t == null || !reachable.add(u)) {
                continue;
            }
            for (UUID ref : references(t, work.get(t).get(u))) {
                queue.add(ref);
            }
        }
        work.forEach((t, rows) -> rows.keySet().removeIf(u -> !reachable.contains(u)));
    }

    private void checkIntegrity(Map<String, Map<UUID, Map<String, Object>>> work) {
        for (Map.Entry<String, Map<UUID, Map<String, Object>>> t : work.entrySet()) {
            for (Map<String, Object> row : t.getValue().values()) {
                for (UUID ref : references(t.getKey(), row)) {
                    if (work.values().stream().noneMatch(rows -> rows.containsKey(ref))) {
                        throw new OpError("referential integrity violation", "reference to missing row " + ref);
                    }
                }
            }
            for (List<String> index : schema.tables.get(t.getKey()).indexes()) {
                Set<List<Object>> seen = new HashSet<>();
                for (Map<String, Object> row : t.getValue().values()) {
                    if (!seen.add(index.stream().map(row::get).toList())) {
                        throw new OpError("constraint violation", "duplicate " + index + " in " + t.getKey());
                    }
                }
            }
        }
    }

    private List<UUID> references(String table, Map<String, Object> row) {
        List<UUID> out = new ArrayList<>();
        schema.tables.get(table).columns().values().stream().filter(c -> c.refTable() != null).forEach(c ->
                c.canonicalSet(row.get(c.name())).forEach(v -> out.add((UUID) v)));
        return out;
    }

    private static List<RowChange> diff(Map<String, Map<UUID, Map<String, Object>>> before,
                                        Map<String, Map<UUID, Map<String, Object>>> after) {
        List<RowChange> out = new ArrayList<>();
        for (String t : after.keySet()) {
            Map<UUID, Map<String, Object>> b = before.get(t);
            Map<UUID, Map<String, Object>> a = after.get(t);
            a.forEach((u, row) -> {
                Map<String, Object> old = b.get(u);
                if (!row.equals(old)) {
                    out.add(new RowChange(t, u, old, row));
                }
            });
            b.forEach((u, row) -> {
                if (!a.containsKey(u)) {
                    out.add(new RowChange(t, u, row, null));
                }
            });
        }
        return out;
    }
}
