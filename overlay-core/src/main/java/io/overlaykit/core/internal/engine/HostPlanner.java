package io.overlaykit.core.internal.engine;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.plan.Plan;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.OverlaySwitch;
import io.overlaykit.core.spi.SwitchIntent;
import io.overlaykit.core.spi.SwitchPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Turns a host's part of a spec and a snapshot of the host into a {@link Plan}, without any I/O of its own
 * (the switch's contribution may read a fact it was not given, once). Steps come in phases, one kind at a
 * time across the containers (every run, then every veth, then every attach ...), so that the executor can
 * batch each phase into a few requests: the switch's bridge and tunnels, the containers, their veths, MTUs,
 * switch ports and the switch's port settings, links up, everything inside each container, the gateway,
 * egress, then the removal of what the spec no longer has.
 */
public final class HostPlanner {
    private HostPlanner() {
    }

    /** The plan for {@code hostName}, which must be one of the spec's hosts. */
    public static Plan plan(OverlaySpec spec, String hostName, HostSnapshot snap, OverlaySwitch sw) {
        PlanContext ctx = new PlanContext(spec, hostName, snap);
        checkDistinctNames(ctx);
        WireGuardPlanner.refuseUnproven(ctx);
        List<Step> steps = new ArrayList<>();
        WireGuardPlanner.add(ctx, steps); // first: it refuses a missing WireGuard interface before the switch plans
        SwitchIntent intent = intent(ctx);
        SwitchPlan swPlan = sw.plan(intent, snap.switchView, snap);
        List<ContainerSpec> containers = ctx.hostSpec.containers();
        steps.addAll(swPlan.bridge());
        steps.addAll(swPlan.tunnels());
        containers.forEach(c -> steps.add(ContainerPlanner.run(ctx, c)));
        containers.forEach(c -> steps.add(ContainerPlanner.veth(ctx, c)));
        containers.forEach(c -> steps.add(ContainerPlanner.mtu(ctx, c)));
        containers.forEach(c -> steps.add(swPlan.attach().get(ctx.names.containerVeth(c.name()))));
        for (ContainerSpec c : containers) {
            Step settings = swPlan.portSettings().get(ctx.names.containerVeth(c.name()));
            if (settings != null) {
                steps.add(settings);
            }
        }
        containers.forEach(c -> steps.add(ContainerPlanner.up(ctx, c)));
        containers.forEach(c -> ContainerPlanner.inside(ctx, c,
                swPlan.peerSettings().get(ctx.names.containerVeth(c.name())), steps));
        GatewayPlanner.add(ctx, swPlan, steps);
        EgressPlanner.add(ctx, swPlan.hostRules(), steps);
        ConvergePlanner.add(ctx, steps);
        steps.addAll(swPlan.removals());
        return new Plan(spec.name(), hostName, steps);
    }

    /** What the host's switch should hold: the bridge, a tunnel per peer, and every port. */
    static SwitchIntent intent(PlanContext ctx) {
        List<SwitchIntent.Peer> peers = new ArrayList<>();
        Map<String, List<io.overlaykit.core.MacAddress>> macs = NeighbourPlanner.remoteMacs(ctx.spec, ctx.names,
                ctx.hostName);
        for (HostSpec peer : ctx.spec.peersOf(ctx.hostName)) {
            peers.add(new SwitchIntent.Peer(peer.name(), peer.underlay(), ctx.names.tunnel(peer.name()),
                    "tunnel " + peer.name(), macs.getOrDefault(peer.name(), List.of())));
        }
        List<SwitchIntent.Port> ports = new ArrayList<>();
        for (ContainerSpec c : ctx.hostSpec.containers()) {
            ports.add(new SwitchIntent.Port(ctx.names.containerVeth(c.name()), ctx.target(c), ContainerPlanner.ETH0,
                    "attach " + c.name(), "txoff " + c.name(), ContainerPlanner.vethMissing(ctx, c), c.name(),
                    ctx.names.containerMac(c.name()), c.ip()));
        }
        ports.add(new SwitchIntent.Port(GatewayPlanner.port(ctx), Target.HOST, ctx.names.gatewayVeth(ctx.hostName),
                "gateway attach", "gateway txoff", GatewayPlanner.missing(ctx), ctx.hostName,
                ctx.names.gatewayMac(ctx.hostName), ctx.hostSpec.gateway()));
        Bridge bridge = new Bridge(ctx.bridge, ctx.mtu, ctx.names.alias());
        return WireGuardPlanner.adapt(ctx, new SwitchIntent(ctx.names.owner(), bridge,
                io.overlaykit.core.Vni.of(ctx.spec.vni()), ctx.spec.udpPort(), ctx.hostSpec.underlay(), ctx.uplink, peers, ports))
                .withAddresses(addresses(ctx));
    }

    /** Every spec container's addresses (IPv4, then IPv6 for a dual-stack spec) with its derived MAC, in spec order. */
    static List<SwitchIntent.Address> addresses(PlanContext ctx) {
        List<SwitchIntent.Address> out = new ArrayList<>();
        for (HostSpec h : ctx.spec.hosts()) {
            for (ContainerSpec c : h.containers()) {
                io.overlaykit.core.MacAddress mac = ctx.names.containerMac(c.name());
                if (c.ip() != null) {
                    out.add(new SwitchIntent.Address(h.name(), c.ip(), mac));
                }
                java.net.InetAddress ip6 = ctx.spec.ipv6(c);
                if (ip6 != null) {
                    out.add(new SwitchIntent.Address(h.name(), ip6, mac));
                }
            }
        }
        return out;
    }

    /** The intent for a snapshot, for the observer (which reads the switch's view from it). */
    static SwitchIntent intent(OverlaySpec spec, String hostName, HostSnapshot snap) {
        return intent(new PlanContext(spec, hostName, snap));
    }

    /** Derived names carry a 24-bit hash; refuse the (unlikely) case of two objects sharing one. */
    static void checkDistinctNames(PlanContext ctx) {
        Map<InterfaceName, String> seen = new HashMap<>();
        BiConsumer<InterfaceName, String> put = (name, what) -> {
            String prev = seen.putIfAbsent(name, what);
            if (prev != null) {
                throw new ConflictException("spec " + ctx.spec.name() + ": derived interface name " + name
                        + " is the same for " + prev + " and " + what + "; rename one of them");
            }
        };
        put.accept(ctx.bridge, "the bridge");
        put.accept(ctx.names.gatewayVeth(ctx.hostName), "the gateway veth");
        put.accept(ctx.names.gatewayPort(ctx.hostName), "the gateway port");
        ctx.spec.peersOf(ctx.hostName).forEach(p -> put.accept(ctx.names.tunnel(p.name()), "tunnel " + p.name()));
        ctx.hostSpec.containers().forEach(c -> put.accept(ctx.names.containerVeth(c.name()), "container " + c.name()));
        if (WireGuardPlanner.active(ctx.spec)) {
            put.accept(ctx.names.wireguard(ctx.hostName), "the wireguard interface");
        }
    }
}
