package io.overlaykit.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import io.overlaykit.ovs.internal.OvsdbData;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Applies {@code update} (table-updates, RFC 7047 4.1.6) and {@code update2} (table-updates2, the
 * monitor_cond diff format of ovsdb-server(7)) notifications to a {@link TableCache}.
 */
final class CacheUpdater {
    private CacheUpdater() {
    }

    /** {@code {table: {uuid: {"old": row, "new": row}}}}, as one atomic edit. */
    static void applyUpdate(TableCache cache, JsonNode tableUpdates) {
        cache.edit(e -> applyUpdate(e, tableUpdates));
    }

    /** As above, inside an edit that is already running (a monitor's initial rows after a clear). */
    static void applyUpdate(TableCache.Editor cache, JsonNode tableUpdates) {
        forEachRow(tableUpdates, (table, uuid, change) -> {
            JsonNode now = change.get("new");
            if (now == null || now.isNull()) {
                cache.remove(table, uuid);
                return;
            }
            Row incoming = OvsdbData.decodeRow(now);
            Row old = cache.get(table, uuid);
            // "new" carries every monitored column, but merging keeps anything else we held.
            Map<String, Object> merged = new LinkedHashMap<>(old == null ? Map.of() : old.columns());
            merged.putAll(incoming.columns());
            cache.put(table, uuid, Row.of(merged));
        });
    }

    /** {@code {table: {uuid: {"initial"|"insert"|"modify"|"delete": row}}}}, as one atomic edit. */
    static void applyUpdate2(TableCache cache, DatabaseSchema schema, JsonNode tableUpdates) {
        cache.edit(e -> applyUpdate2(e, schema, tableUpdates));
    }

    /** As above, inside an edit that is already running. */
    static void applyUpdate2(TableCache.Editor cache, DatabaseSchema schema, JsonNode tableUpdates) {
        forEachRow(tableUpdates, (table, uuid, change) -> {
            if (change.has("delete")) {
                cache.remove(table, uuid);
                return;
            }
            JsonNode row = change.has("initial") ? change.get("initial") : change.get("insert");
            if (row != null) {
                cache.put(table, uuid, OvsdbData.decodeRow(row));
                return;
            }
            JsonNode modify = change.get("modify");
            if (modify != null) {
                Row old = cache.get(table, uuid);
                Map<String, Object> cols = new LinkedHashMap<>(old == null ? Map.of() : old.columns());
                Row diff = OvsdbData.decodeRow(modify);
                diff.columns().forEach((col, d) -> cols.put(col,
                        applyDiff(schema == null ? null : schema.shape(table, col), old, col, d)));
                cache.put(table, uuid, Row.of(cols));
            }
        });
    }

    /**
     * A diff replaces an atom and an optional value (ovsdb-server sends the new value of a set of at most one
     * element, {@code ["set", []]} when it was cleared), toggles set elements (symmetric difference), and for maps
     * removes a key whose value matches, otherwise inserts or replaces the pair.
     */
    static Object applyDiff(DatabaseSchema.Shape shape, Row old, String column, Object diff) {
        DatabaseSchema.Shape s = shape != null ? shape
                : diff instanceof Map ? DatabaseSchema.Shape.MAP
                : diff instanceof Set ? DatabaseSchema.Shape.SET : DatabaseSchema.Shape.ATOM;
        switch (s) {
            case SET: {
                Set<Object> out = new LinkedHashSet<>(old == null ? Set.of() : old.getSet(column));
                Set<Object> d = diff instanceof Set<?> ds ? new LinkedHashSet<>(ds) : Set.of(diff);
                for (Object e : d) {
                    if (!out.remove(e)) {
                        out.add(e);
                    }
                }
                return Set.copyOf(out);
            }
            case MAP: {
                Map<Object, Object> out = new LinkedHashMap<>(old == null ? Map.of() : old.getMap(column));
                if (diff instanceof Map<?, ?> dm) {
                    dm.forEach((k, v) -> {
                        if (out.containsKey(k) && Objects.equals(out.get(k), v)) {
                            out.remove(k);
                        } else {
                            out.put(k, v);
                        }
                    });
                }
                return Map.copyOf(out);
            }
            default:
                return diff;
        }
    }

    private interface RowChange {
        void apply(String table, UUID uuid, JsonNode change);
    }

    private static void forEachRow(JsonNode tableUpdates, RowChange fn) {
        Iterator<Map.Entry<String, JsonNode>> tables = tableUpdates.properties().iterator();
        while (tables.hasNext()) {
            Map.Entry<String, JsonNode> t = tables.next();
            Iterator<Map.Entry<String, JsonNode>> rows = t.getValue().properties().iterator();
            while (rows.hasNext()) {
                Map.Entry<String, JsonNode> r = rows.next();
                fn.apply(t.getKey(), UUID.fromString(r.getKey()), r.getValue());
            }
        }
    }
}
