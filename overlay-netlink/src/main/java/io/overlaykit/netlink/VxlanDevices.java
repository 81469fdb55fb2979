package io.overlaykit.netlink;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.Vni;
import io.overlaykit.core.VxlanTunnel;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * How {@link LinuxBridgeSwitch} derives its shared VXLAN devices from per-peer tunnels: the device
 * name, the device settings every tunnel of a VNI must agree on, and what differs from a device found
 * in the kernel. Pure functions, no I/O.
 */
final class VxlanDevices {
    private VxlanDevices() {
    }

    /** See {@link LinuxBridgeSwitch#vxlanDeviceName}. */
    static InterfaceName name(InterfaceName bridge, Vni vni) {
        String prefix = "vx" + vni.value() + "-";
        String b = bridge.value();
        int room = InterfaceName.MAX_BYTES - prefix.length();
        if (b.getBytes(StandardCharsets.UTF_8).length <= room) {
            return InterfaceName.of(prefix + b);
        }
        // Too long: keep a readable head (ASCII only, so bytes == chars) and add a hash of the full name.
        String hash = hash4(b);
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < b.length() && head.length() < room - hash.length(); i++) {
            char c = b.charAt(i);
            if (c < 0x80) {
                head.append(c);
            }
        }
        return InterfaceName.of(prefix + head + hash);
    }

    private static String hash4(String s) {
        CRC32 crc = new CRC32();
        crc.update(s.getBytes(StandardCharsets.UTF_8));
        return String.format("%04x", crc.getValue() & 0xFFFF);
    }

    static Map<Vni, List<VxlanTunnel>> byVni(List<VxlanTunnel> tunnels) {
        Map<Vni, List<VxlanTunnel>> groups = new LinkedHashMap<>();
        for (VxlanTunnel t : tunnels) {
            if (t.remote() == null) {
                throw new InvalidSpecException("vxlan " + t.name() + " remote", null,
                        "the linux switch needs a remote VTEP per tunnel (it becomes a flood FDB entry)");
            }
            groups.computeIfAbsent(t.vni(), k -> new ArrayList<>()).add(t);
        }
        return groups;
    }

    /** The shared device for one VNI; every tunnel of the group must agree on the device settings. */
    static VxlanTunnel deviceFor(InterfaceName bridge, Vni vni, List<VxlanTunnel> group, String alias) {
        VxlanTunnel first = group.get(0);
        for (VxlanTunnel t : group) {
            mustAgree(t, "local", first.local(), t.local());
            mustAgree(t, "device", first.device(), t.device());
            mustAgree(t, "dstPort", first.dstPort(), t.dstPort());
            mustAgree(t, "ttl", first.ttl(), t.ttl());
            mustAgree(t, "mtu", first.mtu(), t.mtu());
            mustAgree(t, "udpChecksum", first.udpChecksum(), t.udpChecksum());
        }
        VxlanTunnel.Builder b = VxlanTunnel.builder(name(bridge, vni).value(), vni.value())
                .local(first.local())
                .dstPort(first.dstPort())
                .learning(false)
                .udpChecksum(first.udpChecksum())
                .alias(alias);
        if (first.device() != null) {
            b.device(first.device().value());
        }
        if (first.ttl() != null) {
            b.ttl(first.ttl());
        }
        if (first.mtu() != null) {
            b.mtu(first.mtu());
        }
        return b.build();
    }

    private static void mustAgree(VxlanTunnel t, String field, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            throw new InvalidSpecException("vxlan " + t.name() + " " + field, text(actual),
                    "tunnels with VNI " + t.vni() + " share one kernel device, so they need the same "
                            + field + " (" + text(expected) + ")");
        }
    }

    private static String text(Object value) {
        return value instanceof InetAddress a ? a.getHostAddress() : String.valueOf(value);
    }

    /**
     * What differs between the device as read back and as wanted, or null. A field the read-back
     * leaves empty is not compared, so an incomplete read never causes a re-create loop.
     */
    static String difference(VxlanTunnel have, VxlanTunnel want) {
        if (have == null) {
            return null;
        }
        List<String> diffs = new ArrayList<>();
        if (!have.vni().equals(want.vni())) {
            diffs.add("vni " + have.vni() + " -> " + want.vni());
        }
        if (have.local() != null && !have.local().equals(want.local())) {
            diffs.add("local " + text(have.local()) + " -> " + text(want.local()));
        }
        if (have.device() != null && want.device() != null && !have.device().equals(want.device())) {
            diffs.add("device " + have.device() + " -> " + want.device());
        }
        if (have.dstPort() != want.dstPort()) {
            diffs.add("dstPort " + have.dstPort() + " -> " + want.dstPort());
        }
        if (have.learning() != want.learning()) {
            diffs.add("learning " + have.learning() + " -> " + want.learning());
        }
        if (have.ttl() != null && want.ttl() != null && !have.ttl().equals(want.ttl())) {
            diffs.add("ttl " + have.ttl() + " -> " + want.ttl());
        }
        return diffs.isEmpty() ? null : String.join(", ", diffs);
    }
}
