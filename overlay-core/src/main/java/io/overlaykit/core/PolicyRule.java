package io.overlaykit.core;

/**
 * A routing policy rule ({@code ip rule add fwmark MARK lookup TABLE priority PRIORITY}): packets with
 * firewall mark {@code fwmark} (null: any) are routed by {@code table}.
 */
public record PolicyRule(int priority, Integer fwmark, int table) {
    public PolicyRule {
        if (priority < 0) {
            throw new InvalidSpecException("rule priority", priority, "must not be negative");
        }
        if (table < 1) {
            throw new InvalidSpecException("rule table", table, "must be 1 or more");
        }
    }

    /** {@code fwmark MARK lookup TABLE priority PRIORITY}. */
    public static PolicyRule fwmark(int mark, int table, int priority) {
        return new PolicyRule(priority, mark, table);
    }

    @Override
    public String toString() {
        return priority + ": " + (fwmark == null ? "from all" : "fwmark 0x" + Integer.toHexString(fwmark))
                + " lookup " + table;
    }
}
