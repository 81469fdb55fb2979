package io.overlaykit.core.spec;

import io.overlaykit.core.IpPrefix;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * How an overlay with a {@code psk} is encrypted, as the spec gives it: the top-level fields
 * {@code encryption} ({@code "wireguard"} or {@code "ipsec"}), {@code transit} (the range the WireGuard
 * interfaces take their addresses from) and {@code wireguardPort}. Each is null when the spec leaves it out;
 * {@link OverlaySpec#encryptionMode()}, {@link OverlaySpec#transit()} and {@link OverlaySpec#wireguardPort()}
 * give the values in force.
 */
public record Encryption(Mode mode, IpPrefix transit, Integer wireguardPort) {
    /** Nothing given. */
    public static final Encryption UNSET = new Encryption(null, null, null);
    /** WireGuard's usual port. */
    public static final int DEFAULT_WIREGUARD_PORT = 51820;
    /** The range the default transit /24 is picked from (RFC 6598 shared address space). */
    public static final IpPrefix DEFAULT_TRANSIT_RANGE = IpPrefix.parse("100.64.0.0/10");

    /** How the overlay is encrypted. */
    public enum Mode {
        /** WireGuard under the VXLAN: every tunnel rides a WireGuard interface between the hosts. */
        WIREGUARD,
        /** OVS IPsec ({@code options:psk}), only where the host provably encrypts. */
        IPSEC
    }

    /** Whether the spec gave any of the three fields. */
    public boolean anyGiven() {
        return mode != null || transit != null || wireguardPort != null;
    }

    /**
     * The default transit network of spec {@code specName}: a /24 of 100.64.0.0/10 picked by a hash of the name,
     * so that two specs on one host rarely share one.
     */
    public static IpPrefix defaultTransit(String specName) {
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-256").digest(("transit\0" + specName).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        int second = 64 + (h[0] & 0x3f); // 100.64.x.0 .. 100.127.x.0
        int third = h[1] & 0xff;
        return IpPrefix.parse("100." + second + "." + third + ".0/24");
    }
}
