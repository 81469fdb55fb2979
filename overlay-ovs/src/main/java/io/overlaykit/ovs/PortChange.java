package io.overlaykit.ovs;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException;
import java.util.Objects;

/**
 * One change to the ports of a bridge, as data: computed from an {@link OvsView} by {@link OvsPortPlanner} (or
 * by the caller's own planner), executed by {@link OvsSwitch#apply}, and each with its {@link #inverse()} built
 * from the view's "before" state, so that a failure later in a plan can be undone. A list of changes is one
 * transaction, with one exception: a re-plug (a {@link Remove} and an {@link Add} of the same port, for a stale
 * one) takes the old port off first and waits for ovs-vswitchd to drop it, because ovs-vswitchd matches ports
 * by name and would keep reading the dead device. {@code toString()} never prints a psk ({@link OvsPort} hides
 * it).
 */
public sealed interface PortChange permits PortChange.Add, PortChange.Remove, PortChange.SetProtected {

    /** The bridge the change applies to. */
    InterfaceName bridge();

    /** The port it changes. */
    InterfaceName port();

    /** The change that takes this one back. */
    PortChange inverse();

    /**
     * Adds {@code ovsPort}, tagged with {@code owner}. {@code isProtected} sets split horizon (the planner sets it
     * for tunnel ports). {@code deviceIfindex}, when the caller knows the ifindex of the system device it plugs
     * in (from its own netlink view), is recorded in the same transaction ({@link OvsSwitch#IFINDEX_KEY}), so
     * a re-created device shows as stale; null when unknown.
     */
    record Add(InterfaceName bridge, OvsPort ovsPort, String owner, boolean isProtected, Long deviceIfindex)
            implements PortChange {
        /**
         * Requires {@code bridge} and {@code ovsPort}.
         * @throws io.overlaykit.core.InvalidSpecException if {@code owner} is null or blank
         */
        public Add {
            Objects.requireNonNull(bridge, "bridge");
            Objects.requireNonNull(ovsPort, "ovsPort");
            if (owner == null || owner.isBlank()) {
                throw new InvalidSpecException("owner", owner, "must not be empty");
            }
        }

        @Override
        public InterfaceName port() {
            return ovsPort.name();
        }

        @Override
        public Remove inverse() {
            return new Remove(bridge, ovsPort.name(), ovsPort, owner, isProtected);
        }
    }

    /**
     * Takes a port off the bridge (OVS then deletes its Port and Interface rows). {@code before} is the port as
     * it was ({@code null} when unknown, e.g. a port with no interface), {@code owner} its tag (or null) and
     * {@code wasProtected} its split-horizon flag: what {@link #inverse()} puts back.
     */
    record Remove(InterfaceName bridge, InterfaceName port, OvsPort before, String owner, boolean wasProtected)
            implements PortChange {
        /** Requires {@code bridge} and {@code port}. */
        public Remove {
            Objects.requireNonNull(bridge, "bridge");
            Objects.requireNonNull(port, "port");
        }

        /**
         * Adding the port back as it was. Throws when it cannot be: the port had no interface, or no owner tag
         * (a foreign port is not ours to re-create).
         */
        @Override
        public Add inverse() {
            if (before == null || owner == null) {
                throw new IllegalStateException("port " + port + " on " + bridge + " cannot be re-created: "
                        + (before == null ? "it had no interface" : "it carried no owner tag"));
            }
            return new Add(bridge, before, owner, wasProtected, null);
        }
    }

    /** Sets {@code protected} (split horizon) of an existing port to {@code value}. */
    record SetProtected(InterfaceName bridge, InterfaceName port, boolean value) implements PortChange {
        /** Requires {@code bridge} and {@code port}. */
        public SetProtected {
            Objects.requireNonNull(bridge, "bridge");
            Objects.requireNonNull(port, "port");
        }

        @Override
        public SetProtected inverse() {
            return new SetProtected(bridge, port, !value);
        }
    }
}
