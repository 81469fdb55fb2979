package io.overlaykit.netlink;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.core.spi.HostFacts;
import io.overlaykit.core.spi.NamespaceView;
import io.overlaykit.core.spi.NetOp;
import io.overlaykit.core.spi.SwitchIntent;
import io.overlaykit.core.spi.SwitchPlan;
import io.overlaykit.core.spi.SwitchView;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code linux} switch's part of a host's plan, from the host's namespace view alone (no request): the
 * bridge with a MAC of its own ({@link #bridgeMac}), {@code arp_ignore} on it, one VXLAN device per VNI with a flood entry per peer, neighbour suppression
 * on its bridge port ({@link NeighSuppressPlanner}), each port enslaved, and conntrack skipped for bridged frames. Every change is a {@link Change.Net} of the host's
 * namespace, so the engine batches them with the other link changes.
 */
final class LinuxSwitchPlanner {
    private LinuxSwitchPlanner() {
    }

    /** The view: the host's namespace as observed, read for our bridge. */
    record View(NamespaceView host, InterfaceName bridge, String alias) implements SwitchView {
        Optional<LinkInfo> bridgeLink() {
            return host.link(bridge);
        }

        @Override
        public boolean bridgeExists() {
            return bridgeLink().filter(l -> l.isKind("bridge") && alias.equals(l.alias())).isPresent();
        }

        List<LinkInfo> portLinks() {
            return bridgeLink().map(b -> host.portsOf(b.index())).orElse(List.of());
        }

        @Override
        public List<InterfaceName> ports() {
            return portLinks().stream().map(LinkInfo::name).sorted().toList();
        }

        @Override
        public List<VxlanTunnel> tunnels() {
            List<VxlanTunnel> out = new ArrayList<>();
            for (LinkInfo port : portLinks()) {
                if (!port.isKind("vxlan") || port.vxlan() == null) {
                    continue;
                }
                for (FdbEntry e : host.fdb(port.name())) {
                    if (e.isFlood() && e.remote() != null) {
                        out.add(port.vxlan().toBuilder().remote(e.remote()).build());
                    }
                }
            }
            return out;
        }

        @Override
        public boolean isAttached(InterfaceName link) {
            Optional<LinkInfo> b = bridgeLink();
            return b.isPresent() && host.link(link).map(l -> l.masterIndex() == b.get().index()).orElse(false);
        }
    }

    static View observe(SwitchIntent intent, HostFacts facts) {
        return new View(facts.namespace(Target.HOST), intent.bridge().name(), LinuxBridgeSwitch.alias(intent.owner()));
    }

    static SwitchPlan plan(SwitchIntent intent, View view, HostFacts facts) {
        String alias = LinuxBridgeSwitch.alias(intent.owner());
        InterfaceName br = intent.bridge().name();
        List<Step> bridge = new ArrayList<>();
        bridge.add(Step.of("bridge", "linux bridge " + br + (intent.bridge().mtu() == null ? "" : " mtu "
                + intent.bridge().mtu()), bridgeChanges(intent, view, alias)));
        String key = "net.ipv4.conf." + br.value() + ".arp_ignore";
        Optional<String> arpNow = view.bridgeExists() ? facts.sysctl(Target.HOST, key) : Optional.empty();
        bridge.add(Step.of("bridge arp", key + "=1 (the bridge must not answer ARP for the gateway)",
                "1".equals(arpNow.orElse(null)) ? List.of()
                        : List.of(new Change.Sysctl(Target.HOST, key, "1", arpNow.orElse(null), false))));
        List<Step> tunnels = new ArrayList<>();
        List<Step> removals = new ArrayList<>();
        InterfaceName dev = VxlanDevices.name(br, intent.vni());
        Optional<LinkInfo> devNow = tunnels(intent, view, alias, dev, tunnels, removals);
        NeighSuppressPlanner.Parts suppress = NeighSuppressPlanner.plan(intent, view, dev, devNow);
        if (!intent.peers().isEmpty()) {
            tunnels.add(suppress.step());
        }
        removals.addAll(suppress.removals());
        Map<InterfaceName, Step> attach = new LinkedHashMap<>();
        boolean bridgeNew = !view.bridgeExists();
        for (SwitchIntent.Port p : intent.ports()) {
            boolean attached = !bridgeNew && !p.fresh() && view.isAttached(p.link());
            Optional<LinkInfo> now = p.fresh() ? Optional.empty() : view.host().link(p.link());
            InterfaceName oldMaster = now.filter(LinkInfo::hasMaster)
                    .flatMap(l -> view.host().link(l.masterIndex())).map(LinkInfo::name).orElse(null);
            List<Change> changes = new ArrayList<>(attached ? List.of()
                    : List.of(net(new NetOp.SetMaster(p.link(), br), new NetOp.SetMaster(p.link(), oldMaster))));
            List<Change> fdb = suppress.ports().getOrDefault(p.link(), List.of());
            changes.addAll(fdb);
            attach.put(p.link(), Step.of(p.attachStep(), "plug " + p.link() + " into " + br
                    + (fdb.isEmpty() ? "" : ", static bridge fdb entry for its MAC"), changes));
        }
        return new SwitchPlan(bridge, tunnels, attach, Map.of(), removals, List.of(new FirewallTable.Untracked(br)));
    }

    private static List<Change> bridgeChanges(SwitchIntent intent, View view, String alias) {
        InterfaceName br = intent.bridge().name();
        Optional<LinkInfo> now = view.bridgeLink();
        List<Change> changes = new ArrayList<>();
        MacAddress mac = bridgeMac(alias, br);
        if (now.isEmpty()) {
            Bridge b = new Bridge(br, intent.bridge().mtu(), alias);
            changes.add(net(new NetOp.CreateBridge(b), new NetOp.DeleteLink(br)));
            changes.add(net(new NetOp.SetMac(br, mac), null));
            changes.add(net(new NetOp.SetUp(br, true), null));
            return changes;
        }
        LinkInfo l = now.get();
        if (!l.isKind("bridge")) {
            throw new ConflictException("link " + br + " exists as "
                    + (l.kind() == null ? "a link without kind" : l.kind()) + ", not as a bridge");
        }
        checkOurs(l, "bridge", alias);
        if (!mac.equals(l.mac())) {
            changes.add(net(new NetOp.SetMac(br, mac), l.mac() == null ? null : new NetOp.SetMac(br, l.mac())));
        }
        Integer mtu = intent.bridge().mtu();
        if (mtu != null && l.mtu() != mtu) {
            changes.add(net(new NetOp.SetMtu(br, mtu), new NetOp.SetMtu(br, l.mtu())));
        }
        if (!l.up()) {
            changes.add(net(new NetOp.SetUp(br, true), new NetOp.SetUp(br, false)));
        }
        return changes;
    }

    /**
     * One VXLAN device for the spec's VNI, made (or re-made, when what the kernel cannot change in place
     * differs) in the first peer's step, and a flood entry per peer in that peer's step; flood entries to VTEPs
     * that are no longer peers are removals, and so is the device when no peer is left. Returns the device as
     * observed, or empty when the plan (re)makes or removes it.
     */
    private static Optional<LinkInfo> tunnels(SwitchIntent intent, View view, String alias, InterfaceName dev,
                                              List<Step> steps, List<Step> removals) {
        InterfaceName br = intent.bridge().name();
        Optional<LinkInfo> now = view.host().link(dev);
        Set<InetAddress> peers = new HashSet<>();
        intent.peers().forEach(p -> peers.add(p.remote()));
        if (intent.peers().isEmpty()) {
            if (now.isPresent() && alias.equals(now.get().alias())) {
                removals.add(Step.removal("remove vxlan " + dev, "remove " + dev + ": no peer is left",
                        List.of(net(new NetOp.DeleteLink(dev), null))));
            }
            return Optional.empty();
        }
        List<VxlanTunnel> group = intent.peers().stream().map(p -> tunnel(intent, p)).toList();
        VxlanTunnel want = VxlanDevices.deviceFor(br, intent.vni(), group, alias);
        List<Change> device = new ArrayList<>();
        Set<InetAddress> flooded = new HashSet<>();
        Map<MacAddress, FdbEntry> statics = new LinkedHashMap<>();
        if (now.isPresent()) {
            LinkInfo l = now.get();
            if (!l.isKind("vxlan")) {
                throw new ConflictException("link " + dev + " exists as " + (l.kind() == null ? "a link without kind"
                        : l.kind()) + ", not as a vxlan device");
            }
            checkOurs(l, "vxlan device", alias);
            if (VxlanDevices.difference(l.vxlan(), want) != null) {
                device.add(net(new NetOp.DeleteLink(dev), null)); // local, port, parent or learning: re-create
                now = Optional.empty();
            } else {
                view.host().fdb(dev).stream().filter(e -> e.isFlood() && e.remote() != null)
                        .forEach(e -> flooded.add(e.remote()));
                view.host().fdb(dev).stream().filter(e -> !e.isFlood() && e.remote() != null)
                        .forEach(e -> statics.put(e.mac(), e));
            }
        }
        Optional<LinkInfo> br0 = view.bridgeLink().filter(b -> view.bridgeExists());
        if (now.isEmpty()) {
            device.add(net(new NetOp.CreateVxlan(want), new NetOp.DeleteLink(dev)));
            device.add(net(new NetOp.SetMaster(dev, br), null));
            device.add(net(new NetOp.SetUp(dev, true), null));
        } else {
            LinkInfo l = now.get();
            if (br0.isEmpty() || l.masterIndex() != br0.get().index()) {
                device.add(net(new NetOp.SetMaster(dev, br), new NetOp.SetMaster(dev, null)));
            }
            if (!l.up()) {
                device.add(net(new NetOp.SetUp(dev, true), new NetOp.SetUp(dev, false)));
            }
        }
        for (int i = 0; i < intent.peers().size(); i++) {
            SwitchIntent.Peer peer = intent.peers().get(i);
            List<Change> changes = new ArrayList<>(i == 0 ? device : List.of());
            if (!flooded.contains(peer.remote())) {
                FdbEntry flood = FdbEntry.flood(dev, peer.remote());
                changes.add(net(new NetOp.AddFdb(flood), new NetOp.DeleteFdb(flood)));
            }
            changes.addAll(staticEntries(dev, peer, statics));
            steps.add(Step.of(peer.stepId(), "vxlan " + dev + " vni " + intent.vni() + ": flood to "
                    + peer.remote().getHostAddress() + ":" + want.dstPort() + ", " + peer.macs().size()
                    + " static fdb entries to it"
                    + (intent.local() == null ? "" : " from " + intent.local().getHostAddress()), changes));
        }
        Set<MacAddress> wanted = new HashSet<>();
        intent.peers().forEach(p -> wanted.addAll(p.macs()));
        List<Change> extra = new ArrayList<>();
        for (FdbEntry e : statics.values()) {
            if (!wanted.contains(e.mac())) {
                extra.add(net(new NetOp.DeleteFdb(e), new NetOp.AddFdb(e)));
            }
        }
        if (!extra.isEmpty()) {
            removals.add(Step.removal("remove fdb " + dev, "remove " + extra.size() + " static fdb entries of " + dev
                    + " for MACs the spec no longer places behind a peer", extra));
        }
        for (InetAddress gone : flooded) {
            if (!peers.contains(gone)) {
                FdbEntry flood = FdbEntry.flood(dev, gone);
                removals.add(Step.removal("remove tunnel " + gone.getHostAddress(), "remove the flood entry of "
                        + dev + " to " + gone.getHostAddress() + ", a host the spec no longer has",
                        List.of(net(new NetOp.DeleteFdb(flood), null))));
            }
        }
        return now;
    }

    /**
     * Static unicast entries on the VXLAN device for every MAC the spec places behind {@code peer}: frames to them
     * go straight to its VTEP instead of the flood list. An entry towards another VTEP (the container moved) is
     * replaced, and put back on undo.
     */
    private static List<Change> staticEntries(InterfaceName dev, SwitchIntent.Peer peer, Map<MacAddress, FdbEntry> statics) {
        List<Change> out = new ArrayList<>();
        for (MacAddress mac : peer.macs()) {
            FdbEntry now = statics.get(mac);
            if (now != null && peer.remote().equals(now.remote())) {
                continue;
            }
            FdbEntry entry = new FdbEntry(dev, mac, peer.remote(), null);
            out.add(net(new NetOp.AddFdb(entry), now == null ? new NetOp.DeleteFdb(entry) : new NetOp.AddFdb(now)));
        }
        return out;
    }

    /**
     * The bridge's own MAC, derived from (owner, bridge) with the locally administered bit set. A Linux bridge
     * whose MAC was never set takes the lowest MAC of its ports, so it changes as ports come and go, and each
     * change (NETDEV_CHANGEADDR) flushes every neighbour entry of the bridge, permanent ones included: the ones
     * {@link NeighSuppressPlanner} puts there. A MAC set once stays.
     */
    static MacAddress bridgeMac(String alias, InterfaceName bridge) {
        return MacAddress.derived("overlaykit bridge mac\0" + alias + "\0" + bridge.value());
    }

    private static VxlanTunnel tunnel(SwitchIntent intent, SwitchIntent.Peer peer) {
        VxlanTunnel.Builder b = VxlanTunnel.builder(peer.tunnel().value(), intent.vni().value())
                .remote(peer.remote()).dstPort(intent.udpPort());
        if (intent.local() != null) {
            b.local(intent.local());
        }
        if (intent.device() != null) {
            b.device(intent.device().value());
        }
        return b.build();
    }

    private static void checkOurs(LinkInfo link, String what, String alias) {
        if (!alias.equals(link.alias())) {
            throw new ConflictException(what + " " + link.name() + " exists but is not ours ("
                    + (link.alias() == null ? "no alias" : "alias '" + link.alias() + "'") + ", expected '" + alias + "')");
        }
    }

    private static Change.Net net(NetOp op, NetOp undo) {
        return new Change.Net(Target.HOST, op, undo);
    }
}
