package io.overlaykit.core;

import java.nio.charset.StandardCharsets;

/**
 * A Linux network interface name, checked as the kernel checks it ({@code dev_valid_name}): 1 to 15
 * bytes, no {@code /}, no whitespace, not {@code .} or {@code ..}. Also used for OVS bridge and port
 * names, which become interface names.
 */
public record InterfaceName(String value) implements Comparable<InterfaceName> {
    /** IFNAMSIZ minus the terminating NUL. */
    public static final int MAX_BYTES = 15;

    /** @throws InvalidSpecException if {@code value} is not a valid interface name (see {@link #problem(String)}) */
    public InterfaceName {
        String problem = problem(value);
        if (problem != null) {
            throw new InvalidSpecException("interface name", value, problem);
        }
    }

    /** Shorthand for {@code new InterfaceName(value)}. */
    public static InterfaceName of(String value) {
        return new InterfaceName(value);
    }

    /** Why {@code value} is not a valid interface name, or null when it is. */
    public static String problem(String value) {
        if (value == null || value.isEmpty()) {
            return "must not be empty";
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            return "is " + bytes + " bytes; the kernel allows at most " + MAX_BYTES;
        }
        if (value.equals(".") || value.equals("..")) {
            return "'.' and '..' are not interface names";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                return "must not contain '/', ':', whitespace or control characters";
            }
        }
        return null;
    }

    @Override
    public int compareTo(InterfaceName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
