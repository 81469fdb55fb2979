package io.overlaykit.core;

/**
 * A policy-routing rule ({@code ip rule}): packets that match {@code fwmark} and/or come {@code from} a
 * prefix are looked up in routing {@code table}. Rules are tried in ascending {@code priority}. The
 * ingress feature uses a fwmark rule to send replies of forwarded connections back the way they came.
 *
 * <pre>{@code new PolicyRule(1000, 0x42, null, 100)}</pre>
 */
public record PolicyRule(int priority, Integer fwmark, IpPrefix from, int table) {

    /**
     * {@code fwmark} and {@code from} may be null (match any).
     * @throws InvalidSpecException if {@code priority} is negative or {@code table} is not positive
     */
    public PolicyRule {
        if (priority < 0) {
            throw new InvalidSpecException("rule priority", priority, "must not be negative");
        }
        if (table < 1) {
            throw new InvalidSpecException("rule table", table, "must be positive");
        }
    }

    /**
     * True for an IPv6 rule (only when {@code from} is IPv6; a rule without {@code from} is IPv4; an IPv6 rule
     * for every source has {@code from} {@code ::/0}).
     */
    public boolean isIpv6() {
        return from != null && !from.isIpv4();
    }

    @Override
    public String toString() {
        return priority + ": " + (from == null ? "from all" : "from " + from)
                + (fwmark == null ? "" : " fwmark 0x" + Integer.toHexString(fwmark))
                + " lookup " + table;
    }
}
