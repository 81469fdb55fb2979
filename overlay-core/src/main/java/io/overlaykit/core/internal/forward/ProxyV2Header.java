package io.overlaykit.core.internal.forward;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Encoder for the binary PROXY protocol version 2 header (haproxy's proxy-protocol.txt, section 2.2):
 * a pure codec, byte-exact and free of I/O. Only the {@code PROXY} command over TCP is produced, since
 * the forwarder always knows the real client.
 */
public final class ProxyV2Header {
    /** The 12-byte signature that opens every v2 header. */
    static final byte[] SIGNATURE = {
        0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A
    };
    /** Version 2 (high nibble), command PROXY (low nibble). */
    static final byte VERSION_PROXY = 0x21;
    /** AF_INET (high nibble), STREAM (low nibble). */
    static final byte TCP_OVER_IPV4 = 0x11;
    /** AF_INET6 (high nibble), STREAM (low nibble). */
    static final byte TCP_OVER_IPV6 = 0x21;

    private ProxyV2Header() {
    }

    /**
     * The header announcing a TCP connection from {@code source} (the real client) to {@code destination}
     * (the address the client connected to). Both IPv4 gives the IPv4 form; otherwise both addresses are
     * written as IPv6, an IPv4 one as IPv4-mapped ({@code ::ffff:a.b.c.d}).
     */
    public static byte[] encode(InetSocketAddress source, InetSocketAddress destination) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        InetAddress src = resolved(source);
        InetAddress dst = resolved(destination);
        boolean v4 = src instanceof Inet4Address && dst instanceof Inet4Address;
        int addressLength = v4 ? 12 : 36;
        ByteBuffer out = ByteBuffer.allocate(16 + addressLength); // network byte order by default
        out.put(SIGNATURE).put(VERSION_PROXY).put(v4 ? TCP_OVER_IPV4 : TCP_OVER_IPV6);
        out.putShort((short) addressLength);
        out.put(v4 ? src.getAddress() : ipv6Bytes(src));
        out.put(v4 ? dst.getAddress() : ipv6Bytes(dst));
        out.putShort((short) source.getPort());
        out.putShort((short) destination.getPort());
        return out.array();
    }

    private static InetAddress resolved(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("PROXY v2 needs a resolved address, got " + address);
        }
        return address.getAddress();
    }

    private static byte[] ipv6Bytes(InetAddress address) {
        if (address instanceof Inet6Address) {
            return address.getAddress();
        }
        byte[] v4 = address.getAddress();
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(v4, 0, mapped, 12, 4);
        return mapped;
    }
}
