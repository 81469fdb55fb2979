package io.overlaykit.core;

/**
 * A link as read back from the kernel. {@code kind} is the kernel's own word ({@code veth},
 * {@code bridge}, {@code vxlan}, {@code openvswitch}, ...), or {@code null} for a link without one
 * (loopback, physical NICs). Kinds OverlayKit does not model are still listed. {@code vxlan} is filled
 * for VXLAN devices only. {@code neighSuppress} is the bridge port flag {@code neigh_suppress} of a port of a
 * Linux bridge ({@code IFLA_BRPORT_NEIGH_SUPPRESS}); null when the link is no such port or the kernel does not
 * report the flag.
 */
public record LinkInfo(int index, InterfaceName name, String kind, int mtu, MacAddress mac, boolean up,
                       int masterIndex, int peerIndex, String alias, VxlanTunnel vxlan, Boolean neighSuppress) {

    /** A link whose bridge port flags are not known. */
    public LinkInfo(int index, InterfaceName name, String kind, int mtu, MacAddress mac, boolean up,
                    int masterIndex, int peerIndex, String alias, VxlanTunnel vxlan) {
        this(index, name, kind, mtu, mac, up, masterIndex, peerIndex, alias, vxlan, null);
    }

    /** True when this link's kind is {@code k} (never for a link without a kind). */
    public boolean isKind(String k) {
        return k.equals(kind);
    }

    /**
     * True when the link is enslaved to a master (a bridge or an OVS datapath); {@code masterIndex} is then its index.
     */
    public boolean hasMaster() {
        return masterIndex > 0;
    }
}
