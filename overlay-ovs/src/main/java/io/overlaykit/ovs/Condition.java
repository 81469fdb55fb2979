package io.overlaykit.ovs;

import java.util.Objects;

/**
 * One clause of a {@code where} (RFC 7047 5.1): {@code [column, function, value]}. The value is an
 * OVSDB datum in its Java form (see {@link Row}).
 */
public record Condition(String column, String function, Object value) {

    /** Requires every component; {@code function} is an RFC 7047 function ({@code ==}, {@code includes}, ...). */
    public Condition {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(value, "value");
    }

    /** The column equals {@code value}. */
    public static Condition eq(String column, Object value) {
        return new Condition(column, "==", value);
    }

    /** The column differs from {@code value}. */
    public static Condition ne(String column, Object value) {
        return new Condition(column, "!=", value);
    }

    /** For sets and maps: the column contains every element (or key/value pair) of {@code value}. */
    public static Condition includes(String column, Object value) {
        return new Condition(column, "includes", value);
    }

    /** For sets and maps: the column contains no element (or key/value pair) of {@code value}. */
    public static Condition excludes(String column, Object value) {
        return new Condition(column, "excludes", value);
    }
}
