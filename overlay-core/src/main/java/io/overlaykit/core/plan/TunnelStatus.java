package io.overlaykit.core.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How the tunnel from one host to a peer host is carried: {@code encryption} is {@code "none"},
 * {@code "wireguard"} or {@code "ipsec"}; for WireGuard, the peer's last handshake as the host's WireGuard
 * interface reports it (null: none yet, or the peer is not configured there) and its age when read. A tunnel is
 * {@link #healthy()} when it needs no handshake (unencrypted) or its last handshake is at most
 * {@link #REKEY_WINDOW} old: WireGuard renews keys every 120 s while traffic flows (the persistent keepalive
 * keeps it flowing), and refuses to use a session past 180 s.
 */
public record TunnelStatus(String host, String peer, String encryption, Instant lastHandshake, Duration age,
                           long rxBytes, long txBytes) {
    /** WireGuard's REJECT_AFTER_TIME: a handshake older than this means the peer cannot be reached. */
    public static final Duration REKEY_WINDOW = Duration.ofSeconds(180);

    /**
     * Requires {@code host}, {@code peer} and {@code encryption}; {@code lastHandshake} and {@code age} may be null.
     */
    public TunnelStatus {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(encryption, "encryption");
    }

    /** Whether the tunnel is usable as far as its encryption can tell. */
    public boolean healthy() {
        return !encryption.equals("wireguard") || (age != null && age.compareTo(REKEY_WINDOW) <= 0);
    }

    /** One line for people: {@code hostA -> hostB: wireguard, handshake 12 s ago}. */
    public String describe() {
        String hs = !encryption.equals("wireguard") ? "" : age == null ? ", no handshake"
                : ", handshake " + age.toSeconds() + " s ago" + (healthy() ? "" : " (older than "
                + REKEY_WINDOW.toSeconds() + " s)");
        return host + " -> " + peer + ": " + encryption + hs;
    }

    /** A structure of maps and strings, ready for a JSON writer. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", host);
        m.put("peer", peer);
        m.put("encryption", encryption);
        m.put("lastHandshake", lastHandshake == null ? null : lastHandshake.toString());
        m.put("handshakeAgeSeconds", age == null ? null : age.toSeconds());
        m.put("rxBytes", rxBytes);
        m.put("txBytes", txBytes);
        m.put("healthy", healthy());
        return m;
    }

    @Override
    public String toString() {
        return describe();
    }
}
