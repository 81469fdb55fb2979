package io.overlaykit.ovs;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.SwitchChange;
import io.overlaykit.core.spi.HostFacts;
import io.overlaykit.core.spi.NamespaceView;
import io.overlaykit.core.spi.PortSettings;
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
 * Open vSwitch's part of a host's plan, decided from the cache's {@link OvsView} and the host's netlink view,
 * without a request: the bridge, a {@code vxlan} port per peer (split horizon, so three hosts or more make no
 * broadcast loop), a system port per veth (recording the device's ifindex where the host already has it, so a
 * re-created device shows as stale), re-plugs of ports whose device died, TX checksum offload off on both ends
 * of every port for the userspace datapath, and the removal of tunnel ports to hosts that left.
 */
final class OvsSwitchPlanner {
    private OvsSwitchPlanner() {
    }

    /** The view the engine keeps for one operation: the cache's snapshot and the host's links. */
    record View(OvsView ovs, InterfaceName bridge, NamespaceView host) implements SwitchView {
        @Override
        public boolean bridgeExists() {
            return ovs.bridge(bridge).isPresent();
        }

        @Override
        public List<InterfaceName> ports() {
            return ovs.pluggedLinks(bridge);
        }

        @Override
        public List<VxlanTunnel> tunnels() {
            List<VxlanTunnel> out = new ArrayList<>();
            for (OvsView.PortState p : ovs.ports(bridge)) {
                if (p.type().equals("vxlan") && InterfaceName.problem(p.name()) == null) {
                    PortDiff.tunnel(p.name(), p.options()).ifPresent(out::add);
                }
            }
            return out;
        }

        @Override
        public boolean isAttached(InterfaceName link) {
            Optional<OvsView.PortState> p = ovs.port(link).filter(x -> bridge.value().equals(x.bridge()));
            if (p.isEmpty()) {
                return false;
            }
            Optional<LinkInfo> device = host.link(link);
            return device.isPresent() ? !p.get().isStaleFor(device.get().index()) : !p.get().isStale();
        }
    }

    static SwitchPlan plan(OvsSwitch sw, SwitchIntent intent, View view, HostFacts facts) {
        InterfaceName br = intent.bridge().name();
        boolean exists = view.bridgeExists();
        List<Step> bridge = List.of(Step.of("bridge", "ovs bridge " + br + mtu(intent), exists ? List.of()
                : List.of(new SwitchChange.EnsureBridge(intent.bridge(), intent.owner()))));
        List<Step> tunnels = new ArrayList<>();
        List<Step> kernelRemovals = new ArrayList<>();
        if (KernelTunnels.needed(intent)) {
            kernelTunnels(intent, view, facts, tunnels, kernelRemovals);
        } else for (SwitchIntent.Peer peer : intent.peers()) {
            VxlanTunnel t = tunnel(intent, peer);
            tunnels.add(Step.of(peer.stepId(), "vxlan " + t.name() + " vni " + t.vni() + " to "
                            + peer.remote().getHostAddress() + ":" + t.dstPort()
                            + (intent.local() == null ? "" : " from " + intent.local().getHostAddress()),
                    ports(view, intent, OvsPort.vxlan(t), null, false)));
        }
        Map<InterfaceName, Step> attach = new LinkedHashMap<>();
        for (SwitchIntent.Port p : intent.ports()) {
            Long ifindex = p.fresh() ? null : view.host().link(p.link()).map(l -> (long) l.index()).orElse(null);
            attach.put(p.link(), Step.of(p.attachStep(), "plug " + p.link() + " into " + br,
                    ports(view, intent, OvsPort.system(p.link()), ifindex, p.fresh())));
        }
        List<Step> removals = new ArrayList<>(removals(intent, view));
        removals.addAll(kernelRemovals);
        SwitchPlan plan = new SwitchPlan(bridge, tunnels, attach, Map.of(), removals, List.of());
        return sw.needsTxChecksumOff() ? PortSettings.txChecksumOff(plan, intent, facts) : plan;
    }

