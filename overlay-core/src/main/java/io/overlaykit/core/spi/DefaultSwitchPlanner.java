package io.overlaykit.core.spi;

import io.overlaykit.core.BatchException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.SwitchChange;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** The generic switch plan and executor behind {@link OverlaySwitch}'s defaults. */
final class DefaultSwitchPlanner {
    private DefaultSwitchPlanner() {
    }

    static SwitchPlan plan(SwitchIntent intent, SwitchView view) {
        InterfaceName br = intent.bridge().name();
        List<Step> bridge = List.of(Step.of("bridge", "bridge " + br + bridgeMtu(intent),
                view.bridgeExists() ? List.of() : List.of(new SwitchChange.EnsureBridge(intent.bridge(), intent.owner()))));
        List<Step> tunnels = new ArrayList<>();
        for (SwitchIntent.Peer peer : intent.peers()) {
            VxlanTunnel t = tunnel(intent, peer);
            boolean present = view.tunnels().stream()
                    .anyMatch(x -> Objects.equals(x.remote(), t.remote()) && x.vni().equals(t.vni()));
            tunnels.add(Step.of(peer.stepId(), "vxlan " + t.name() + " vni " + t.vni() + " to "
                            + peer.remote().getHostAddress() + ":" + t.dstPort()
                            + (intent.local() == null ? "" : " from " + intent.local().getHostAddress()),
                    present ? List.of() : List.of(new SwitchChange.AddTunnels(br, List.of(t), intent.owner()))));
        }
        Map<InterfaceName, Step> attach = new LinkedHashMap<>();
        for (SwitchIntent.Port p : intent.ports()) {
            attach.put(p.link(), attachStep(intent, p, view));
        }
        return new SwitchPlan(bridge, tunnels, attach, Map.of(), removals(intent, view), List.of());
    }

    static String bridgeMtu(SwitchIntent intent) {
        return intent.bridge().mtu() == null ? "" : " mtu " + intent.bridge().mtu();
    }

    /** The tunnel towards {@code peer}, pinned to the local VTEP address and the underlay device. */
    static VxlanTunnel tunnel(SwitchIntent intent, SwitchIntent.Peer peer) {
        VxlanTunnel.Builder b = VxlanTunnel.builder(peer.tunnel().value(), intent.vni().value())
                .remote(peer.remote()).dstPort(intent.udpPort()).alias(intent.bridge().alias());
        if (intent.local() != null) {
            b.local(intent.local());
        }
        if (intent.device() != null) {
            b.device(intent.device().value());
        }
        return b.build();
    }

    static Step attachStep(SwitchIntent intent, SwitchIntent.Port p, SwitchView view) {
        InterfaceName br = intent.bridge().name();
        return Step.of(p.attachStep(), "plug " + p.link() + " into " + br, view.bridgeExists() && view.isAttached(p.link()) && !p.fresh()
                ? List.of() : List.of(new SwitchChange.Attach(br, List.of(p.link()), intent.owner())));
    }

    /** Tunnels of ours to VTEPs that are no longer peers. */
    static List<Step> removals(SwitchIntent intent, SwitchView view) {
        Set<InetAddress> peers = new HashSet<>();
        intent.peers().forEach(p -> peers.add(p.remote()));
        List<Step> out = new ArrayList<>();
        for (VxlanTunnel t : view.tunnels()) {
            if (t.remote() != null && !peers.contains(t.remote())) {
                out.add(Step.removal("remove tunnel " + t.remote().getHostAddress(), "remove " + t.name() + " to "
                                + t.remote().getHostAddress() + ", a host the spec no longer has",
                        List.of(new SwitchChange.RemoveTunnels(intent.bridge().name(), List.of(t)))));
            }
        }
        return out;
    }

    static void execute(OverlaySwitch sw, List<SwitchChange> changes) {
        for (int i = 0; i < changes.size(); i++) {
            try {
                run(sw, changes.get(i));
            } catch (RuntimeException e) {
                Set<Integer> applied = new TreeSet<>();
                for (int j = 0; j < i; j++) {
                    applied.add(j);
                }
                throw new BatchException(changes.get(i).describe() + " failed: " + e.getMessage(), e, applied, i);
            }
        }
    }

    private static void run(OverlaySwitch sw, Change c) {
        if (c instanceof SwitchChange.EnsureBridge x) {
            sw.ensureBridge(x.bridge(), x.owner());
        } else if (c instanceof SwitchChange.DeleteBridge x) {
            sw.deleteBridge(x.bridge());
        } else if (c instanceof SwitchChange.AddTunnels x) {
            sw.addTunnels(x.bridge(), x.tunnels(), x.owner());
        } else if (c instanceof SwitchChange.RemoveTunnels x) {
            sw.removeTunnels(x.bridge(), x.tunnels());
        } else if (c instanceof SwitchChange.Attach x) {
            sw.attach(x.bridge(), x.links(), x.owner());
        } else if (c instanceof SwitchChange.Detach x) {
            sw.detach(x.bridge(), x.links());
        } else {
            throw new IllegalArgumentException(sw.kind() + " switch cannot run " + c.getClass().getName()
                    + " (a change of another backend?)");
        }
    }
}
