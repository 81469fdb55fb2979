package io.overlaykit.netlink.internal;

import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.Secret;
import io.overlaykit.core.spi.WireGuardDevice;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The generic-netlink {@code wireguard} family (linux/wireguard.h), pure: WG_CMD_GET_DEVICE and
 * WG_CMD_SET_DEVICE requests, and the device a GET_DEVICE dump describes. A dump may spread the peers over
 * several messages, and one peer's allowed IPs too (the continuation repeats the public key and carries
 * only allowed IPs). Malformed replies are {@link NlFormatException}s; no message names a secret.
 */
public final class WireGuardCodec {
    private WireGuardCodec() {
    }

    /** The family's name, as the controller knows it. */
    public static final String FAMILY = "wireguard";
    /** WG_GENL_VERSION. */
    public static final int VERSION = 1;
    /** WG_KEY_LEN. */
    public static final int KEY_LEN = 32;
    /** WG_CMD_GET_DEVICE. */
    public static final int CMD_GET_DEVICE = 0;
    /** WG_CMD_SET_DEVICE. */
    public static final int CMD_SET_DEVICE = 1;
    /** WGDEVICE_F_REPLACE_PEERS. */
    public static final int DEVICE_F_REPLACE_PEERS = 1;
    /** WGPEER_F_REPLACE_ALLOWEDIPS. */
    public static final int PEER_F_REPLACE_ALLOWEDIPS = 1 << 1;

    // enum wgdevice_attribute
    static final int DEVICE_A_IFINDEX = 1;
    static final int DEVICE_A_IFNAME = 2;
    static final int DEVICE_A_PRIVATE_KEY = 3;
    static final int DEVICE_A_PUBLIC_KEY = 4;
    static final int DEVICE_A_FLAGS = 5;
    static final int DEVICE_A_LISTEN_PORT = 6;
    static final int DEVICE_A_FWMARK = 7;
    static final int DEVICE_A_PEERS = 8;
    // enum wgpeer_attribute
    static final int PEER_A_PUBLIC_KEY = 1;
    static final int PEER_A_PRESHARED_KEY = 2;
    static final int PEER_A_FLAGS = 3;
    static final int PEER_A_ENDPOINT = 4;
    static final int PEER_A_PERSISTENT_KEEPALIVE_INTERVAL = 5;
    static final int PEER_A_LAST_HANDSHAKE_TIME = 6;
    static final int PEER_A_RX_BYTES = 7;
    static final int PEER_A_TX_BYTES = 8;
    static final int PEER_A_ALLOWEDIPS = 9;
    // enum wgallowedip_attribute
    static final int ALLOWEDIP_A_FAMILY = 1;
    static final int ALLOWEDIP_A_IPADDR = 2;
    static final int ALLOWEDIP_A_CIDR_MASK = 3;

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCKADDR_IN_LEN = 16;
    static final int SOCKADDR_IN6_LEN = 28;

    /**
     * How large one SET_DEVICE message may grow before the next peers go into another: well below a page-sized
     * socket buffer's limits, as {@code wg} keeps its messages.
     */
    public static final int MAX_MESSAGE = 16 * 1024;
    /** An upper bound of one peer's encoding without allowed IPs, and of each allowed IP. */
    private static final int PEER_BOUND = 4 + 36 + 36 + 8 + 4 + SOCKADDR_IN6_LEN + 8 + 4;
    private static final int ALLOWED_IP_BOUND = 4 + 8 + 20 + 8;

    /** A GET_DEVICE dump of interface {@code ifname}. */
    public static NlWriter getDevice(int familyId, String ifname) {
        return Genl.request(familyId, Rtnl.NLM_F_DUMP, CMD_GET_DEVICE, VERSION).attrString(DEVICE_A_IFNAME, ifname);
    }

