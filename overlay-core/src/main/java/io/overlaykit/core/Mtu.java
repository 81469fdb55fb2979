package io.overlaykit.core;

/** MTU rules shared by every link type. */
public final class Mtu {
    /** The smallest IPv4 MTU (RFC 791). */
    public static final int MIN = 68;
    /** The largest MTU a Linux link accepts. */
    public static final int MAX = 65535;
    /** What a VXLAN encapsulation over IPv4 costs: outer IP 20 + UDP 8 + VXLAN 8 + inner Ethernet 14. */
    public static final int VXLAN_OVERHEAD = 50;
    /** What Geneve as OVN uses it adds to a frame over IPv4 (OVN's own advice: 58). */
    public static final int GENEVE_OVERHEAD = 58;
    /** What a VXLAN encapsulation over IPv6 costs: outer IPv6 40 + UDP 8 + VXLAN 8 + inner Ethernet 14. */
    public static final int VXLAN6_OVERHEAD = 70;
    /** The smallest MTU of a link that carries IPv6 (RFC 8200). */
    public static final int MIN_IPV6 = 1280;

    private Mtu() {
    }

    /** Returns {@code mtu} or throws naming {@code field}. */
    public static int check(String field, int mtu) {
        if (mtu < MIN || mtu > MAX) {
            throw new InvalidSpecException(field, mtu, "MTU must be between " + MIN + " and " + MAX);
        }
        return mtu;
    }

    /** The largest overlay MTU that fits in an underlay of {@code underlayMtu} without fragmenting. */
    public static int overlayFor(int underlayMtu) {
        return check("mtu", underlayMtu - VXLAN_OVERHEAD);
    }

    /** The VXLAN overhead over an IPv6 ({@code true}) or IPv4 underlay. */
    public static int vxlanOverhead(boolean ipv6Underlay) {
        return ipv6Underlay ? VXLAN6_OVERHEAD : VXLAN_OVERHEAD;
    }

    /** The largest overlay MTU that fits in an IPv6 ({@code true}) or IPv4 underlay of {@code underlayMtu}. */
    public static int overlayFor(int underlayMtu, boolean ipv6Underlay) {
        return check("mtu", underlayMtu - vxlanOverhead(ipv6Underlay));
    }
}
