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
    public enum State { PERMANENT, NOARP, REACHABLE, STALE, DELAY, PROBE, FAILED, INCOMPLETE, NONE }

    /** A permanent entry: what {@code addNeighbour} programs. */
    public Neighbour(InterfaceName device, InetAddress address, MacAddress mac) {
        this(device, address, mac, State.PERMANENT);
    }

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
