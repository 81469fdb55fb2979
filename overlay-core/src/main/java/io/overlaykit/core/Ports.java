package io.overlaykit.core;

/** The TCP/UDP port rule, in one place: 1..65535. */
public final class Ports {
    /** The largest port number. */
    public static final int MAX = 65535;

    private Ports() {
    }

    /** Whether {@code port} is a usable TCP/UDP port (1..65535). */
    public static boolean isValid(int port) {
        return port >= 1 && port <= MAX;
    }

    /**
     * Returns {@code port}, or throws naming {@code field} and {@code value} (the text the port came from,
     * or the port itself).
     */
    public static int check(String field, Object value, int port) {
        if (!isValid(port)) {
            throw new InvalidSpecException(field, value, "port must be 1.." + MAX);
        }
        return port;
    }
}
