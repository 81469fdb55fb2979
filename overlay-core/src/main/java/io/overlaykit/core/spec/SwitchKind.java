package io.overlaykit.core.spec;

import java.util.Locale;

/**
 * The layer-2 switch backend of an overlay: Open vSwitch (a tunnel per peer), Linux bridge + kernel VXLAN, or
 * OVN (logical switches in a northbound database, {@code ovn-controller} on every host computes the tunnels).
 */
public enum SwitchKind {
    /** Open vSwitch: a bridge with a VXLAN port per peer, through ovsdb-server. */
    OVS,
    /** A Linux bridge with one kernel VXLAN device and static FDB entries. */
    LINUX,
    /** OVN: logical switches in a northbound database; {@code ovn-controller} makes the tunnels. */
    OVN;

    /** The spec's spelling: {@code ovs}, {@code linux} or {@code ovn}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
