package io.overlaykit.ovs;

import io.overlaykit.core.InvalidSpecException;
import java.util.regex.Pattern;

/**
 * The symbolic name of a row inserted in the same transaction ({@code ["named-uuid", name]}, RFC 7047
 * 5.1). An explicit type so a plain string can never be mistaken for a row reference.
 */
public record NamedUuid(String name) {
    private static final Pattern ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * @throws io.overlaykit.core.InvalidSpecException if {@code name} is null or not an identifier
     *     ({@code [A-Za-z_][A-Za-z0-9_]*})
     */
    public NamedUuid {
        if (name == null || !ID.matcher(name).matches()) {
            throw new InvalidSpecException("named-uuid", name, "must match [A-Za-z_][A-Za-z0-9_]*");
        }
    }

    /** Shorthand for {@code new NamedUuid(name)}. */
    public static NamedUuid of(String name) {
        return new NamedUuid(name);
    }
}