    /**
     * The SET_DEVICE messages that make {@code ifname} hold exactly {@code config}: the first sets the private
     * key and listen port and replaces every peer (WGDEVICE_F_REPLACE_PEERS); peers that do not fit into
     * {@link #MAX_MESSAGE} follow in further messages that add them. Each peer replaces its allowed IPs.
     *
     * @throws IllegalArgumentException when a key is not 32 bytes or one peer alone exceeds a message
     */
    public static List<NlWriter> setDevice(int familyId, String ifname, WireGuardDevice config) {
        List<NlWriter> out = new ArrayList<>();
        NlWriter w = Genl.request(familyId, Rtnl.NLM_F_ACK, CMD_SET_DEVICE, VERSION)
                .attrString(DEVICE_A_IFNAME, ifname);
        byte[] priv = key(config.privateKey(), "private key");
        try {
            w.attr(DEVICE_A_PRIVATE_KEY, priv);
        } finally {
            Arrays.fill(priv, (byte) 0);
        }
        w.attrU16(DEVICE_A_LISTEN_PORT, config.listenPort());
        w.attrU32(DEVICE_A_FLAGS, DEVICE_F_REPLACE_PEERS);
        int peers = w.begin(DEVICE_A_PEERS);
        for (WireGuardDevice.Peer p : config.peers()) {
            int bound = PEER_BOUND + ALLOWED_IP_BOUND * p.allowedIps().size();
            if (bound + 64 > MAX_MESSAGE) {
                throw new IllegalArgumentException("WireGuard peer " + p.publicKey() + " of " + ifname + " has "
                        + p.allowedIps().size() + " allowed IPs: more than one SET_DEVICE message holds");
            }
            if (w.length() + bound > MAX_MESSAGE) {
                w.end(peers);
                out.add(w);
                w = Genl.request(familyId, Rtnl.NLM_F_ACK, CMD_SET_DEVICE, VERSION).attrString(DEVICE_A_IFNAME, ifname);
                peers = w.begin(DEVICE_A_PEERS);
            }
            peer(w, p);
        }
        w.end(peers);
        out.add(w);
        return out;
    }

    private static void peer(NlWriter w, WireGuardDevice.Peer p) {
        int mark = w.begin(0);
        w.attr(PEER_A_PUBLIC_KEY, publicKey(p.publicKey()));
        if (p.presharedKey() != null) {
            byte[] psk = key(p.presharedKey(), "preshared key of peer " + p.publicKey());
            try {
                w.attr(PEER_A_PRESHARED_KEY, psk);
            } finally {
                Arrays.fill(psk, (byte) 0);
            }
        }
        w.attrU32(PEER_A_FLAGS, PEER_F_REPLACE_ALLOWEDIPS);
        if (p.endpoint() != null) {
            w.attr(PEER_A_ENDPOINT, sockaddr(p.endpoint()));
        }
        w.attrU16(PEER_A_PERSISTENT_KEEPALIVE_INTERVAL, p.keepalive());
        int ips = w.begin(PEER_A_ALLOWEDIPS);
        for (IpPrefix ip : p.allowedIps()) {
            int one = w.begin(0);
            w.attrU16(ALLOWEDIP_A_FAMILY, ip.isIpv4() ? AF_INET : AF_INET6);
            w.attrAddress(ALLOWEDIP_A_IPADDR, ip.address());
            w.attrU8(ALLOWEDIP_A_CIDR_MASK, ip.length());
            w.end(one);
        }
        w.end(ips);
        w.end(mark);
    }

