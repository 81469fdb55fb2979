package io.overlaykit.core.spi;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.VxlanTunnel;
import java.util.List;

/**
 * The layer-2 switch of one host: Open vSwitch (overlay-ovs), OVN (overlay-ovn) or a Linux bridge with a kernel VXLAN
 * device (core, on top of {@link Links}). Every object is tagged with an {@code owner} (the spec name)
 * so teardown and crash sweeps find exactly ours. Every method is idempotent, and list arguments are
 * applied as one batch (one OVSDB transaction, not one per port).
 */
public interface OverlaySwitch extends AutoCloseable {

    /** {@code ovs}, {@code linux} or {@code ovn}, as the spec's {@code switch} field says. */
    String kind();

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
     * Reads, once, what this switch has of the intent's bridge. The default asks the single-call methods
     * ({@link #bridges}, {@link #ports}, {@link #tunnels}, {@link #isAttached} per port); backends override it
     * to read from a cache or from {@code facts} instead.
     */
    default SwitchView observe(SwitchIntent intent, HostFacts facts) {
        InterfaceName bridge = intent.bridge().name();
        if (!bridges(intent.owner()).contains(bridge)) {
            return SwitchView.none();
        }
        java.util.Set<InterfaceName> attached = new java.util.HashSet<>();
        for (SwitchIntent.Port p : intent.ports()) {
            if (isAttached(bridge, p.link())) {
                attached.add(p.link());
            }
        }
        return SwitchView.of(true, ports(bridge), tunnels(bridge), attached);
    }

    /**
     * This switch's part of the host's plan, computed from {@code view} and {@code facts} without any I/O.
     * The default plans the bridge, a tunnel per peer, an attach per port and the removal of tunnels to
     * hosts that left, all as generic {@link io.overlaykit.core.plan.SwitchChange}s, and no port settings
     * or firewall rules: backends add what they need (TX checksum offload off for a userspace datapath,
     * ARP settings of a kernel bridge) by overriding it.
     */
    default SwitchPlan plan(SwitchIntent intent, SwitchView view, HostFacts facts) {
        return DefaultSwitchPlanner.plan(intent, view);
    }

    /**
     * The steps that remove every bridge of {@code owner} with what the switch made for it (teardown). The
     * default lists {@link #bridges} and deletes each through {@link #deleteBridge}; step descriptions read
     * as what was done ("removed ovs bridge X").
     */
    default java.util.List<io.overlaykit.core.plan.Step> teardownPlan(String owner) {
        return bridges(owner).stream().map(b -> io.overlaykit.core.plan.Step.of("remove bridge " + b,
                "removed " + kind() + " bridge " + b,
                java.util.List.of(new io.overlaykit.core.plan.SwitchChange.DeleteBridge(b)))).toList();
    }

    /**
     * Runs consecutive switch changes of a plan as one batch. The default runs the generic changes one by
     * one through the single-call methods and stops at the first failure ({@link io.overlaykit.core.BatchException}
     * says which took effect); backends override it to make one transaction of the batch and to run their
     * own change types.
     */
    default void execute(java.util.List<io.overlaykit.core.plan.SwitchChange> changes) {
        DefaultSwitchPlanner.execute(this, changes);
    }

    /**
     * Routes every request this backend sends through {@code hook} (counting, fault injection); null or
     * {@link RequestHook#NONE} removes it. The default ignores the hook: backends that can tell override it.
     */
    default void requestHook(RequestHook hook) {
    }

    @Override
    void close();
}
