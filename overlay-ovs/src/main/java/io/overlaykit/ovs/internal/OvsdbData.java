package io.overlaykit.ovs.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.overlaykit.ovs.Condition;
import io.overlaykit.ovs.Mutation;
import io.overlaykit.ovs.NamedUuid;
import io.overlaykit.ovs.Row;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The OVSDB data codec (RFC 7047 5.1), pure: Java data to JSON and back. Atoms are strings, numbers,
 * booleans, {@code ["uuid", ..]} and {@code ["named-uuid", ..]}; sets are {@code ["set", [..]]} or a
 * bare atom; maps are {@code ["map", [[k, v], ..]]}.
 */
public final class OvsdbData {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private OvsdbData() {
    }

    /** Encodes a datum. A one-element set is still written as {@code ["set", [x]]}: always valid. */
    public static JsonNode encode(Object value) {
        if (value instanceof Set<?> set) {
            ArrayNode items = F.arrayNode();
            set.forEach(v -> items.add(encodeAtom(v)));
            return F.arrayNode().add("set").add(items);
        }
        if (value instanceof List<?> list) {
            // Lists are accepted as sets for convenience; OVSDB has no ordered type.
            return encode(new LinkedHashSet<>(list));
        }
        if (value instanceof Map<?, ?> map) {
            ArrayNode pairs = F.arrayNode();
            map.forEach((k, v) -> pairs.add(F.arrayNode().add(encodeAtom(k)).add(encodeAtom(v))));
            return F.arrayNode().add("map").add(pairs);
        }
        return encodeAtom(value);
    }

    /** Encodes one atom. */
    public static JsonNode encodeAtom(Object v) {
        if (v instanceof String s) {
            return F.textNode(s);
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return F.numberNode(((Number) v).longValue());
        }
        if (v instanceof Double || v instanceof Float) {
            return F.numberNode(((Number) v).doubleValue());
        }
        if (v instanceof Boolean b) {
            return F.booleanNode(b);
        }
        if (v instanceof UUID u) {
            return F.arrayNode().add("uuid").add(u.toString());
        }
        if (v instanceof NamedUuid n) {
            return F.arrayNode().add("named-uuid").add(n.name());
        }
        throw new IllegalArgumentException("not an OVSDB atom: " + (v == null ? "null" : v.getClass().getName()));
    }

    /** Decodes a datum: a set, a map or a bare atom; {@link MalformedDatumException} when it is none. */
    public static Object decode(JsonNode node) {
        if (node.isArray() && node.size() == 2 && node.get(0).isTextual()) {
            String tag = node.get(0).asText();
            if (tag.equals("set")) {
                Set<Object> out = new LinkedHashSet<>();
                for (JsonNode item : requireArray(node.get(1), "set")) {
                    out.add(decodeAtom(item));
                }
                return Collections.unmodifiableSet(out);
            }
            if (tag.equals("map")) {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (JsonNode pair : requireArray(node.get(1), "map")) {
                    if (!pair.isArray() || pair.size() != 2) {
                        throw new MalformedDatumException("malformed map pair: " + pair);
                    }
                    out.put(decodeAtom(pair.get(0)), decodeAtom(pair.get(1)));
                }
                return Collections.unmodifiableMap(out);
            }
        }
        return decodeAtom(node);
    }

    /** Decodes one atom. */
    public static Object decodeAtom(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isArray() && node.size() == 2 && node.get(0).isTextual() && node.get(1).isTextual()) {
            String tag = node.get(0).asText();
            String value = node.get(1).asText();
            try {
                if (tag.equals("uuid")) {
                    return UUID.fromString(value);
                }
                if (tag.equals("named-uuid")) {
                    return NamedUuid.of(value);
                }
            } catch (RuntimeException e) { // a malformed UUID, a named-uuid that is no identifier
                throw new MalformedDatumException("malformed " + tag + ": " + node, e);
            }
        }
        throw new MalformedDatumException("not an OVSDB atom: " + node);
    }

    private static JsonNode requireArray(JsonNode node, String what) {
        if (node == null || !node.isArray()) {
            throw new MalformedDatumException("malformed " + what + ": " + node);
        }
        return node;
    }

    /**
     * A datum from the server that is not RFC 7047 data. An {@link IllegalArgumentException}, as before, so
     * callers that treat any bad argument alike keep working.
     */
    public static final class MalformedDatumException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MalformedDatumException(String message) {
            super(message);
        }

        MalformedDatumException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Encodes a row object {@code {column: datum}}. */
    public static ObjectNode encodeRow(Row row) {
        ObjectNode out = F.objectNode();
        row.columns().forEach((k, v) -> out.set(k, encode(v)));
        return out;
    }

    /** Decodes a row object; {@code _uuid} and {@code _version} become UUIDs like any other datum. */
    public static Row decodeRow(JsonNode node) {
        Map<String, Object> cols = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            cols.put(e.getKey(), decode(e.getValue()));
        }
        return Row.of(cols);
    }

    public static ArrayNode encodeWhere(Collection<Condition> where) {
        ArrayNode out = F.arrayNode();
        for (Condition c : where) {
            out.add(F.arrayNode().add(c.column()).add(c.function()).add(encode(c.value())));
        }
        return out;
    }

    public static ArrayNode encodeMutations(Collection<Mutation> mutations) {
        ArrayNode out = F.arrayNode();
        for (Mutation m : mutations) {
            out.add(F.arrayNode().add(m.column()).add(m.mutator()).add(encode(m.value())));
        }
        return out;
    }
}
