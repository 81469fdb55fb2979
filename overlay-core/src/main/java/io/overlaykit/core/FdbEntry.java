package io.overlaykit.core;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A forwarding-database entry on a VXLAN device ({@code bridge fdb append ... dev vx dst REMOTE self
 * permanent}): frames for {@code mac} go to the VTEP {@code remote}. The all-zero MAC
 * ({@link MacAddress#ZERO}) is the flood list: one such entry per peer makes broadcast and unknown
 * unicast reach every peer.
 */
public record FdbEntry(InterfaceName device, MacAddress mac, InetAddress remote, Integer vni) {
    /**
     * Requires {@code device} and {@code mac}; {@code remote} and {@code vni} may be null.
     * @throws InvalidSpecException if {@code vni} is not a valid {@link Vni}
     */
    public FdbEntry {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(mac, "mac");
        if (vni != null) {
            Vni.of(vni);
        }
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
                + (vni == null ? "" : " vni " + vni);
    }
}
