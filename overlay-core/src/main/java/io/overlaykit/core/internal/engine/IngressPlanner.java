package io.overlaykit.core.internal.engine;

import static io.overlaykit.core.internal.engine.LinkChanges.net;

import io.overlaykit.core.PolicyRule;
import io.overlaykit.core.Route;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.ForwardSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.core.spi.NetOp;
import java.util.ArrayList;
import java.util.List;

/**
 * Replies of forwarded connections go back the way the request came. A DNAT forward on host A to a
 * container on host B keeps the client address, so the container's reply would leave through B's gateway
 * and miss A's connection state. Inside the container, connections that arrive from A's gateway MAC get a
 * connmark, and a policy rule routes packets carrying that mark via A's gateway.
 */
final class IngressPlanner {
    /** Every IPv6 source: the IPv6 rule of the same shape as the IPv4 one. */
    static final io.overlaykit.core.IpPrefix ANY6 = io.overlaykit.core.IpPrefix.parse("::/0");

    private IngressPlanner() {
    }

    /** Spec indexes of the hosts (other than this one) with a DNAT forward whose target is {@code c}. */
    static List<Integer> ingressHosts(io.overlaykit.core.spec.OverlaySpec spec, String hostName, ContainerSpec c) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < spec.hosts().size(); i++) {
            HostSpec h = spec.hosts().get(i);
            if (h.name().equals(hostName)) {
                continue;
            }
            java.net.InetAddress ip6 = spec.ipv6(c);
            boolean targets = h.forwards().stream().anyMatch(f -> f.mode() == ForwardSpec.Mode.DNAT
                    && (f.target().address().equals(c.ip()) || f.target().address().equals(ip6)));
            if (targets) {
                out.add(i);
            }
        }
        return out;
    }

    /** Mark, routing table and rule priority for replies towards the host at spec index {@code i}. */
    static int mark(int i) {
        return Names.INGRESS_BASE + i;
    }

    static int priority(int i) {
        return 20000 + i;
    }

    /** Whether a rule is one of ours (teardown of existing containers). */
    static boolean isOurs(PolicyRule r) {
        return r.fwmark() != null && r.fwmark() >= Names.INGRESS_BASE && r.fwmark() < Names.INGRESS_BASE + 256;
    }

    static FirewallTable table(PlanContext ctx, List<Integer> peers) {
        List<FirewallTable.Rule> rules = new ArrayList<>();
        for (int i : peers) {
            String peer = ctx.spec.hosts().get(i).name();
            rules.add(new FirewallTable.Connmark(ContainerPlanner.ETH0, ctx.names.gatewayMac(peer), mark(i)));
        }
        return new FirewallTable(ctx.names.firewallTable(), rules);
    }

    static void add(PlanContext ctx, ContainerSpec c, List<Step> steps) {
        List<Integer> peers = ingressHosts(ctx.spec, ctx.hostName, c);
        if (peers.isEmpty()) {
            return;
        }
        Target t = ctx.target(c);
        FirewallTable table = table(ctx, peers);
        steps.add(Step.of("connmark " + c.name(), "nft table " + table.name() + " in " + ctx.runtimeName(c)
                        + ": mark connections from the gateways of "
                        + peers.stream().map(i -> ctx.spec.hosts().get(i).name()).toList(),
                EgressPlanner.tableChanges(ctx, t, table)));
        for (int i : peers) {
            HostSpec peer = ctx.spec.hosts().get(i);
            PolicyRule rule = new PolicyRule(priority(i), mark(i), null, mark(i));
            boolean has = ctx.running(c) && ctx.snap.namespace(t).rules().contains(rule);
            steps.add(Step.of("reply-rule " + c.name() + " " + peer.name(), "rule " + rule + " in "
                    + ctx.runtimeName(c), has ? List.of()
                    : List.<Change>of(net(t, new NetOp.AddRule(rule), new NetOp.DeleteRule(rule)))));
            Route route = new Route(null, peer.gateway(), ContainerPlanner.ETH0, false, mark(i), null);
            steps.add(ContainerPlanner.route("reply-route " + c.name() + " " + peer.name(), ctx, t, route,
                    ctx.runtimeName(c)));
            java.net.InetAddress peerGw6 = ctx.spec.gateway6(peer);
            if (peerGw6 != null) { // the IPv6 return path: the same mark, an IPv6 rule and route
                PolicyRule rule6 = new PolicyRule(priority(i), mark(i), ANY6, mark(i));
                boolean has6 = ctx.running(c) && ctx.snap.namespace(t).rules().contains(rule6);
                steps.add(Step.of("reply-rule6 " + c.name() + " " + peer.name(), "rule " + rule6 + " in "
                        + ctx.runtimeName(c), has6 ? List.of()
                        : List.<Change>of(net(t, new NetOp.AddRule(rule6), new NetOp.DeleteRule(rule6)))));
                Route route6 = new Route(null, peerGw6, ContainerPlanner.ETH0, false, mark(i), null);
                steps.add(ContainerPlanner.route("reply-route6 " + c.name() + " " + peer.name(), ctx, t, route6,
                        ctx.runtimeName(c)));
            }
        }
    }
}
