package io.overlaykit.core.plan;

import io.overlaykit.core.PolicyRule;
import io.overlaykit.core.Route;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.ForwardSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.core.spi.Links;
import java.util.ArrayList;
import java.util.List;

/**
 * Replies of forwarded connections go back the way the request came. A DNAT forward on host A to a
 * container on host B keeps the client address, so the container's reply would leave through B's
 * gateway and miss A's connection state. Inside the container, connections that arrive from A's gateway
 * MAC get a connmark, and a policy rule routes packets carrying that mark via A's gateway.
 */
final class IngressSteps {
    private IngressSteps() {
    }

    /** The hosts (other than this one) with a DNAT forward whose target is {@code c}. */
    static List<Integer> ingressHosts(HostContext ctx, ContainerSpec c) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < ctx.spec.hosts().size(); i++) {
            HostSpec h = ctx.spec.hosts().get(i);
            if (h.name().equals(ctx.host.name())) {
                continue;
            }
            boolean targets = h.forwards().stream().anyMatch(f -> f.mode() == ForwardSpec.Mode.DNAT
                    && f.target().address().equals(c.ip()));
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

    static void add(HostContext ctx, ContainerSpec c, List<Step> steps) {
        List<Integer> peers = ingressHosts(ctx, c);
        if (peers.isEmpty()) {
            return;
        }
        List<FirewallTable.Rule> rules = new ArrayList<>();
        for (int i : peers) {
            String peer = ctx.spec.hosts().get(i).name();
            rules.add(new FirewallTable.Connmark(ContainerSteps.ETH0, ctx.names.gatewayMac(peer), mark(i)));
        }
        FirewallTable table = new FirewallTable(ctx.names.firewallTable(), rules);
        steps.add(Step.named("connmark " + c.name(), "nft table " + table.name() + " in " + ctx.podName(c)
                        + ": mark connections from the gateways of "
                        + peers.stream().map(i -> ctx.spec.hosts().get(i).name()).toList())
                .done(() -> ctx.running(c).map(ci -> ctx.host.stack().firewall(ci.namespace()).tables()
                        .contains(table.name())).orElse(false))
                .apply(() -> ctx.host.stack().firewall(ctx.require(c).namespace()).replaceTable(table))
                .undo(() -> ctx.running(c).ifPresent(ci ->
                        ctx.host.stack().firewall(ci.namespace()).deleteTable(table.name())))
                .build());
        for (int i : peers) {
            HostSpec peer = ctx.spec.hosts().get(i);
            PolicyRule rule = new PolicyRule(priority(i), mark(i), null, mark(i));
            Route route = new Route(null, peer.gateway(), ContainerSteps.ETH0, false, mark(i), null);
            steps.add(Step.named("reply-rule " + c.name() + " " + peer.name(), "rule " + rule + " in "
                            + ctx.podName(c))
                    .done(() -> ctx.containerLinks(c).map(l -> l.rules().contains(rule)).orElse(false))
                    .apply(() -> ctx.host.links(ctx.require(c).namespace()).addRule(rule))
                    .undo(() -> ctx.containerLinks(c).ifPresent(l -> l.deleteRule(rule)))
                    .build());
            steps.add(ContainerSteps.routeStep("reply-route " + c.name() + " " + peer.name(), ctx, c, route));
        }
    }

    /** Removes our rules from a container's namespace (teardown of existing containers). */
    static void removeRules(Links links) {
        for (PolicyRule r : links.rules()) {
            if (r.fwmark() != null && r.fwmark() >= Names.INGRESS_BASE && r.fwmark() < Names.INGRESS_BASE + 256) {
                links.deleteRule(r);
            }
        }
    }
}
