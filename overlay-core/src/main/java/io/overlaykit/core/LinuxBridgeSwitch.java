package io.overlaykit.core;

import io.overlaykit.core.spi.Links;
import io.overlaykit.core.spi.OverlaySwitch;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The {@code linux} switch: a Linux bridge plus one kernel VXLAN device per VNI, programmed through
 * {@link Links} of one namespace. Instead of a device per peer (the OVS way), the device has learning
 * off and one flood FDB entry ({@code 00:00:00:00:00:00 dst PEER}) per peer, so broadcast and unknown
 * unicast reach every peer while the VTEP source address and parent device stay pinned.
 *
 * <p>Bridges and VXLAN devices carry the link alias {@code overlaykit:<owner>}, which is how
 * {@link #bridges(String)} and teardown find exactly ours. Every method is idempotent.
 *
 * <pre>{@code
 * OverlaySwitch sw = new LinuxBridgeSwitch(stack.links(NetNamespace.named("hostA")));
 * sw.ensureBridge(Bridge.named("ok-demo").withMtu(1450), "demo");
 * sw.addTunnels(InterfaceName.of("ok-demo"), List.of(
 *         VxlanTunnel.builder("hostB", 5000).remote("192.0.2.3").local("192.0.2.2").device("eth0").mtu(1450).build()),
 *         "demo");
 * }</pre>
 *
 * <p>The switch does not own the {@code Links} handle: {@link #close()} does nothing to it.
 */
public final class LinuxBridgeSwitch implements OverlaySwitch {
    /** The link alias prefix; the owner (spec name) follows. */
    public static final String ALIAS_PREFIX = "overlaykit:";

    private static final System.Logger LOG = System.getLogger(LinuxBridgeSwitch.class.getName());

    private final Links links;

    /** A switch working on the links of {@code links.namespace()}. */
    public LinuxBridgeSwitch(Links links) {
        this.links = Objects.requireNonNull(links, "links");
    }

    /** The alias that tags objects of {@code owner}. */
    public static String alias(String owner) {
        if (owner == null || owner.isBlank()) {
            throw new InvalidSpecException("owner", owner, "must not be empty");
        }
        return ALIAS_PREFIX + owner;
    }

    /**
     * The name of the VXLAN device for {@code vni} on {@code bridge}: {@code vx<VNI>-<bridge>}, with the
     * bridge part shortened and completed by a hash when the whole would exceed 15 bytes. Stable across
     * runs, distinct for distinct (bridge, VNI) pairs in practice.
     */
    public static InterfaceName vxlanDeviceName(InterfaceName bridge, Vni vni) {
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

    @Override
    public String kind() {
        return "linux";
    }

    /** False: the kernel bridge and kernel VXLAN handle checksum offload themselves. */
    @Override
    public boolean needsTxChecksumOff() {
        return false;
    }

    /** The namespace this switch works in. */
    public NetNamespace namespace() {
        return links.namespace();
    }

    @Override
    public void ensureBridge(Bridge bridge, String owner) {
        String alias = alias(owner);
        Optional<LinkInfo> existing = links.find(bridge.name());
        existing.ifPresent(link -> checkOurs(link, "bridge", alias));
        LinkInfo info = links.ensure(bridge.withAlias(alias));
        if (bridge.mtu() != null && info.mtu() != bridge.mtu()) {
            links.setMtu(bridge.name(), bridge.mtu());
        }
        if (!info.up()) {
            links.setUp(bridge.name());
        }
        LOG.log(Level.DEBUG, () -> (existing.isPresent() ? "kept" : "created") + " bridge " + bridge.name()
                + " in " + ns() + " for " + owner);
    }

    /**
     * Deletes the bridge and the VXLAN devices of ours enslaved to it (kernel bridges release their
     * other ports, veth host ends, without deleting them).
     */
    @Override
    public boolean deleteBridge(InterfaceName bridge) {
        Optional<LinkInfo> br = links.find(bridge);
        if (br.isEmpty()) {
            return false;
        }
        for (LinkInfo port : portsOf(br.get())) {
            if (port.isKind("vxlan") && isOurs(port)) {
                links.delete(port.name());
            }
        }
        boolean deleted = links.delete(bridge);
        LOG.log(Level.DEBUG, () -> "deleted bridge " + bridge + " in " + ns());
        return deleted;
    }

    @Override
    public List<InterfaceName> bridges(String owner) {
        String alias = alias(owner);
        return links.list().stream()
                .filter(l -> l.isKind("bridge") && alias.equals(l.alias()))
                .map(LinkInfo::name)
                .sorted()
                .toList();
    }

    @Override
    public void attach(InterfaceName bridge, List<InterfaceName> ports, String owner) {
        LinkInfo br = links.get(bridge);
        for (InterfaceName port : ports) {
            LinkInfo info = links.get(port);
            if (info.masterIndex() != br.index()) {
                links.setMaster(port, bridge);
            }
            if (!info.up()) {
                links.setUp(port);
            }
        }
    }

    @Override
    public void detach(InterfaceName bridge, List<InterfaceName> ports) {
        Optional<LinkInfo> br = links.find(bridge);
        if (br.isEmpty()) {
            return;
        }
        for (InterfaceName port : ports) {
            Optional<LinkInfo> info = links.find(port);
            if (info.isPresent() && info.get().masterIndex() == br.get().index()) {
                links.setMaster(port, null);
            }
        }
    }

    /**
     * Ensures one VXLAN device per VNI among {@code tunnels} (learning off, local address, parent device,
     * port, TTL and MTU from the tunnels, which must agree on them), enslaved to the bridge and up, then
     * appends a flood FDB entry per peer that lacks one.
     */
    @Override
    public void addTunnels(InterfaceName bridge, List<VxlanTunnel> tunnels, String owner) {
        String alias = alias(owner);
        LinkInfo br = links.get(bridge);
        for (Map.Entry<Vni, List<VxlanTunnel>> group : byVni(tunnels).entrySet()) {
            VxlanTunnel device = deviceFor(bridge, group.getKey(), group.getValue(), alias);
            links.find(device.name()).ifPresent(link -> checkOurs(link, "vxlan device", alias));
            LinkInfo info = links.ensure(device);
            if (info.masterIndex() != br.index()) {
                links.setMaster(device.name(), bridge);
            }
            if (!info.up()) {
                links.setUp(device.name());
            }
            Set<InetAddress> present = new HashSet<>();
            for (FdbEntry e : links.fdb(device.name())) {
                if (e.isFlood() && e.remote() != null) {
                    present.add(e.remote());
                }
            }
            for (VxlanTunnel t : group.getValue()) {
                if (present.add(t.remote())) {
                    links.addFdb(FdbEntry.flood(device.name(), t.remote()));
                    LOG.log(Level.DEBUG, () -> "flood entry " + device.name() + " -> "
                            + t.remote().getHostAddress() + " in " + ns());
                }
            }
        }
    }

    /**
     * Removes the FDB entries (flood and static unicast) that point at the tunnels' peers; a device left
     * without any flood entry is deleted.
     */
    @Override
    public void removeTunnels(InterfaceName bridge, List<VxlanTunnel> tunnels) {
        for (Map.Entry<Vni, List<VxlanTunnel>> group : byVni(tunnels).entrySet()) {
            InterfaceName dev = vxlanDeviceName(bridge, group.getKey());
            Optional<LinkInfo> info = links.find(dev);
            if (info.isEmpty() || !info.get().isKind("vxlan")) {
                continue;
            }
            Set<InetAddress> gone = new HashSet<>();
            group.getValue().forEach(t -> gone.add(t.remote()));
            boolean floodLeft = false;
            for (FdbEntry e : links.fdb(dev)) {
                if (e.remote() != null && gone.contains(e.remote())) {
                    links.deleteFdb(e);
                } else if (e.isFlood() && e.remote() != null) {
                    floodLeft = true;
                }
            }
            if (!floodLeft) {
                links.delete(dev);
                LOG.log(Level.DEBUG, () -> "deleted vxlan device " + dev + " in " + ns() + ": no peer left");
            }
        }
    }

    /** Links enslaved to the bridge (tunnel devices included); empty when the bridge does not exist. */
    @Override
    public List<InterfaceName> ports(InterfaceName bridge) {
        return links.find(bridge).map(br -> portsOf(br).stream().map(LinkInfo::name).sorted().toList())
                .orElse(List.of());
    }

    /**
     * One tunnel per flood entry of each VXLAN device on the bridge; its name is the shared device's
     * name and its settings are the device's. Empty when the bridge does not exist.
     */
    @Override
    public List<VxlanTunnel> tunnels(InterfaceName bridge) {
        Optional<LinkInfo> br = links.find(bridge);
        if (br.isEmpty()) {
            return List.of();
        }
        List<VxlanTunnel> out = new ArrayList<>();
        for (LinkInfo port : portsOf(br.get())) {
            if (!port.isKind("vxlan")) {
                continue;
            }
            for (FdbEntry e : links.fdb(port.name())) {
                if (!e.isFlood() || e.remote() == null) {
                    continue;
                }
                VxlanTunnel base = port.vxlan();
                if (base == null && e.vni() == null) {
                    LOG.log(Level.WARNING, () -> "vxlan device " + port.name() + " in " + ns()
                            + " reports no VNI; skipping " + e);
                    continue;
                }
                VxlanTunnel.Builder b = base != null
                        ? base.toBuilder()
                        : VxlanTunnel.builder(port.name().value(), e.vni());
                out.add(b.remote(e.remote()).build());
            }
        }
        return out;
    }

    /** Does nothing: the {@link Links} handle belongs to the caller. */
    @Override
    public void close() {
    }

    private List<LinkInfo> portsOf(LinkInfo bridge) {
        return links.list().stream().filter(l -> l.masterIndex() == bridge.index()).toList();
    }

    private static boolean isOurs(LinkInfo link) {
        return link.alias() != null && link.alias().startsWith(ALIAS_PREFIX);
    }

    private void checkOurs(LinkInfo link, String what, String alias) {
        if (!alias.equals(link.alias())) {
            throw new ConflictException(what + " " + link.name() + " in " + ns() + " exists but is not ours ("
                    + (link.alias() == null ? "no alias" : "alias '" + link.alias() + "'") + ", expected '"
                    + alias + "')");
        }
    }

    private static Map<Vni, List<VxlanTunnel>> byVni(List<VxlanTunnel> tunnels) {
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
    private static VxlanTunnel deviceFor(InterfaceName bridge, Vni vni, List<VxlanTunnel> group, String alias) {
        VxlanTunnel first = group.get(0);
        for (VxlanTunnel t : group) {
            mustAgree(t, "local", first.local(), t.local());
            mustAgree(t, "device", first.device(), t.device());
            mustAgree(t, "dstPort", first.dstPort(), t.dstPort());
            mustAgree(t, "ttl", first.ttl(), t.ttl());
            mustAgree(t, "mtu", first.mtu(), t.mtu());
            mustAgree(t, "udpChecksum", first.udpChecksum(), t.udpChecksum());
        }
        VxlanTunnel.Builder b = VxlanTunnel.builder(vxlanDeviceName(bridge, vni).value(), vni.value())
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

    private String ns() {
        return links.namespace() == null ? "?" : links.namespace().displayName();
    }
}
