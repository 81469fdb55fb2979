package io.overlaykit.samples;

import io.overlaykit.core.LinuxBridgeSwitch;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.spi.Links;
import io.overlaykit.core.spi.OverlaySwitch;

/** The two switch backends, built the one way the samples need them. */
public final class Switches {
    /** The OVSDB socket of a host's own Open vSwitch. */
    public static final String DEFAULT_OVSDB = "unix:/var/run/openvswitch/db.sock";

    private Switches() {
    }

    /** Open vSwitch at {@code remote}; {@code datapathType} is {@code netdev} in a lab, {@code system} on a real host. */
    public static OverlaySwitch ovs(String remote, String datapathType) {
        throw new OverlayException("the Open vSwitch backend (overlay-ovs) is not merged yet: cannot connect to " + remote);
    }

    /** A Linux bridge with kernel VXLAN on {@code links}. */
    public static OverlaySwitch linux(Links links) {
        return new LinuxBridgeSwitch(links);
    }
}
