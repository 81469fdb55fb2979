package io.overlaykit.core;

import java.util.HexFormat;

/** A 48-bit Ethernet address. {@link #ZERO} is the VXLAN flood (all-zero) FDB address. */
public record MacAddress(long bits) {
    /** The all-zero address {@code 00:00:00:00:00:00}. */
    public static final MacAddress ZERO = new MacAddress(0L);

    /** @throws InvalidSpecException if {@code bits} has a bit set above the low 48 */
    public MacAddress {
        if ((bits & ~0xFFFF_FFFF_FFFFL) != 0) {
            throw new InvalidSpecException("mac", Long.toHexString(bits), "is wider than 48 bits");
        }
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (or with dashes). */
    public static MacAddress parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("[:-]");
        if (parts.length != 6) {
            throw new InvalidSpecException("mac", text, "expected six hex octets such as 02:00:00:00:00:01");
        }
        long bits = 0;
        for (String part : parts) {
            if (part.length() != 2) {
                throw new InvalidSpecException("mac", text, "each octet is two hex digits");
            }
            try {
                bits = (bits << 8) | Integer.parseInt(part, 16);
            } catch (NumberFormatException e) {
                throw new InvalidSpecException("mac", text, "'" + part + "' is not hex");
            }
        }
        return new MacAddress(bits);
    }

    /**
     * The address in {@code six} bytes, most significant (first on the wire) first.
     * @throws InvalidSpecException if {@code six} is not 6 bytes long
     */
    public static MacAddress ofBytes(byte[] six) {
        if (six.length != 6) {
            throw new InvalidSpecException("mac", HexFormat.of().formatHex(six), "must be 6 bytes");
        }
        long bits = 0;
        for (byte b : six) {
            bits = (bits << 8) | (b & 0xFF);
        }
        return new MacAddress(bits);
    }

    /** A new 6-byte array, most significant byte first. */
    public byte[] toBytes() {
        byte[] out = new byte[6];
        for (int i = 5; i >= 0; i--) {
            out[i] = (byte) (bits >>> (8 * (5 - i)));
        }
        return out;
    }

    /**
     * A locally administered unicast address derived from {@code seed}: the first six bytes of its SHA-256 (UTF-8),
     * the multicast bit cleared and the local bit set. The one rule for every MAC OverlayKit makes up (gateways,
     * containers, bridges), so that any host computes the same address from the same seed.
     *
     * @param seed what identifies the owner of the address, e.g. spec and container name
     * @return the derived address
     */
    public static MacAddress derived(String seed) {
        byte[] h;
        try {
            h = java.security.MessageDigest.getInstance("SHA-256").digest(
                    seed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        byte[] mac = java.util.Arrays.copyOf(h, 6);
        mac[0] = (byte) ((mac[0] & 0xFC) | 0x02);
        return ofBytes(mac);
    }

    /** True for the locally administered, unicast addresses we generate. */
    public boolean isLocallyAdministered() {
        return (bits >>> 40 & 0x02) != 0;
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(toBytes());
    }
}
