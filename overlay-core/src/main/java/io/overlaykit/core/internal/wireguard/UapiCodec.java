package io.overlaykit.core.internal.wireguard;

import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.Secret;
import io.overlaykit.core.spi.WireGuardDevice;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The WireGuard cross-platform userspace API (wireguard.com/xplatform), pure: {@code get=1} answers as
 * {@code key=value} lines ending in {@code errno=N} and a blank line; {@code set=1} requests as such lines
 * ending in a blank line. Keys are hex on the wire. Error texts never quote a line that holds a key.
 */
public final class UapiCodec {
    /** The longest answer accepted (a few hundred peers). */
    public static final int MAX_ANSWER = 1 << 20;
    private static final HexFormat HEX = HexFormat.of();

    private UapiCodec() {
    }

    /** The {@code get} request. */
    public static String get() {
        return "get=1\n\n";
    }

    /** A {@code set} request that sets key and port and replaces every peer. */
    public static String set(WireGuardDevice d) {
        StringBuilder sb = new StringBuilder("set=1\n");
        sb.append("private_key=").append(HEX.formatHex(d.privateKey().bytes())).append('\n');
        sb.append("listen_port=").append(d.listenPort()).append('\n');
        sb.append("replace_peers=true\n");
        for (WireGuardDevice.Peer p : d.peers()) {
            sb.append("public_key=").append(HEX.formatHex(Base64.getDecoder().decode(p.publicKey()))).append('\n');
            if (p.presharedKey() != null) {
                sb.append("preshared_key=").append(HEX.formatHex(p.presharedKey().bytes())).append('\n');
            }
            if (p.endpoint() != null) {
                sb.append("endpoint=").append(endpoint(p.endpoint())).append('\n');
            }
            sb.append("persistent_keepalive_interval=").append(p.keepalive()).append('\n');
            sb.append("replace_allowed_ips=true\n");
            for (IpPrefix a : p.allowedIps()) {
                sb.append("allowed_ip=").append(a.address().getHostAddress()).append('/').append(a.length()).append('\n');
            }
        }
        return sb.append('\n').toString();
    }

    private static String endpoint(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** The errno of a {@code set} answer (0: done). */
    public static int errno(String answer) {
        for (String line : answer.split("\n")) {
            if (line.startsWith("errno=")) {
                return parseInt("errno", line.substring(6));
            }
        }
        throw new OverlayException("WireGuard UAPI answer has no errno line");
    }

    /**
     * Parses a {@code get} answer.
     *
     * @throws OverlayException when it is not a UAPI answer, or its errno is not 0
     */
    public static WireGuardDevice parse(String answer) {
        Secret priv = Secret.of(new byte[WireGuardKeys.KEY_LENGTH]);
        int port = 0;
        List<WireGuardDevice.Peer> peers = new ArrayList<>();
        PeerBuilder peer = null;
        Integer errno = null;
        for (String line : answer.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new OverlayException("WireGuard UAPI answer has a line without '=' (" + safe(line) + ")");
            }
            String k = line.substring(0, eq);
            String v = line.substring(eq + 1);
            switch (k) {
                case "private_key" -> priv = Secret.of(key(k, v));
                case "listen_port" -> port = parseInt(k, v);
                case "fwmark", "protocol_version" -> {
                }
                case "public_key" -> {
                    if (peer != null) {
                        peers.add(peer.build());
                    }
                    peer = new PeerBuilder(Base64.getEncoder().encodeToString(key(k, v)));
                }
                case "preshared_key" -> requirePeer(peer, k).psk = key(k, v);
                case "endpoint" -> requirePeer(peer, k).endpoint = parseEndpoint(v);
                case "allowed_ip" -> requirePeer(peer, k).allowed.add(parsePrefix(v));
                case "persistent_keepalive_interval" -> requirePeer(peer, k).keepalive = parseInt(k, v);
                case "last_handshake_time_sec" -> requirePeer(peer, k).handshakeSec = parseLong(k, v);
                case "last_handshake_time_nsec" -> requirePeer(peer, k).handshakeNsec = parseLong(k, v);
                case "rx_bytes" -> requirePeer(peer, k).rx = parseLong(k, v);
                case "tx_bytes" -> requirePeer(peer, k).tx = parseLong(k, v);
                case "errno" -> errno = parseInt(k, v);
                default -> {
                    // a newer daemon's field: ignored, as the protocol asks
                }
            }
        }
        if (errno == null) {
            throw new OverlayException("WireGuard UAPI answer has no errno line");
        }
        if (errno != 0) {
            throw new OverlayException("WireGuard UAPI get failed with errno " + errno);
        }
        if (peer != null) {
            peers.add(peer.build());
        }
        return new WireGuardDevice(priv, port, peers);
    }

    private static PeerBuilder requirePeer(PeerBuilder p, String key) {
        if (p == null) {
            throw new OverlayException("WireGuard UAPI answer has " + key + " before any public_key");
        }
        return p;
    }

    private static byte[] key(String k, String hex) {
        if (hex.length() != 2 * WireGuardKeys.KEY_LENGTH) {
            throw new OverlayException("WireGuard UAPI answer: " + k + " is not 32 bytes of hex");
        }
        try {
            return HEX.parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new OverlayException("WireGuard UAPI answer: " + k + " is not hex");
        }
    }

    private static InetSocketAddress parseEndpoint(String v) {
        int colon = v.lastIndexOf(':');
        if (colon <= 0) {
            throw new OverlayException("WireGuard UAPI answer: endpoint " + safe(v) + " has no port");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            InetAddress a = IpPrefix.parseAddress(host);
            return new InetSocketAddress(a, parseInt("endpoint port", v.substring(colon + 1)));
        } catch (RuntimeException e) {
            throw new OverlayException("WireGuard UAPI answer: endpoint " + safe(v) + " is not ADDRESS:PORT", e);
        }
    }

    private static IpPrefix parsePrefix(String v) {
        try {
            return IpPrefix.parse(v);
        } catch (RuntimeException e) {
            throw new OverlayException("WireGuard UAPI answer: allowed_ip " + safe(v) + " is not a prefix", e);
        }
    }

    private static int parseInt(String k, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new OverlayException("WireGuard UAPI answer: " + k + " is not a number (" + safe(v) + ")");
        }
    }

    private static long parseLong(String k, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new OverlayException("WireGuard UAPI answer: " + k + " is not a number (" + safe(v) + ")");
        }
    }

    /** At most 40 characters of a line, for messages (lines with keys are never shown). */
    private static String safe(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static final class PeerBuilder {
        final String publicKey;
        byte[] psk;
        InetSocketAddress endpoint;
        final List<IpPrefix> allowed = new ArrayList<>();
        int keepalive;
        long handshakeSec;
        long handshakeNsec;
        long rx;
        long tx;

        PeerBuilder(String publicKey) {
            this.publicKey = publicKey;
        }

        WireGuardDevice.Peer build() {
            Secret ps = psk == null || isZero(psk) ? null : Secret.of(psk);
            if (psk != null) {
                Arrays.fill(psk, (byte) 0);
            }
            Instant hs = handshakeSec == 0 && handshakeNsec == 0 ? null : Instant.ofEpochSecond(handshakeSec, handshakeNsec);
            return new WireGuardDevice.Peer(publicKey, ps, endpoint, allowed, keepalive, hs, rx, tx);
        }

        private static boolean isZero(byte[] b) {
            int acc = 0;
            for (byte x : b) {
                acc |= x;
            }
            return acc == 0;
        }
    }
}
