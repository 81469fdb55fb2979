package io.overlaykit.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.overlaykit.ovs.internal.OvsdbData;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * TEST ONLY: one {@code monitor_cond} of a fake connection: its tables and columns, the initial rows, and each
 * commit as a {@code table-updates2} object ({@code insert}, {@code modify} as a diff, {@code delete}), the way
 * ovsdb-server(7) describes them: a set's diff is the symmetric difference, an optional value's (a set of at most
 * one) is its new value ({@code ["set", []]} when cleared, as ovsdb-server 3.1 sends it), a map's diff holds the
 * removed pairs, the added pairs and the changed keys with their new values.
 */
final class FakeMonitor {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    final String id;
    private final Map<String, List<String>> columns = new LinkedHashMap<>();
    private final FakeSchema schema;

    /** {@code requests}: {@code {table: [{"columns": [...]}] | {"columns": [...]}}}. */
    FakeMonitor(String id, JsonNode requests, FakeSchema schema) {
        this.id = id;
        this.schema = schema;
        Iterator<Map.Entry<String, JsonNode>> it = requests.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> t = it.next();
            JsonNode req = t.getValue().isArray() ? t.getValue().get(0) : t.getValue();
            List<String> cols = new ArrayList<>();
            if (req.has("columns")) {
                req.get("columns").forEach(c -> cols.add(c.asText()));
                for (String c : cols) {
                    if (schema.column(t.getKey(), c) == null) {
                        throw new IllegalArgumentException(c + " is not a valid column name"); // as ovsdb-server
                    }
                }
            } else {
                cols.addAll(schema.tables.get(t.getKey()).columns().keySet());
            }
            columns.put(t.getKey(), cols);
        }
    }

    ObjectNode initial(FakeOvsdb db) {
        ObjectNode out = F.objectNode();
        columns.forEach((table, cols) -> {
            ObjectNode rows = F.objectNode();
            db.table(table).forEach((u, row) -> rows.set(u.toString(),
                    F.objectNode().set("initial", FakeOvsdb.encode(u, row, cols))));
            if (!rows.isEmpty()) {
                out.set(table, rows);
            }
        });
        return out;
    }

    /** The notification's table-updates2 for {@code changes}, or null when none concerns this monitor. */
    ObjectNode update(List<FakeOvsdb.RowChange> changes) {
        ObjectNode out = F.objectNode();
        for (FakeOvsdb.RowChange c : changes) {
            List<String> cols = columns.get(c.table());
            if (cols == null) {
                continue;
            }
            ObjectNode change;
            if (c.now() == null) {
                change = F.objectNode().putNull("delete");
            } else if (c.old() == null) {
                change = F.objectNode().set("insert", FakeOvsdb.encode(c.uuid(), c.now(), cols));
            } else {
                ObjectNode diff = F.objectNode();
                for (String col : cols) {
                    Object d = diff(c.table(), col, c.old().get(col), c.now().get(col));
                    if (d != null) {
                        diff.set(col, OvsdbData.encode(d));
                    }
                }
                if (diff.isEmpty()) {
                    continue; // only columns this monitor does not watch changed
                }
                change = F.objectNode().set("modify", diff);
            }
            JsonNode rows = out.get(c.table());
            if (rows == null) {
                rows = out.putObject(c.table());
            }
            ((ObjectNode) rows).set(c.uuid().toString(), change);
        }
        return out.isEmpty() ? null : out;
    }

    private Object diff(String table, String column, Object old, Object now) {
        if (Objects.equals(old, now)) {
            return null;
        }
        FakeSchema.Column col = schema.column(table, column);
        if (col.isMap()) {
            Map<Object, Object> d = new LinkedHashMap<>();
            Map<?, ?> o = (Map<?, ?>) old;
            Map<?, ?> n = (Map<?, ?>) now;
            o.forEach((k, v) -> {
                if (!n.containsKey(k)) {
                    d.put(k, v);
                }
            });
            n.forEach((k, v) -> {
                if (!Objects.equals(o.get(k), v)) {
                    d.put(k, v);
                }
            });
            return d;
        }
        if (col.isAtom()) {
            return now;
        }
        if (col.max() == 1) {
            return col.canonicalSet(now); // an optional value: ovsdb-server sends the new one (["set", []] when cleared)
        }
        Set<Object> d = new LinkedHashSet<>(col.canonicalSet(old));
        for (Object e : col.canonicalSet(now)) {
            if (!d.remove(e)) {
                d.add(e);
            }
        }
        return d;
    }
}
