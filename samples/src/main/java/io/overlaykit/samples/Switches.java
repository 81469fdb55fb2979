package io.overlaykit.samples;

import io.overlaykit.core.spi.Links;
import io.overlaykit.core.spi.OverlaySwitch;
import io.overlaykit.netlink.LinuxBridgeSwitch;
import io.overlaykit.ovs.OvsSwitch;
import io.overlaykit.ovs.OvsdbRemote;
import java.time.Duration;

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

    /**
     * Whether the veths plugged into {@code sw} need TX checksum offload off: Open vSwitch's userspace
     * ({@code netdev}) datapath reads frames whose checksums the kernel left to the NIC (SANDBOX.md). The
     * engine gets the same from the switch's own plan; the walkthrough asks here, as a script would.
     */
    public static boolean userspaceDatapath(OverlaySwitch sw) {
        return sw instanceof OvsSwitch ovs && ovs.needsTxChecksumOff();
    }

    /** A Linux bridge with kernel VXLAN on {@code links}. */
    public static OverlaySwitch linux(Links links) {
        return new LinuxBridgeSwitch(links);
    }
}
