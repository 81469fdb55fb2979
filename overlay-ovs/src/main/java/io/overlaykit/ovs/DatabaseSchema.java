package io.overlaykit.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** What {@code get_schema} says about a database: its tables and, per column, the kind of datum. */
public final class DatabaseSchema {
    /**
     * How a column's datum is shaped: a single atom, a set, an optional value (a set of at most one: ovsdb-server's
     * {@code update2} sends its new value, not a diff), or a map.
     */
    public enum Shape {
        /** Exactly one value. */
        ATOM,
        /** A set that may hold more than one element. */
        SET,
        /** A set of zero or one element. */
        OPTIONAL,
        /** A map of keys to values. */
        MAP
    }

    private final String name;
    private final String version;
    private final Map<String, Map<String, Shape>> tables;

    private DatabaseSchema(String name, String version, Map<String, Map<String, Shape>> tables) {
        this.name = name;
        this.version = version;
        this.tables = tables;
    }

    /** Parses a {@code get_schema} result. */
    static DatabaseSchema parse(JsonNode schema) {
        Map<String, Map<String, Shape>> tables = new LinkedHashMap<>();
        JsonNode ts = schema.path("tables");
        Iterator<Map.Entry<String, JsonNode>> it = ts.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> t = it.next();
            Map<String, Shape> cols = new LinkedHashMap<>();
            cols.put("_uuid", Shape.ATOM);
            cols.put("_version", Shape.ATOM);
            Iterator<Map.Entry<String, JsonNode>> ci = t.getValue().path("columns").properties().iterator();
            while (ci.hasNext()) {
                Map.Entry<String, JsonNode> c = ci.next();
                cols.put(c.getKey(), shape(c.getValue().path("type")));
            }
            tables.put(t.getKey(), Collections.unmodifiableMap(cols));
        }
        return new DatabaseSchema(schema.path("name").asText(), schema.path("version").asText(""),
                Collections.unmodifiableMap(tables));
    }

    private static Shape shape(JsonNode type) {
        if (type.isTextual()) {
            return Shape.ATOM;
        }
        if (type.has("value")) {
            return Shape.MAP;
        }
        long min = type.path("min").asLong(1);
        JsonNode max = type.path("max");
        boolean maxOne = max.isMissingNode() || (max.canConvertToLong() && max.asLong() == 1);
        return min == 1 && maxOne ? Shape.ATOM : maxOne ? Shape.OPTIONAL : Shape.SET;
    }

    /** The database's name ({@code Open_vSwitch}, {@code OVN_Northbound}, ...). */
    public String name() {
        return name;
    }

    /** The schema's version, or empty when the schema gives none. */
    public String version() {
        return version;
    }

    /** The names of the database's tables, in the schema's order. */
    public Set<String> tables() {
        return tables.keySet();
    }

    /** True when the database has {@code table}. */
    public boolean hasTable(String table) {
        return tables.containsKey(table);
    }

    /** True when {@code table} exists and has {@code column} ({@code _uuid} and {@code _version} included). */
    public boolean hasColumn(String table, String column) {
        Map<String, Shape> cols = tables.get(table);
        return cols != null && cols.containsKey(column);
    }

    /** Columns of {@code table} (with {@code _uuid} and {@code _version}); empty for an unknown table. */
    public Set<String> columns(String table) {
        return tables.getOrDefault(table, Map.of()).keySet();
    }

    /** The shape of a column, or null when the server has no such column. */
    public Shape shape(String table, String column) {
        Map<String, Shape> cols = tables.get(table);
        return cols == null ? null : cols.get(column);
    }

    @Override
    public String toString() {
        return "DatabaseSchema[" + name + " " + version + ", " + tables.size() + " tables]";
    }
}
