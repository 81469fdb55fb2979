package io.overlaykit.core;

import java.net.InetAddress;
import java.util.Objects;

/**
 * An ARP or NDP entry: {@code address} is at {@code mac} on {@code device}. OverlayKit programs
 * {@link State#PERMANENT} entries; read back, an entry may be in any state the kernel keeps (a learned,
 * {@link State#REACHABLE} or {@link State#STALE} one, say), so a planner can tell ours from learned ones.
 */
public record Neighbour(InterfaceName device, InetAddress address, MacAddress mac, State state) {

    /** The kernel's NUD states ({@code ip neigh}'s names) of entries that carry a MAC address. */
    public enum State {
        /** Static: never expires nor is verified ({@code NUD_PERMANENT}); what OverlayKit programs. */
        PERMANENT,
        /** Valid without resolution, on a device that needs none ({@code NUD_NOARP}). */
        NOARP,
        /** Confirmed reachable recently ({@code NUD_REACHABLE}). */
        REACHABLE,
        /** Learned, no longer confirmed; verified on its next use ({@code NUD_STALE}). */
        STALE,
        /** Used while stale; waiting briefly for a confirmation before probing ({@code NUD_DELAY}). */
        DELAY,
        /** Being probed by unicast solicitations ({@code NUD_PROBE}). */
        PROBE,
        /** Resolution failed: no answer to the probes ({@code NUD_FAILED}). */
        FAILED,
        /** Resolution in progress ({@code NUD_INCOMPLETE}). */
        INCOMPLETE,
        /** No state bit set ({@code NUD_NONE}), or one not listed here. */
        NONE
    }

    /** A permanent entry: what {@code addNeighbour} programs. */
    public Neighbour(InterfaceName device, InetAddress address, MacAddress mac) {
        this(device, address, mac, State.PERMANENT);
    }

    /** Requires every component. */
    public Neighbour {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(state, "state");
    }

    /** True for a permanent (static) entry. */
    public boolean isPermanent() {
        return state == State.PERMANENT;
    }

    @Override
    public String toString() {
        return address.getHostAddress() + " lladdr " + mac + " dev " + device
                + (state == State.PERMANENT ? "" : " " + state);
    }
}