    /** A {@code struct sockaddr_in} or {@code sockaddr_in6}: family in host order, port in network order. */
    static byte[] sockaddr(InetSocketAddress endpoint) {
        byte[] a = endpoint.getAddress().getAddress();
        ByteBuffer b = ByteBuffer.allocate(a.length == 4 ? SOCKADDR_IN_LEN : SOCKADDR_IN6_LEN).order(ByteOrder.nativeOrder());
        b.putShort((short) (a.length == 4 ? AF_INET : AF_INET6));
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) endpoint.getPort()).order(ByteOrder.nativeOrder());
        if (a.length == 4) {
            b.put(a);
        } else {
            b.putInt(0).put(a).putInt(0); // flowinfo, address, scope id
        }
        return b.array();
    }

    private static byte[] key(Secret s, String what) {
        if (s.length() != KEY_LEN) {
            throw new IllegalArgumentException("WireGuard " + what + " has " + s.length() + " bytes, not " + KEY_LEN);
        }
        return s.bytes();
    }

    private static byte[] publicKey(String base64) {
        byte[] k;
        try {
            k = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("WireGuard public key " + base64 + " is no base64", e);
        }
        if (k.length != KEY_LEN) {
            throw new IllegalArgumentException("WireGuard public key " + base64 + " has " + k.length + " bytes, not " + KEY_LEN);
        }
        return k;
    }

    /**
     * The device that the messages of one GET_DEVICE dump describe (a private key the kernel did not send,
     * because none is set, reads as 32 zero bytes; a preshared key of zeros as none).
     *
     * @param replies the dump's messages before NLMSG_DONE
     * @param ifname the interface asked for, for messages
     * @return the device
     * @throws NlFormatException when a message or attribute is malformed
     */
    public static WireGuardDevice parseDevice(List<NlMessage> replies, String ifname) {
        String what = "WireGuard GET_DEVICE answer for " + ifname;
        if (replies.isEmpty()) {
            throw new NlFormatException(what + ": no message");
        }
        Secret priv = null;
        int port = 0;
        List<PeerBuilder> peers = new ArrayList<>();
        for (NlMessage m : replies) {
            if (m.body().limit() < Genl.GENL_HDRLEN) {
                throw new NlFormatException(what + ": message " + m + " is shorter than its family header");
            }
            NlAttrs dev = NlAttrs.parseStrict(m.body(), Genl.GENL_HDRLEN, m.body().limit(), what);
            byte[] k = dev.bytes(DEVICE_A_PRIVATE_KEY);
            if (k != null) {
                if (k.length != KEY_LEN) {
                    throw new NlFormatException(what + ": private key attribute of " + k.length + " bytes");
                }
                priv = Secret.of(k);
                Arrays.fill(k, (byte) 0);
            }
            if (dev.has(DEVICE_A_LISTEN_PORT)) {
                port = require(dev.u16(DEVICE_A_LISTEN_PORT), what, "listen port");
            }
            ByteBuffer list = dev.raw(DEVICE_A_PEERS);
            if (list == null) {
                continue;
            }
            for (NlAttrs.Attr entry : NlAttrs.walk(list, what + " peers")) {
                NlAttrs pa = NlAttrs.parseStrict(entry.value(), what + " peer");
                byte[] pub = pa.bytes(PEER_A_PUBLIC_KEY);
                if (pub == null || pub.length != KEY_LEN) {
                    throw new NlFormatException(what + ": a peer without a 32-byte public key");
                }
                String key = Base64.getEncoder().encodeToString(pub);
                PeerBuilder last = peers.isEmpty() ? null : peers.get(peers.size() - 1);
                PeerBuilder p;
                if (last != null && last.publicKey.equals(key)) {
                    p = last; // the same peer, continued from the previous message
                } else {
                    p = new PeerBuilder(key);
                    peers.add(p);
                }
                p.read(pa, what + " peer " + key);
            }
        }
        List<WireGuardDevice.Peer> out = new ArrayList<>();
        for (PeerBuilder p : peers) {
            out.add(p.build());
        }
        return new WireGuardDevice(priv == null ? Secret.of(new byte[KEY_LEN]) : priv, port, out);
    }

    private static int require(Integer v, String what, String field) {
        if (v == null) {
            throw new NlFormatException(what + ": " + field + " attribute too short");
        }
        return v;
    }

    /** One peer as it accumulates over the messages of a dump. */
    private static final class PeerBuilder {
        final String publicKey;
        Secret psk;
        InetSocketAddress endpoint;
        final List<IpPrefix> allowed = new ArrayList<>();
        int keepalive;
        Instant handshake;
        long rx;
        long tx;

        PeerBuilder(String publicKey) {
            this.publicKey = publicKey;
        }

        void read(NlAttrs a, String what) {
            byte[] k = a.bytes(PEER_A_PRESHARED_KEY);
            if (k != null) {
                if (k.length != KEY_LEN) {
                    throw new NlFormatException(what + ": preshared key attribute of " + k.length + " bytes");
                }
                psk = Secret.of(k).isZero() ? null : Secret.of(k);
                Arrays.fill(k, (byte) 0);
            }
            if (a.has(PEER_A_ENDPOINT)) {
                endpoint = endpoint(a.raw(PEER_A_ENDPOINT), what);
            }
            if (a.has(PEER_A_PERSISTENT_KEEPALIVE_INTERVAL)) {
                keepalive = require(a.u16(PEER_A_PERSISTENT_KEEPALIVE_INTERVAL), what, "keepalive");
            }
            ByteBuffer ts = a.raw(PEER_A_LAST_HANDSHAKE_TIME);
            if (ts != null) {
                if (ts.remaining() != 16) {
                    throw new NlFormatException(what + ": last handshake time of " + ts.remaining() + " bytes, not 16");
                }
                long sec = ts.getLong(0);
                long nsec = ts.getLong(8);
                if (sec < 0 || nsec < 0 || nsec >= 1_000_000_000L) {
                    throw new NlFormatException(what + ": last handshake time " + sec + " s " + nsec + " ns");
                }
                handshake = sec == 0 && nsec == 0 ? null : Instant.ofEpochSecond(sec, nsec);
            }
            if (a.has(PEER_A_RX_BYTES)) {
                rx = u64(a, PEER_A_RX_BYTES, what, "rx bytes");
            }
            if (a.has(PEER_A_TX_BYTES)) {
                tx = u64(a, PEER_A_TX_BYTES, what, "tx bytes");
            }
            ByteBuffer ips = a.raw(PEER_A_ALLOWEDIPS);
            if (ips != null) {
                for (NlAttrs.Attr e : NlAttrs.walk(ips, what + " allowed IPs")) {
                    allowed.add(allowedIp(NlAttrs.parseStrict(e.value(), what + " allowed IP"), what));
                }
            }
        }

        WireGuardDevice.Peer build() {
            return new WireGuardDevice.Peer(publicKey, psk, endpoint, allowed, keepalive, handshake, rx, tx);
        }
    }

    private static long u64(NlAttrs a, int type, String what, String field) {
        Long v = a.u64(type);
        if (v == null) {
            throw new NlFormatException(what + ": " + field + " attribute too short");
        }
        return v;
    }

    private static InetSocketAddress endpoint(ByteBuffer b, String what) {
        if (b.remaining() < 2) {
            throw new NlFormatException(what + ": endpoint of " + b.remaining() + " bytes");
        }
        int family = b.getShort(0) & 0xFFFF;
        int len = family == AF_INET ? SOCKADDR_IN_LEN : family == AF_INET6 ? SOCKADDR_IN6_LEN : -1;
        if (family == 0) {
            return null;
        }
        if (len < 0 || b.remaining() < len) {
            throw new NlFormatException(what + ": endpoint of family " + family + " in " + b.remaining() + " bytes");
        }
        int port = ((b.get(2) & 0xFF) << 8) | (b.get(3) & 0xFF);
        byte[] addr = new byte[family == AF_INET ? 4 : 16];
        b.duplicate().position(family == AF_INET ? 4 : 8).get(addr);
        return new InetSocketAddress(address(addr), port);
    }

    private static IpPrefix allowedIp(NlAttrs a, String what) {
        Integer family = a.u16(ALLOWEDIP_A_FAMILY);
        byte[] addr = a.bytes(ALLOWEDIP_A_IPADDR);
        Integer cidr = a.u8(ALLOWEDIP_A_CIDR_MASK);
        if (family == null || addr == null || cidr == null) {
            throw new NlFormatException(what + ": an allowed IP without family, address or cidr");
        }
        int want = family == AF_INET ? 4 : family == AF_INET6 ? 16 : -1;
        if (addr.length != want || cidr > addr.length * 8) {
            throw new NlFormatException(what + ": allowed IP of family " + family + " with " + addr.length
                    + " address bytes and cidr " + cidr);
        }
        return new IpPrefix(address(addr), cidr);
    }

    /** 16 bytes stay IPv6 (an IPv4-mapped address too: {@code InetAddress.getByAddress} would make it IPv4). */
    private static InetAddress address(byte[] b) {
        try {
            return b.length == 16 ? java.net.Inet6Address.getByAddress(null, b, null) : InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // unreachable: 4 or 16 bytes
        }
    }
}
