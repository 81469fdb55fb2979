package io.overlaykit.core.internal.engine;

import static io.overlaykit.core.internal.engine.LinkChanges.net;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spi.NetOp;
import io.overlaykit.core.spi.SwitchPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The host's gateway into the overlay: a veth whose bridge side is a switch port and whose host side holds
 * the host's own gateway address (distinct per host) and a MAC derived from (spec, host), so containers of
 * other hosts can tell where a connection came from.
 */
final class GatewayPlanner {
    private GatewayPlanner() {
    }

    static InterfaceName port(PlanContext ctx) {
        return ctx.names.gatewayPort(ctx.hostName);
    }

    /** Whether the pair must be (re)made. */
    static boolean missing(PlanContext ctx) {
        return ctx.snap.hostView.link(ctx.names.gatewayVeth(ctx.hostName)).isEmpty()
                || ctx.snap.hostView.link(port(ctx)).isEmpty();
    }

    /** IPv6 on, no DAD on the gateway's host side (the spec gives its address once); our link, so no undo. */
    private static Step sysctl6(PlanContext ctx, InterfaceName gw) {
        List<Change> changes = new ArrayList<>();
        boolean fresh = ctx.isCreated(Target.HOST, gw);
        for (String[] kv : new String[][] {{"disable_ipv6", "0"}, {"accept_dad", "0"}}) {
            String key = "net.ipv6.conf." + gw.value() + "." + kv[0];
            String now = fresh ? null : ctx.snap.sysctl(Target.HOST, key).orElse(null);
            if (fresh || !kv[1].equals(now == null ? null : now.trim())) {
                changes.add(new Change.Sysctl(Target.HOST, key, kv[1], null, false));
            }
        }
        return Step.of("gateway sysctl6", "IPv6 on and DAD off on " + gw, changes);
    }

    static void add(PlanContext ctx, SwitchPlan sw, List<Step> steps) {
        InterfaceName gw = ctx.names.gatewayVeth(ctx.hostName);
        InterfaceName port = port(ctx);
        MacAddress mac = ctx.names.gatewayMac(ctx.hostName);
        List<Change> veth = new ArrayList<>();
        if (missing(ctx)) {
            // a half pair left by a crash: ours by name, replace it
            ctx.snap.hostView.link(port).ifPresent(l -> veth.add(LinkChanges.deleteLeftover(Target.HOST, port)));
            ctx.snap.hostView.link(gw).ifPresent(l -> veth.add(LinkChanges.deleteLeftover(Target.HOST, gw)));
            VethPair pair = new VethPair(port, gw, null, ctx.mtu, mac, ctx.names.alias());
            veth.add(net(Target.HOST, new NetOp.CreateVeth(pair), new NetOp.DeleteLink(port)));
            ctx.created(Target.HOST, port);
            ctx.created(Target.HOST, gw);
        }
        steps.add(Step.of("gateway veth", "veth " + port + " (bridge side) <-> " + gw + " (host side)", veth));
        Optional<LinkInfo> gwNow = ctx.observed(Target.HOST, gw);
        steps.add(Step.of("gateway mac", gw + " address " + mac, gwNow.isPresent() && !mac.equals(gwNow.get().mac())
                ? List.of(net(Target.HOST, new NetOp.SetMac(gw, mac), new NetOp.SetMac(gw, gwNow.get().mac())))
                : List.of()));
        List<Change> mtu = new ArrayList<>(LinkChanges.mtu(ctx, Target.HOST, port, ctx.mtu));
        mtu.addAll(LinkChanges.mtu(ctx, Target.HOST, gw, ctx.mtu));
        steps.add(Step.of("gateway mtu", "mtu " + ctx.mtu + " on " + port + " and " + gw, mtu));
        steps.add(sw.attach().get(port));
        Step settings = sw.portSettings().get(port);
        if (settings != null) {
            steps.add(settings);
        }
        IpPrefix address = new IpPrefix(ctx.hostSpec.gateway(), ctx.spec.subnet().length());
        steps.add(Step.of("gateway address", gw + " address " + address,
                LinkChanges.address(ctx, Target.HOST, gw, address)));
        java.net.InetAddress gw6 = ctx.spec.gateway6(ctx.hostSpec);
        if (gw6 != null) {
            steps.add(sysctl6(ctx, gw));
            IpPrefix address6 = new IpPrefix(gw6, ctx.spec.subnet6().length());
            steps.add(Step.of("gateway address6", gw + " address " + address6,
                    LinkChanges.address(ctx, Target.HOST, gw, address6)));
        }
        steps.add(Step.of("gateway up", "set " + port + ", " + gw + " up", LinkChanges.up(ctx, Target.HOST, port, gw)));
    }
}
