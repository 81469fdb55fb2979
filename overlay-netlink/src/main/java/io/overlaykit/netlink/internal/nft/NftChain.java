package io.overlaykit.netlink.internal.nft;

/**
 * The base chains our tables may hold, in the order they are created. A chain is created only when a
 * rule needs it, so a table with one masquerade rule has one chain.
 */
public enum NftChain {
    /** Exempts packets from connection tracking; raw priority, before conntrack (-200). */
    RAW_PREROUTING("raw-prerouting", "filter", "prerouting", -300),
    /** Destination NAT of packets arriving from outside. */
    NAT_PREROUTING("nat-prerouting", "nat", "prerouting", -100),
    /** Destination NAT of packets this namespace sends itself (local clients of a forward). */
    NAT_OUTPUT("nat-output", "nat", "output", -100),
    /** Masquerade. */
    NAT_POSTROUTING("nat-postrouting", "nat", "postrouting", 100),
    /** Marks connections by where they came from; mangle priority, after conntrack (-200). */
    MARK_PREROUTING("mark-prerouting", "filter", "prerouting", -150),
    /** A route chain: a changed packet mark makes the kernel route the packet again. */
    ROUTE_OUTPUT("route-output", "route", "output", -150),
    /** Filters what is forwarded into the overlay; policy accept so other traffic is untouched. */
    FORWARD("forward", "filter", "forward", 0),
    /** Filters what arrives for this namespace (the WireGuard port); policy accept so other traffic is untouched. */
    INPUT("input", "filter", "input", 0);

    private final String chainName;
    private final String type;
    private final String hook;
    private final int priority;

    NftChain(String chainName, String type, String hook, int priority) {
        this.chainName = chainName;
        this.type = type;
        this.hook = hook;
        this.priority = priority;
    }

    public String chainName() {
        return chainName;
    }

    public String type() {
        return type;
    }

    public String hook() {
        return hook;
    }

    public int priority() {
        return priority;
    }
}
