package io.overlaykit.ovs;

import java.util.Objects;
import java.util.Set;

/**
 * One mutation of a {@code mutate} operation (RFC 7047 5.2.4): {@code [column, mutator, value]}.
 * {@code insert}/{@code delete} add to or remove from a set or map without rewriting it, which is how
 * ports are appended to a bridge without racing other writers.
 */
public record Mutation(String column, String mutator, Object value) {
    private static final Set<String> MUTATORS = Set.of("+=", "-=", "*=", "/=", "%=", "insert", "delete");

    /**
     * Requires {@code column} and {@code value}.
     * @throws IllegalArgumentException if {@code mutator} is not one of RFC 7047's ({@code +=}, ..., {@code insert},
     *     {@code delete})
     */
    public Mutation {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(value, "value");
        if (!MUTATORS.contains(mutator)) {
            throw new IllegalArgumentException("unknown mutator " + mutator);
        }
    }

    /** Inserts the elements of a set (or the pairs of a map) into the column. */
    public static Mutation insert(String column, Object setOrMap) {
        return new Mutation(column, "insert", setOrMap);
    }

    /** Deletes elements of a set, pairs of a map, or (with a set of keys) map entries by key. */
    public static Mutation delete(String column, Object setOrMap) {
        return new Mutation(column, "delete", setOrMap);
    }

    /** Adds {@code amount} to an integer column ({@code +=}). */
    public static Mutation add(String column, long amount) {
        return new Mutation(column, "+=", amount);
    }
}
