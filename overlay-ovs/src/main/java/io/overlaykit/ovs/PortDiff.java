package io.overlaykit.ovs;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.ovs.internal.Redaction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Compares a wanted port with the one OVS has, and reads tunnels back; never prints a psk. */
final class PortDiff {
    private PortDiff() {
    }

    /**
     * What differs between {@code wanted} and the existing port's interface (type and options; split horizon is
     * the planner's to repair), or empty when identical.
     */
    static Optional<String> describe(OvsPort wanted, OvsView.PortState existing) {
        if (existing.interfaceUuid() == null) {
            return Optional.of("has no interface");
        }
        List<String> diffs = new ArrayList<>();
        String type = existing.type();
        if (!type.equals(wanted.type())) {
            diffs.add("has type '" + show(type) + "', wanted '" + show(wanted.type()) + "'");
        }
        Map<String, String> have = normalise(existing.options());
        Map<String, String> want = normalise(wanted.options());
        TreeSet<String> keys = new TreeSet<>(have.keySet());
        keys.addAll(want.keySet());
        for (String k : keys) {
            String h = have.get(k);
            String w = want.get(k);
            if (h != null && h.equals(w)) {
                continue;
            }
            if (Redaction.isSecretKey(k)) {
                diffs.add("option " + k + " differs (" + (h == null ? "not set" : "set") + ", wanted "
                        + (w == null ? "not set" : "another value") + ")");
            } else {
                diffs.add("option " + k + " is " + (h == null ? "not set" : "'" + h + "'") + ", wanted "
                        + (w == null ? "not set" : "'" + w + "'"));
            }
        }
        return diffs.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", diffs));
    }

    private static String show(String type) {
        return type.isEmpty() ? "system" : type;
    }

    /** dst_port 4789 is OVS's default for vxlan: absent and explicit mean the same. */
    private static Map<String, String> normalise(Map<String, String> options) {
        Map<String, String> out = new HashMap<>(options);
        if (Integer.toString(VxlanTunnel.IANA_PORT).equals(out.get("dst_port"))) {
            out.remove("dst_port");
        }
        return out;
    }

    /** A vxlan interface's options as a tunnel; empty when they are flow-based ({@code key=flow}). */
    static Optional<VxlanTunnel> tunnel(String name, Map<String, String> o) {
        String key = o.getOrDefault("key", "0");
        String remote = o.get("remote_ip");
        if (!key.chars().allMatch(Character::isDigit) || remote == null || remote.equals("flow")) {
            return Optional.empty();
        }
        VxlanTunnel.Builder b = VxlanTunnel.builder(InterfaceName.of(name).value(), Integer.parseInt(key)).remote(remote);
        String local = o.get("local_ip");
        if (local != null && !local.equals("flow")) {
            b.local(local);
        }
        if (o.containsKey("dst_port")) {
            b.dstPort(Integer.parseInt(o.get("dst_port")));
        }
        if (o.containsKey("psk")) {
            b.psk(o.get("psk"));
        }
        return Optional.of(b.build());
    }
}
