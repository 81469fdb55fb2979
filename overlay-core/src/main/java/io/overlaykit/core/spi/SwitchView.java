package io.overlaykit.core.spi;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.VxlanTunnel;
import java.util.List;
import java.util.Set;

/**
 * What a switch has of one spec's bridge, read once per operation ({@link OverlaySwitch#observe}).
 * Backends may return their own richer type and read it back in their {@link OverlaySwitch#plan}.
 */
public interface SwitchView {

    /** Whether our bridge exists (tagged with the spec's owner). */
    boolean bridgeExists();

    /** Its ports, tunnel ports included; empty when it does not exist. */
    List<InterfaceName> ports();

    /** Its tunnels, one per peer VTEP; empty when it does not exist. */
    List<VxlanTunnel> tunnels();

    /** Whether {@code link} is plugged in and forwarding (see {@link OverlaySwitch#isAttached}). */
    boolean isAttached(InterfaceName link);

    /** The view of a switch that has no bridge of ours. */
    static SwitchView none() {
        return of(false, List.of(), List.of(), Set.of());
    }

    /** A view from values. */
    static SwitchView of(boolean bridgeExists, List<InterfaceName> ports, List<VxlanTunnel> tunnels,
                         Set<InterfaceName> attached) {
        return new Basic(bridgeExists, List.copyOf(ports), List.copyOf(tunnels), Set.copyOf(attached));
    }

    /** The plain view: the values as read. */
    record Basic(boolean bridgeExists, List<InterfaceName> ports, List<VxlanTunnel> tunnels,
                 Set<InterfaceName> attached) implements SwitchView {
        @Override
        public boolean isAttached(InterfaceName link) {
            return attached.contains(link);
        }
    }
}
