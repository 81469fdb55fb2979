package io.overlaykit.core.check;

import java.util.Objects;

/**
 * The outcome of one probe: {@code from} reached (or did not reach) {@code to} by {@code kind} in
 * {@code millis} milliseconds. {@code error} says why it failed, and is null when {@code ok}.
 */
public record Probe(String from, String to, Kind kind, boolean ok, long millis, String error) {

    /** How a probe tests the path. */
    public enum Kind {
        /** An ICMP echo ({@link java.net.InetAddress#isReachable(int)}). */
        ICMP,
        /** A TCP connection that carries a few bytes each way. */
        TCP
    }

    /**
     * Requires {@code from}, {@code to} and {@code kind}; a failed probe without an {@code error} gets
     * {@code "failed"}.
     * @throws IllegalArgumentException if a successful probe has an error
     */
    public Probe {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(kind, "kind");
        if (ok && error != null) {
            throw new IllegalArgumentException("a successful probe has no error: " + error);
        }
        if (!ok && error == null) {
            error = "failed";
        }
    }

    static Probe ok(String from, String to, Kind kind, long millis) {
        return new Probe(from, to, kind, true, millis, null);
    }

    static Probe failed(String from, String to, Kind kind, long millis, String error) {
        return new Probe(from, to, kind, false, millis, error);
    }

    @Override
    public String toString() {
        return from + " -> " + to + " " + kind + (ok ? " ok" : " FAILED (" + error + ")") + " " + millis + " ms";
    }
}