    /** Tunnels over a WireGuard interface: a kernel VXLAN device plugged in as a system port (see {@link KernelTunnels}). */
    private static void kernelTunnels(SwitchIntent intent, View view, HostFacts facts, List<Step> tunnels,
                                      List<Step> removals) {
        KernelTunnels.plan(intent, view.host(), tunnels, removals);
        InterfaceName dev = KernelTunnels.deviceName(intent);
        boolean recreated = tunnels.stream().flatMap(t -> t.changes().stream()).anyMatch(c -> c instanceof Change.Net n
                && n.op() instanceof io.overlaykit.core.spi.NetOp.CreateVxlan);
        Long ifindex = recreated ? null : view.host().link(dev).map(l -> (long) l.index()).orElse(null);
        List<Change> changes = new ArrayList<>(ports(view, intent, OvsPort.system(dev), ifindex, recreated));
        if (recreated || facts.txChecksum(io.overlaykit.core.plan.Target.HOST, dev).orElse(true)) {
            changes.add(new Change.Net(io.overlaykit.core.plan.Target.HOST,
                    new io.overlaykit.core.spi.NetOp.SetTxChecksum(dev, false),
                    new io.overlaykit.core.spi.NetOp.SetTxChecksum(dev, true)));
        }
        tunnels.add(Step.of("kernel tunnel port", "plug kernel vxlan " + dev + " into " + intent.bridge().name()
                + ", tx checksum offload off", changes));
    }

    private static String mtu(SwitchIntent intent) {
        return intent.bridge().mtu() == null ? "" : " mtu " + intent.bridge().mtu();
    }

    static VxlanTunnel tunnel(SwitchIntent intent, SwitchIntent.Peer peer) {
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

    /**
     * The changes that put one port on the bridge: none when it is there as wanted; a re-plug when its device
     * died or is re-created by this plan; an add when it is missing (also when the bridge is new).
     */
    private static List<Change> ports(View view, SwitchIntent intent, OvsPort port, Long ifindex, boolean fresh) {
        InterfaceName br = intent.bridge().name();
        if (!view.bridgeExists()) {
            boolean protect = port.type().equals("vxlan"); // a new bridge: the server's schema decides at execution
            return List.of(new OvsChange(new PortChange.Add(br, port, intent.owner(),
                    protect && view.ovs().supportsProtectedPorts(), ifindex)));
        }
        List<PortChange> changes;
        Optional<OvsView.PortState> existing = view.ovs().port(port.name()).filter(p -> br.value().equals(p.bridge()));
        if (fresh && existing.isPresent()) {
            changes = new ArrayList<>(OvsPortPlanner.removePorts(view.ovs(), br, List.of(port.name())));
            changes.add(new PortChange.Add(br, port, intent.owner(), OvsPortPlanner.wantsProtected(view.ovs(), port), null));
        } else {
            changes = OvsPortPlanner.ensurePorts(view.ovs(), br, List.of(port), intent.owner(),
                    ifindex == null ? Map.of() : Map.of(port.name(), ifindex));
        }
        return changes.stream().<Change>map(OvsChange::new).toList();
    }

    /** Our tunnel ports to VTEPs that are no longer peers. */
    private static List<Step> removals(SwitchIntent intent, View view) {
        Set<InetAddress> peers = new HashSet<>();
        intent.peers().forEach(p -> peers.add(p.remote()));
        List<Step> out = new ArrayList<>();
        for (VxlanTunnel t : view.tunnels()) {
            if (t.remote() != null && !peers.contains(t.remote())) {
                List<Change> changes = OvsPortPlanner.removePorts(view.ovs(), intent.bridge().name(), List.of(t.name()))
                        .stream().<Change>map(OvsChange::new).toList();
                out.add(Step.removal("remove tunnel " + t.remote().getHostAddress(), "remove " + t.name() + " to "
                        + t.remote().getHostAddress() + ", a host the spec no longer has", changes));
            }
        }
        return out;
    }
}
