package io.overlaykit.core.plan;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.VxlanTunnel;
import java.util.List;
import java.util.Objects;

/**
 * A change that only the switch backend can make (an OVSDB row, a port). Backends define their own
 * records; the ones here are the generic vocabulary of {@link io.overlaykit.core.spi.OverlaySwitch}, run by
 * its default {@code execute} through the switch's single-call methods. Consecutive switch changes run as
 * one batch ({@code OverlaySwitch.execute}: one OVSDB transaction for Open vSwitch).
 */
public non-sealed interface SwitchChange extends Change {

    /** Creates the bridge, tagged with {@code owner}, and sets it up. */
    record EnsureBridge(Bridge bridge, String owner) implements SwitchChange {
        /** Requires every component. */
        public EnsureBridge {
            Objects.requireNonNull(bridge, "bridge");
            Objects.requireNonNull(owner, "owner");
        }

        @Override
        public Change inverse() {
            return new DeleteBridge(bridge.name());
        }

        @Override
        public String describe() {
            return "create bridge " + bridge.name() + (bridge.mtu() == null ? "" : " mtu " + bridge.mtu());
        }
    }

    /** Deletes the bridge with its ports; cannot be undone. */
    record DeleteBridge(InterfaceName bridge) implements SwitchChange {
        /** Requires {@code bridge}. */
        public DeleteBridge {
            Objects.requireNonNull(bridge, "bridge");
        }

        @Override
        public Change inverse() {
            return null;
        }

        @Override
        public String describe() {
            return "delete bridge " + bridge;
        }
    }

    /** Adds tunnels to peers. */
    record AddTunnels(InterfaceName bridge, List<VxlanTunnel> tunnels, String owner) implements SwitchChange {
        /** Requires every component; copies {@code tunnels}. */
        public AddTunnels {
            Objects.requireNonNull(bridge, "bridge");
            tunnels = List.copyOf(tunnels);
            Objects.requireNonNull(owner, "owner");
        }

        @Override
        public Change inverse() {
            return new RemoveTunnels(bridge, tunnels);
        }

        @Override
        public String describe() {
            return "add " + Describe.tunnels(tunnels) + " on " + bridge;
        }
    }

    /** Removes tunnels. */
    record RemoveTunnels(InterfaceName bridge, List<VxlanTunnel> tunnels) implements SwitchChange {
        /** Requires every component; copies {@code tunnels}. */
        public RemoveTunnels {
            Objects.requireNonNull(bridge, "bridge");
            tunnels = List.copyOf(tunnels);
        }

        @Override
        public Change inverse() {
            return null;
        }

        @Override
        public String describe() {
            return "remove " + Describe.tunnels(tunnels) + " from " + bridge;
        }
    }

    /** Plugs links into the bridge (re-plugging ports whose device died). */
    record Attach(InterfaceName bridge, List<InterfaceName> links, String owner) implements SwitchChange {
        /** Requires every component; copies {@code links}. */
        public Attach {
            Objects.requireNonNull(bridge, "bridge");
            links = List.copyOf(links);
            Objects.requireNonNull(owner, "owner");
        }

        @Override
        public Change inverse() {
            return new Detach(bridge, links);
        }

        @Override
        public String describe() {
            return "plug " + Describe.names(links) + " into " + bridge;
        }
    }

    /** Unplugs links from the bridge. */
    record Detach(InterfaceName bridge, List<InterfaceName> links) implements SwitchChange {
        /** Requires every component; copies {@code links}. */
        public Detach {
            Objects.requireNonNull(bridge, "bridge");
            links = List.copyOf(links);
        }

        @Override
        public Change inverse() {
            return null;
        }

        @Override
        public String describe() {
            return "unplug " + Describe.names(links) + " from " + bridge;
        }
    }
}
