package io.overlaykit.core.spi;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.VxlanTunnel;
import java.util.List;

/**
 * The layer-2 switch of one host: Open vSwitch (overlay-ovs) or a Linux bridge with a kernel VXLAN
 * device (core, on top of {@link Links}). Every object is tagged with an {@code owner} (the spec name)
 * so teardown and crash sweeps find exactly ours. Every method is idempotent, and list arguments are
 * applied as one batch (one OVSDB transaction, not one per port).
 */
public interface OverlaySwitch extends AutoCloseable {

    /** {@code ovs} or {@code linux}, as the spec's {@code switch} field says. */
    String kind();

    /**
     * Whether veth ends plugged into this switch need TX checksum offload off (true for a userspace
     * datapath, which reads frames whose checksums the kernel left to the NIC).
     */
    boolean needsTxChecksumOff();

    /** Creates the bridge unless it exists, tagged with {@code owner}; sets it up. */
    void ensureBridge(Bridge bridge, String owner);

    /** Deletes the bridge and its ports; false when it was already gone. */
    boolean deleteBridge(InterfaceName bridge);

    /** Bridges tagged with {@code owner}. */
    List<InterfaceName> bridges(String owner);

    /** Plugs existing links (veth host ends) into the bridge, re-plugging those that are not {@link #isAttached}. */
    void attach(InterfaceName bridge, List<InterfaceName> links, String owner);

    /** Unplugs links; links that are not attached are ignored. */
    void detach(InterfaceName bridge, List<InterfaceName> links);

    /**
     * Adds VXLAN tunnels to peers, one per {@link VxlanTunnel#remote()}. OVS makes a {@code vxlan} port
     * per tunnel; the Linux switch shares one VXLAN device per VNI and adds a flood FDB entry per peer.
     */
    void addTunnels(InterfaceName bridge, List<VxlanTunnel> tunnels, String owner);

    /** Removes tunnels added by {@link #addTunnels}; missing ones are ignored. */
    void removeTunnels(InterfaceName bridge, List<VxlanTunnel> tunnels);

    /** The ports on the bridge, as names (tunnel ports included); empty when the bridge does not exist. */
    List<InterfaceName> ports(InterfaceName bridge);

    /**
     * Whether {@code link} is plugged into {@code bridge} and the switch really forwards through it: false for
     * a port whose device died or was re-created (Open vSwitch's userspace datapath keeps reading the old
     * device), so {@link #attach} plugs it in anew. False when the bridge does not exist.
     */
    default boolean isAttached(InterfaceName bridge, InterfaceName link) {
        return ports(bridge).contains(link);
    }

    /** The tunnels currently on the bridge; empty when the bridge does not exist. */
    List<VxlanTunnel> tunnels(InterfaceName bridge);

    /**
     * Routes every request this backend sends through {@code hook} (counting, fault injection); null or
     * {@link RequestHook#NONE} removes it. The default ignores the hook: backends that can tell override it.
     */
    default void requestHook(RequestHook hook) {
    }

    @Override
    void close();
}
