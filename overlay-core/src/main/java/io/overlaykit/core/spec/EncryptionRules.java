package io.overlaykit.core.spec;

import io.overlaykit.core.InvalidSpecException.Problem;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.Ports;
import io.overlaykit.core.internal.wireguard.WireGuardKeys;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of the encryption fields: {@code psk} (which means "encrypt"), {@code encryption}, {@code transit},
 * {@code wireguardPort} and each host's {@code publicKey}. Every problem names its field; the psk itself is
 * never shown.
 */
final class EncryptionRules {
    private EncryptionRules() {
    }

    static void check(OverlaySpec spec, List<Problem> problems) {
        Encryption e = spec.encryption();
        if (spec.psk() == null) {
            if (e.mode() != null) {
                add(problems, "encryption", e.mode().name().toLowerCase(java.util.Locale.ROOT),
                        "needs a \"psk\": the psk is what the overlay is encrypted with");
            }
            if (e.transit() != null) {
                add(problems, "transit", e.transit(), "only an encrypted overlay (one with a \"psk\") has a transit range");
            }
            if (e.wireguardPort() != null) {
                add(problems, "wireguardPort", e.wireguardPort(), "only an encrypted overlay (one with a \"psk\") uses WireGuard");
            }
            for (int h = 0; h < spec.hosts().size(); h++) {
                if (spec.hosts().get(h).publicKey() != null) {
                    add(problems, "hosts[" + h + "].publicKey", spec.hosts().get(h).publicKey(),
                            "only an encrypted overlay (one with a \"psk\") has WireGuard keys");
                }
            }
            return;
        }
        if (spec.psk().isBlank()) {
            add(problems, "psk", "(empty)", "must not be empty when given");
        }
        if (spec.encryptionMode() == Encryption.Mode.IPSEC) {
            if (spec.switchKind() == SwitchKind.LINUX) {
                add(problems, "encryption", "ipsec", "IPsec tunnels need switch \"ovs\" (OVS IPsec); "
                        + "\"encryption\": \"wireguard\" works with both switches");
            }
            if (e.transit() != null) {
                add(problems, "transit", e.transit(), "only \"encryption\": \"wireguard\" uses a transit range");
            }
            if (e.wireguardPort() != null) {
                add(problems, "wireguardPort", e.wireguardPort(), "only \"encryption\": \"wireguard\" uses it");
            }
        }
        if (e.wireguardPort() != null) {
            if (!Ports.isValid(e.wireguardPort())) {
                add(problems, "wireguardPort", e.wireguardPort(), "port must be 1.." + Ports.MAX);
            } else if (e.wireguardPort() == spec.udpPort()) {
                add(problems, "wireguardPort", e.wireguardPort(), "is the VXLAN udpPort too; WireGuard needs a port of its own");
            }
        }
        checkTransit(spec, problems);
        checkKeys(spec, problems);
    }

    private static void checkTransit(OverlaySpec spec, List<Problem> problems) {
        if (spec.encryptionMode() != Encryption.Mode.WIREGUARD) {
            return;
        }
        IpPrefix t = spec.transit();
        String path = "transit";
        if (!t.isIpv4()) {
            add(problems, path, t, "only an IPv4 transit range is supported");
            return;
        }
        if (!t.isNetwork()) {
            add(problems, path, t, "has host bits set; the network is " + t.network());
            return;
        }
        long usable = (1L << (32 - t.length())) - 2;
        if (t.length() > 30 || usable < spec.hosts().size()) {
            add(problems, path, t, "is too small: every host needs an address in it (" + spec.hosts().size() + " hosts)");
        }
        IpPrefix subnet = spec.subnet();
        if (subnet != null && (t.contains(subnet.address()) || subnet.contains(t.address()))) {
            add(problems, path, t, "overlaps the overlay subnet " + subnet);
        }
        for (int h = 0; h < spec.hosts().size(); h++) {
            HostSpec host = spec.hosts().get(h);
            String hp = "hosts[" + h + "]";
            inside(problems, t, hp + ".underlay", host.underlay());
            inside(problems, t, hp + ".gateway", host.gateway());
            for (int f = 0; f < host.forwards().size(); f++) {
                ForwardSpec fw = host.forwards().get(f);
                if (fw.listen() != null) {
                    inside(problems, t, hp + ".forwards[" + f + "].listen", fw.listen().address());
                }
            }
        }
        for (int i = 0; i < spec.dns().size(); i++) {
            inside(problems, t, "dns[" + i + "]", spec.dns().get(i));
        }
        if (spec.lab() != null) {
            inside(problems, t, "lab.outside", spec.lab().outside());
        }
    }

    private static void inside(List<Problem> problems, IpPrefix transit, String path, InetAddress a) {
        if (a instanceof Inet4Address && transit.contains(a)) {
            add(problems, path, a, "lies inside the transit range " + transit + " of the WireGuard interfaces; "
                    + "pick another \"transit\"");
        }
    }

    private static void checkKeys(OverlaySpec spec, List<Problem> problems) {
        Map<String, String> seen = new HashMap<>();
        for (int h = 0; h < spec.hosts().size(); h++) {
            String key = spec.hosts().get(h).publicKey();
            if (key == null) {
                continue;
            }
            String path = "hosts[" + h + "].publicKey";
            if (spec.encryptionMode() != Encryption.Mode.WIREGUARD) {
                add(problems, path, key, "only \"encryption\": \"wireguard\" uses public keys");
                continue;
            }
            try {
                WireGuardKeys.parseBase64(key);
            } catch (IllegalArgumentException ex) {
                add(problems, path, key, "is no WireGuard public key (" + ex.getMessage() + "; `wg pubkey` prints one)");
                continue;
            }
            String prev = seen.putIfAbsent(key.trim(), path);
            if (prev != null) {
                add(problems, path, key, "same public key as " + prev + "; every host needs its own key pair");
            }
        }
    }

    private static void add(List<Problem> problems, String path, Object value, String reason) {
        String shown = value instanceof InetAddress a ? a.getHostAddress() : value == null ? null : String.valueOf(value);
        problems.add(new Problem(path, shown, reason));
    }
}
