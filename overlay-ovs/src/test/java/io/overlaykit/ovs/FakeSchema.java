package io.overlaykit.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * TEST ONLY: the column types of the fake database (a subset of vswitch.ovsschema in
 * {@code fixtures/vswitch-subset.ovsschema}), enough to keep data in one canonical Java form: an atom for a
 * column of exactly one value, a {@link Set} for other non-map columns, a {@link Map} for maps.
 */
final class FakeSchema {
    record Column(String name, String keyType, String valueType, long min, long max, String refTable) {
        boolean isMap() {
            return valueType != null;
        }

        boolean isAtom() {
            return !isMap() && min == 1 && max == 1;
        }

        Object defaultValue() {
            if (isMap()) {
                return Map.of();
            }
            if (!isAtom()) {
                return Set.of();
            }
            return switch (keyType) {
                case "integer" -> 0L;
                case "real" -> 0.0;
                case "boolean" -> false;
                case "uuid" -> new UUID(0, 0);
                default -> "";
            };
        }

        /** Any datum as a set of atoms (an atom is a set of one; null the empty set). */
        Set<Object> canonicalSet(Object value) {
            if (value == null) {
                return Set.of();
            }
            if (value instanceof Set<?> s) {
                return new LinkedHashSet<>(s);
            }
            return Set.of(value);
        }

        /** {@code value} in canonical form: a bare atom becomes a one-element set where the column is a set. */
        Object canonical(Object value) {
            if (isMap()) {
                return value instanceof Map<?, ?> m ? Collections.unmodifiableMap(new LinkedHashMap<>(m)) : Map.of();
            }
            if (isAtom()) {
                return value instanceof Set<?> s && s.size() == 1 ? s.iterator().next() : value;
            }
            if (value instanceof Set<?> s) {
                return Collections.unmodifiableSet(new LinkedHashSet<>(s));
            }
            return Set.of(value);
        }
    }

    record Table(String name, boolean isRoot, Map<String, Column> columns, List<List<String>> indexes) {
    }

    final Map<String, Table> tables = new LinkedHashMap<>();
    final JsonNode json;

    /** The schema of {@code fixtures/vswitch-subset.ovsschema} without the given {@code Table.column}s. */
    static FakeSchema vswitchWithout(String... dropped) {
        ObjectNode json = (ObjectNode) Fixtures.json("vswitch-subset.ovsschema").deepCopy();
        for (String d : dropped) {
            String[] tc = d.split("\\.");
            ((ObjectNode) json.path("tables").path(tc[0]).path("columns")).remove(tc[1]);
        }
        return new FakeSchema(json);
    }

    private FakeSchema(JsonNode json) {
        this.json = json;
        Iterator<Map.Entry<String, JsonNode>> ts = json.path("tables").properties().iterator();
        while (ts.hasNext()) {
            Map.Entry<String, JsonNode> t = ts.next();
            Map<String, Column> cols = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> cs = t.getValue().path("columns").properties().iterator();
            while (cs.hasNext()) {
                Map.Entry<String, JsonNode> c = cs.next();
                cols.put(c.getKey(), column(c.getKey(), c.getValue().path("type")));
            }
            List<List<String>> indexes = new ArrayList<>();
            t.getValue().path("indexes").forEach(ix -> {
                List<String> cols2 = new ArrayList<>();
                ix.forEach(n -> cols2.add(n.asText()));
                indexes.add(cols2);
            });
            tables.put(t.getKey(), new Table(t.getKey(), t.getValue().path("isRoot").asBoolean(false), cols, indexes));
        }
    }

    private static Column column(String name, JsonNode type) {
        if (type.isTextual()) {
            return new Column(name, type.asText(), null, 1, 1, null);
        }
        JsonNode key = type.path("key");
        String keyType = key.isTextual() ? key.asText() : key.path("type").asText();
        String ref = key.isObject() && key.has("refTable") ? key.get("refTable").asText() : null;
        JsonNode value = type.path("value");
        String valueType = value.isMissingNode() ? null : value.isTextual() ? value.asText() : value.path("type").asText();
        long min = type.path("min").asLong(1);
        JsonNode max = type.path("max");
        long maxN = max.isMissingNode() ? 1 : max.isTextual() ? Long.MAX_VALUE : max.asLong();
        return new Column(name, keyType, valueType, min, maxN, ref);
    }

    Column column(String table, String column) {
        Table t = tables.get(table);
        Column c = t == null ? null : t.columns().get(column);
        if (c == null && column.equals("_uuid")) {
            return new Column("_uuid", "uuid", null, 1, 1, null);
        }
        return c;
    }
}
