package io.overlaykit.core;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A forwarding-database entry on a VXLAN device ({@code bridge fdb append ... dev vx dst REMOTE self
 * permanent}): frames for {@code mac} go to the VTEP {@code remote}. The all-zero MAC
 * ({@link MacAddress#ZERO}) is the flood list: one such entry per peer makes broadcast and unknown
 * unicast reach every peer.
 *
 * <p>With {@code master}, the entry is the bridge's own, not the device's: a static entry of the Linux bridge
 * that {@code device} is a port of ({@code bridge fdb replace MAC dev PORT master static}), so the bridge sends
 * frames for {@code mac} to that port without learning it first, and its neighbour suppression knows where the MAC
 * is ({@link #bridge}). Such an entry has no remote and no VNI.
 */
public record FdbEntry(InterfaceName device, MacAddress mac, InetAddress remote, Integer vni, boolean master) {
    /**
     * Requires {@code device} and {@code mac}; {@code remote} and {@code vni} may be null, and must be for a
     * {@code master} entry, whose MAC is unicast.
     *
     * @throws InvalidSpecException if {@code vni} is not a valid {@link Vni}
     * @throws IllegalArgumentException if a {@code master} entry has a remote, a VNI or the all-zero MAC
     */
    public FdbEntry {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(mac, "mac");
        if (vni != null) {
            Vni.of(vni);
        }
        if (master && (remote != null || vni != null || mac.equals(MacAddress.ZERO))) {
            throw new IllegalArgumentException("a bridge fdb entry has a unicast MAC and no remote or VNI: " + mac
                    + " dev " + device);
        }
    }

    /** An entry of the VXLAN device itself (NTF_SELF). */
    public FdbEntry(InterfaceName device, MacAddress mac, InetAddress remote, Integer vni) {
        this(device, mac, remote, vni, false);
    }

    /** A static entry of the bridge: frames for {@code mac} go out of its port {@code port}. */
    public static FdbEntry bridge(InterfaceName port, MacAddress mac) {
        return new FdbEntry(port, mac, null, null, true);
    }

    /** A flood-list entry: broadcast and unknown unicast on {@code device} also go to {@code remote}. */
    public static FdbEntry flood(InterfaceName device, InetAddress remote) {
        return new FdbEntry(device, MacAddress.ZERO, Objects.requireNonNull(remote, "remote"), null);
    }

    /** True for a flood-list entry (the all-zero MAC). */
    public boolean isFlood() {
        return mac.equals(MacAddress.ZERO);
    }

    @Override
    public String toString() {
        return mac + " dev " + device + (remote == null ? "" : " dst " + remote.getHostAddress())
                + (vni == null ? "" : " vni " + vni) + (master ? " master static" : "");
    }
}
