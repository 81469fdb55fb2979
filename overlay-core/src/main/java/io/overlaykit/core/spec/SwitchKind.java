package io.overlaykit.core.spec;

import java.util.Locale;

/** The layer-2 switch backend of an overlay: Open vSwitch or Linux bridge + kernel VXLAN. */
public enum SwitchKind {
    OVS, LINUX;

    /** The spec's spelling: {@code ovs} or {@code linux}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
