package io.overlaykit.core.spi;

import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.Secret;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A WireGuard interface's configuration (private key, listen port, peers), as set or as read back; read back,
 * each peer also carries its last handshake and byte counters. Keys are 32 bytes; public keys are shown in
 * base64 as {@code wg} shows them, private and preshared keys are {@link Secret}s and never printed.
 */
public record WireGuardDevice(Secret privateKey, int listenPort, List<Peer> peers) {

    /** Requires {@code privateKey} and {@code peers}; copies {@code peers}. */
    public WireGuardDevice {
        Objects.requireNonNull(privateKey, "privateKey");
        peers = List.copyOf(peers);
    }

    /** The peer with this public key, if any. */
    public Optional<Peer> peer(String publicKey) {
        return peers.stream().filter(p -> p.publicKey().equals(publicKey)).findFirst();
    }

    /**
     * Whether this device is configured as {@code other} is (keys, port, and each peer's key, preshared key,
     * endpoint, allowed IPs and keepalive), whatever the handshakes and counters say.
     */
    public boolean sameConfig(WireGuardDevice other) {
        if (!privateKey.equals(other.privateKey) || listenPort != other.listenPort || peers.size() != other.peers.size()) {
            return false;
        }
        for (Peer p : peers) {
            Optional<Peer> o = other.peer(p.publicKey());
            if (o.isEmpty() || !p.sameConfig(o.get())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "WireGuardDevice[privateKey=" + Secret.REDACTED + ", listenPort=" + listenPort + ", peers=" + peers + "]";
    }

    /**
     * A peer: its public key (base64), the preshared key (null: none), its endpoint, allowed IPs, persistent
     * keepalive in seconds (0: off), and as read back the last handshake (null: none yet) and the bytes moved.
     */
    public record Peer(String publicKey, Secret presharedKey, InetSocketAddress endpoint, List<IpPrefix> allowedIps,
                       int keepalive, Instant lastHandshake, long rxBytes, long txBytes) {
        /** Requires {@code publicKey} and {@code allowedIps}; copies {@code allowedIps}. */
        public Peer {
            Objects.requireNonNull(publicKey, "publicKey");
            allowedIps = List.copyOf(allowedIps);
        }

        /** A peer to configure. */
        public static Peer of(String publicKey, Secret presharedKey, InetSocketAddress endpoint,
                              List<IpPrefix> allowedIps, int keepalive) {
            return new Peer(publicKey, presharedKey, endpoint, allowedIps, keepalive, null, 0, 0);
        }

        boolean sameConfig(Peer o) {
            return publicKey.equals(o.publicKey) && Objects.equals(presharedKey, o.presharedKey)
                    && Objects.equals(endpoint, o.endpoint) && new java.util.HashSet<>(allowedIps).equals(
                    new java.util.HashSet<>(o.allowedIps)) && keepalive == o.keepalive;
        }

        @Override
        public String toString() {
            return "Peer[" + publicKey + ", endpoint=" + (endpoint == null ? null : endpoint.getAddress().getHostAddress()
                    + ":" + endpoint.getPort()) + ", allowedIps=" + allowedIps + (presharedKey == null ? ""
                    : ", presharedKey=" + Secret.REDACTED) + ", lastHandshake=" + lastHandshake + "]";
        }
    }
}
