package io.overlaykit.netlink;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Vni;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.spi.HostFacts;
import io.overlaykit.core.spi.Links;
import io.overlaykit.core.spi.OverlaySwitch;
import io.overlaykit.core.spi.RequestHook;
import io.overlaykit.core.spi.SwitchIntent;
import io.overlaykit.core.spi.SwitchPlan;
import io.overlaykit.core.spi.SwitchView;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code linux} switch: a Linux bridge plus one kernel VXLAN device per VNI, programmed through
 * {@link Links} of one namespace. This is the kernel backend's switch; core reaches it through
 * {@link NetlinkStack#linuxSwitch}.
 *
 * <p><b>Its shape differs from the interface's.</b> {@link OverlaySwitch} speaks of one tunnel per peer
 * (the OVS way: a {@code vxlan} port per remote). The kernel needs no device per peer, so this switch folds
 * the per-peer tunnels of a VNI into <em>one</em> device ({@link #vxlanDeviceName}, learning off, local
 * address, parent device, port, TTL and MTU taken from the tunnels, which must agree on them) and turns each
 * peer into a flood FDB entry ({@code 00:00:00:00:00:00 dst PEER}), so broadcast and unknown unicast reach
 * every peer while the VTEP source address and parent device stay pinned. Reading back,
 * {@link #tunnels} unfolds it again: one tunnel per flood entry, all named after the shared device. So a
 * tunnel's name is not a device here, and removing one tunnel removes a flood entry, not a link.
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
 * <p>The switch does not own the {@code Links} handle: {@link #close()} does nothing to it. Its requests are
 * the handle's: {@link #requestHook} hands the hook to the stack behind it. Calls read, compare, then write,
 * so two threads must not change one bridge at the same time.
 */
public final class LinuxBridgeSwitch implements OverlaySwitch {
    /** The link alias prefix; the owner (spec name) follows. */
    public static final String ALIAS_PREFIX = "overlaykit:";

    private static final System.Logger LOG = System.getLogger(LinuxBridgeSwitch.class.getName());

    private final Links links;

    /** A switch working on the links of {@code links.namespace()} (any {@link Links}: in tests, a fake). */
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
        return VxlanDevices.name(bridge, vni);
    }

    @Override
    public String kind() {
        return "linux";
    }

    /** From the host's namespace view: no request of its own. */
    @Override
    public SwitchView observe(SwitchIntent intent, HostFacts facts) {
        return LinuxSwitchPlanner.observe(intent, facts);
    }

    /**
     * The bridge, the VXLAN device with a flood entry per peer, and each port enslaved, as link changes of the
     * host's namespace (batched with the others), plus what a kernel bridge needs: {@code arp_ignore=1} on the
     * bridge (with the default 0 the bridge, up in the host's namespace but holding no address, still answers
     * containers' ARP for the gateway address with its own MAC, racing the gateway veth), and frames it switches
     * skip conntrack in the host's firewall table (with br_netfilter active, e.g. on Docker hosts, a routed and
     * masqueraded reply would otherwise meet a second, clashing entry and be dropped).
     */
    @Override
    public SwitchPlan plan(SwitchIntent intent, SwitchView view, HostFacts facts) {
        LinuxSwitchPlanner.View v = view instanceof LinuxSwitchPlanner.View lv ? lv : LinuxSwitchPlanner.observe(intent, facts);
        return LinuxSwitchPlanner.plan(intent, v, facts);
    }

    /** The namespace this switch works in. */
    public NetNamespace namespace() {
        return links.namespace();
    }

    @Override
    public void ensureBridge(Bridge bridge, String owner) {
        String alias = alias(owner);
        Optional<LinkInfo> existing = links.find(bridge.name());
        LinkInfo info;
        if (existing.isPresent()) {
            // Not Links.ensure: it fails on any difference, and an MTU change is ours to converge.
            info = existing.get();
            if (!info.isKind("bridge")) {
                throw new ConflictException("link " + bridge.name() + " in " + ns() + " exists as "
                        + (info.kind() == null ? "a link without kind" : info.kind()) + ", not as a bridge");
            }
            checkOurs(info, "bridge", alias);
        } else {
            info = links.ensure(bridge.withAlias(alias));
        }
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
        // Validate every group before changing anything.
        Map<VxlanTunnel, List<VxlanTunnel>> devices = new LinkedHashMap<>();
        VxlanDevices.byVni(tunnels).forEach((vni, group) -> devices.put(VxlanDevices.deviceFor(bridge, vni, group, alias), group));
        for (Map.Entry<VxlanTunnel, List<VxlanTunnel>> group : devices.entrySet()) {
            VxlanTunnel device = group.getKey();
            LinkInfo info = ensureDevice(device, alias);
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
     * Creates the device, or converges an existing one of ours: a new MTU is set in place; a change of
     * what the kernel cannot change in place (local address, parent device, port, learning, TTL) means
     * delete and re-create, keeping the flood entries it had.
     */
    private LinkInfo ensureDevice(VxlanTunnel want, String alias) {
        Optional<LinkInfo> existing = links.find(want.name());
        if (existing.isEmpty()) {
            return links.ensure(want);
        }
        LinkInfo info = existing.get();
        if (!info.isKind("vxlan")) {
            throw new ConflictException("link " + want.name() + " in " + ns() + " exists as "
                    + (info.kind() == null ? "a link without kind" : info.kind()) + ", not as a vxlan device");
        }
        checkOurs(info, "vxlan device", alias);
        String differs = VxlanDevices.difference(info.vxlan(), want);
        if (differs != null) {
            List<FdbEntry> floods = links.fdb(want.name()).stream()
                    .filter(e -> e.isFlood() && e.remote() != null).toList();
            LOG.log(Level.INFO, () -> "re-creating vxlan device " + want.name() + " in " + ns() + ": " + differs);
            links.delete(want.name());
            info = links.ensure(want);
            for (FdbEntry e : floods) {
                links.addFdb(FdbEntry.flood(want.name(), e.remote()));
            }
            return info;
        }
        if (want.mtu() != null && info.mtu() != want.mtu()) {
            links.setMtu(want.name(), want.mtu());
        }
        return info;
    }

    /**
     * Removes the FDB entries (flood and static unicast) that point at the tunnels' peers; a device left
     * without any flood entry is deleted.
     */
    @Override
    public void removeTunnels(InterfaceName bridge, List<VxlanTunnel> tunnels) {
        for (Map.Entry<Vni, List<VxlanTunnel>> group : VxlanDevices.byVni(tunnels).entrySet()) {
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

    /**
     * Every request of this switch is a request of its {@link Links} handle; for an {@link RtnetlinkLinks}
     * handle the hook goes to its stack's namespaces, which is where that handle's hook lives (so it also
     * sees the stack's other requests, as {@link io.overlaykit.core.Host#requestHook} wants). Other
     * {@code Links} implementations have no hook to give it to.
     */
    @Override
    public void requestHook(RequestHook hook) {
        if (links instanceof RtnetlinkLinks r) {
            r.namespaces().requestHook(hook);
        }
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

    private String ns() {
        return links.namespace() == null ? "?" : links.namespace().displayName();
    }
}
