package io.overlaykit.samples;

import io.overlaykit.core.LinuxBridgeSwitch;
import io.overlaykit.ovs.OvsSwitch;
import io.overlaykit.ovs.OvsdbClient;
import io.overlaykit.ovs.OvsdbClientOptions;
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
        OvsdbClient client = OvsdbClient.connect(OvsdbRemote.parse(remote), OvsdbClientOptions.defaults());
        // Like ovs-vsctl without --no-wait: each change returns once ovs-vswitchd has applied it.
        OvsSwitch sw = OvsSwitch.create(client, datapathType).waitingForVswitchd(VSWITCHD_WAIT);
        return new ClosingSwitch(sw, client);
    }

    /** A Linux bridge with kernel VXLAN on {@code links}. */
    public static OverlaySwitch linux(Links links) {
        return new LinuxBridgeSwitch(links);
    }
}
