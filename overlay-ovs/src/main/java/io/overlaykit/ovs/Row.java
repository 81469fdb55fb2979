package io.overlaykit.ovs;

import io.overlaykit.ovs.internal.Redaction;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * An immutable OVSDB row: column name to datum. Data have these Java forms, both ways: string
 * {@code String}, integer {@code Long}, real {@code Double}, boolean {@code Boolean}, uuid
 * {@link UUID}, named-uuid {@link NamedUuid}, set {@link Set}, map {@link Map}. A set of one element
 * may arrive as a bare atom (RFC 7047 5.1); the accessors below hide that difference.
 */
public final class Row {
    private final Map<String, Object> columns;

    private Row(Map<String, Object> columns) {
        this.columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    /** A row of these columns and OVSDB data (atoms, sets, maps, named or real UUIDs). */
    public static Row of(Map<String, ?> columns) {
        return new Row(new LinkedHashMap<>(columns));
    }

    /** A row with no columns (a table's defaults when inserted). */
    public static Row empty() {
        return new Row(Map.of());
    }

    /** A copy with {@code column} set to {@code value}. */
    public Row with(String column, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(columns);
        copy.put(column, value);
        return new Row(copy);
    }

    /** The columns, unmodifiable. */
    public Map<String, Object> columns() {
        return columns;
    }

    /** Whether the row carries {@code column} (selected or set). */
    public boolean has(String column) {
        return columns.containsKey(column);
    }

    /** The raw datum, or null when the column is absent. */
    public Object get(String column) {
        return columns.get(column);
    }

    /** The row's {@code _uuid}, or null when not selected. */
    public UUID uuid() {
        Object v = columns.get("_uuid");
        return v instanceof UUID u ? u : null;
    }

    /** A datum as a set: a bare atom becomes a one-element set, an absent column an empty set. */
    public Set<Object> getSet(String column) {
        Object v = columns.get(column);
        if (v == null) {
            return Set.of();
        }
        if (v instanceof Set<?> s) {
            @SuppressWarnings("unchecked")
            Set<Object> set = (Set<Object>) s;
            return set;
        }
        return Set.of(v);
    }

    /** A map column; absent means empty. */
    public Map<Object, Object> getMap(String column) {
        Object v = columns.get(column);
        if (v instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<Object, Object> map = (Map<Object, Object>) m;
            return map;
        }
        return Map.of();
    }

    /** A map column with string keys and values (external_ids, options, other_config). */
    public Map<String, String> getStringMap(String column) {
        Map<String, String> out = new LinkedHashMap<>();
        getMap(column).forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return Collections.unmodifiableMap(out);
    }

    /**
     * A scalar or optional ({@code min 0, max 1}) column: the atom, or null when the column is absent
     * or the empty set.
     */
    public Object getOptional(String column) {
        Object v = columns.get(column);
        if (v instanceof Set<?> s) {
            return s.isEmpty() ? null : s.iterator().next();
        }
        return v;
    }

    /** An optional string column as text, or null when empty or absent. */
    public String getString(String column) {
        Object v = getOptional(column);
        return v == null ? null : v.toString();
    }

    /** An optional integer column, or null when empty, absent or not a number. */
    public Long getLong(String column) {
        Object v = getOptional(column);
        return v instanceof Number n ? n.longValue() : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row r && r.columns.equals(columns);
    }

    @Override
    public int hashCode() {
        return columns.hashCode();
    }

    /** Never prints a column called {@code options} or {@code other_config} verbatim: they may hold a psk. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Row{");
        columns.forEach((k, v) -> sb.append(k).append('=').append(Redaction.redact(k, v)).append(", "));
        if (!columns.isEmpty()) {
            sb.setLength(sb.length() - 2);
        }
        return sb.append('}').toString();
    }
}
