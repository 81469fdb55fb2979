package io.overlaykit.core;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IP address with a prefix length: either an interface address ({@code 172.16.0.10/12}) or a network
 * ({@code 172.16.0.0/12}). IPv4 and IPv6. Parsing never does DNS.
 */
public record IpPrefix(InetAddress address, int length) {

    /**
     * @throws InvalidSpecException if {@code address} is null or {@code length} is outside 0..32 (IPv4) or
     *     0..128 (IPv6)
     */
    public IpPrefix {
        if (address == null) {
            throw new InvalidSpecException("prefix", null, "address is missing");
        }
        int max = maxLength(address);
        if (length < 0 || length > max) {
            throw new InvalidSpecException("prefix", address.getHostAddress() + "/" + length,
                    "prefix length must be 0.." + max);
        }
    }

    /** Parses {@code ADDRESS/LENGTH}; a bare address gets the full length (/32 or /128). */
    public static IpPrefix parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidSpecException("prefix", text, "must not be empty");
        }
        int slash = text.indexOf('/');
        InetAddress address = parseAddress(slash < 0 ? text : text.substring(0, slash));
        if (slash < 0) {
            return new IpPrefix(address, maxLength(address));
        }
        try {
            return new IpPrefix(address, Integer.parseInt(text.substring(slash + 1)));
        } catch (NumberFormatException e) {
            throw new InvalidSpecException("prefix", text, "prefix length is not a number");
        }
    }

    /** A literal IPv4 or IPv6 address; host names are refused (no DNS lookups, ever). */
    public static InetAddress parseAddress(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidSpecException("address", text, "must not be empty");
        }
        String t = text.trim();
        boolean v4 = t.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
        boolean v6 = t.indexOf(':') >= 0 && t.chars().allMatch(c -> c == ':' || c == '.'
                || Character.digit(c, 16) >= 0);
        if (v4) {
            String[] parts = t.split("\\.", -1);
            if (parts.length != 4) {
                throw new InvalidSpecException("address", text, "an IPv4 address has four parts");
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || Integer.parseInt(parts[i]) > 255) {
                    throw new InvalidSpecException("address", text, "each IPv4 part is 0..255");
                }
                bytes[i] = (byte) Integer.parseInt(parts[i]);
            }
            return fromBytes(bytes, text);
        }
        if (v6) {
            try {
                return InetAddress.getByName(t); // literal only: validated above, so no lookup happens
            } catch (UnknownHostException e) {
                throw new InvalidSpecException("address", text, "not a valid IPv6 address");
            }
        }
        throw new InvalidSpecException("address", text, "not an IP address (host names are not accepted)");
    }

    private static InetAddress fromBytes(byte[] bytes, String text) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new InvalidSpecException("address", text, e.getMessage());
        }
    }

    /** The full prefix length for {@code address}'s family: 32 for IPv4, 128 for IPv6. */
    public static int maxLength(InetAddress address) {
        return address instanceof Inet4Address ? 32 : 128;
    }

    /** True for an IPv4 address, false for IPv6. */
    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** The network this prefix belongs to: host bits cleared. */
    public IpPrefix network() {
        return new IpPrefix(fromBytes(mask(address.getAddress(), length), address.getHostAddress()), length);
    }

    /** True when the address has no host bits set. */
    public boolean isNetwork() {
        return network().address.equals(address);
    }

    /** True when {@code other} lies inside this prefix's network. */
    public boolean contains(InetAddress other) {
        byte[] a = address.getAddress();
        byte[] b = other.getAddress();
        return a.length == b.length && Arrays.equals(mask(a, length), mask(b, length));
    }

    /** True when {@code other} is the network address or (IPv4) the broadcast address of this prefix. */
    public boolean isNetworkOrBroadcast(InetAddress other) {
        if (!contains(other) || (isIpv4() && length >= 31)) {
            return false;
        }
        byte[] b = other.getAddress();
        byte[] net = mask(b, length);
        if (Arrays.equals(net, b)) {
            return true;
        }
        if (!isIpv4()) {
            return false;
        }
        byte[] broadcast = b.clone();
        for (int bit = length; bit < 32; bit++) {
            broadcast[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        return Arrays.equals(broadcast, b);
    }

    /** The same address with another prefix length. */
    public IpPrefix withLength(int newLength) {
        return new IpPrefix(address, newLength);
    }

    private static byte[] mask(byte[] bytes, int length) {
        byte[] out = bytes.clone();
        for (int bit = length; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return out;
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + length;
    }
}
