package io.overlaykit.samples;

import io.overlaykit.netlink.LinuxBridgeSwitch;
import io.overlaykit.ovs.OvsSwitch;
import io.overlaykit.ovs.OvsdbRemote;
import java.time.Duration;
import io.overlaykit.core.spi.Links;
import io.overlaykit.core.spi.OverlaySwitch;

/** The two switch backends, built the one way the samples need them. */
public final class Switches {
    /** The OVSDB socket of a host's own Open vSwitch. */
    public static final String DEFAULT_OVSDB = "unix:/var/run/openvswitch/db.sock";

    private static final Duration VSWITCHD_WAIT = Duration.ofSeconds(10);

    private Switches() {
    }

    /** Open vSwitch at {@code remote}; {@code datapathType} is {@code netdev} in a lab, {@code system} on a real host. */
    public static OverlaySwitch ovs(String remote, String datapathType) {
        // Like ovs-vsctl without --no-wait: each change returns once ovs-vswitchd has applied it. Closing the
        // switch closes its connection.
        return OvsSwitch.connect(OvsdbRemote.parse(remote), datapathType, VSWITCHD_WAIT);
    }

    /** A Linux bridge with kernel VXLAN on {@code links}. */
    public static OverlaySwitch linux(Links links) {
        return new LinuxBridgeSwitch(links);
    }
}
