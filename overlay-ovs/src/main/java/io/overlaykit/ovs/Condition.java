package io.overlaykit.ovs;

import java.util.Objects;

/**
 * One clause of a {@code where} (RFC 7047 5.1): {@code [column, function, value]}. The value is an
 * OVSDB datum in its Java form (see {@link Row}).
 */
public record Condition(String column, String function, Object value) {

    public Condition {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(value, "value");
    }

    public static Condition eq(String column, Object value) {
        return new Condition(column, "==", value);
    }

    public static Condition ne(String column, Object value) {
        return new Condition(column, "!=", value);
    }

    /** For sets and maps: the column contains every element (or key/value pair) of {@code value}. */
    public static Condition includes(String column, Object value) {
        return new Condition(column, "includes", value);
    }

    public static Condition excludes(String column, Object value) {
        return new Condition(column, "excludes", value);
    }
}
