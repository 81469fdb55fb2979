package io.overlaykit.core.internal.engine;

import static io.overlaykit.core.internal.engine.LinkChanges.net;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.NetOp;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Removal of our objects (found by tag) that the spec no longer has: containers we ran, links with our
 * alias, listen addresses we added (tunnels to hosts that left are the switch's part). These steps cannot
 * be undone, so they come last.
 */
final class ConvergePlanner {
    /** Prefixes of the veths we make ourselves: bridges and tunnel devices belong to the switch backend. */
    private static final List<String> VETH_PREFIXES = List.of("okv", "okg", "okh");

    private ConvergePlanner() {
    }

    static void add(PlanContext ctx, List<Step> steps) {
        Set<InterfaceName> goWithContainers = containers(ctx, steps);
        links(ctx, steps, goWithContainers);
        addresses(ctx, steps);
    }

    /** Names of every link the plan wants on the host. */
    static Set<InterfaceName> desiredLinks(PlanContext ctx) {
        Set<InterfaceName> want = new HashSet<>();
        want.add(ctx.bridge);
        want.add(ctx.names.vxlanDevice());
        want.add(ctx.names.gatewayVeth(ctx.hostName));
        want.add(ctx.names.gatewayPort(ctx.hostName));
        for (HostSpec peer : ctx.spec.peersOf(ctx.hostName)) {
            want.add(ctx.names.tunnel(peer.name()));
        }
        for (ContainerSpec c : ctx.hostSpec.containers()) {
            want.add(ctx.names.containerVeth(c.name()));
        }
        return want;
    }

    /** Removes our containers the spec no longer has; returns the veth host ends that go with them. */
    private static Set<InterfaceName> containers(PlanContext ctx, List<Step> steps) {
        Set<InterfaceName> vethsThatGo = new HashSet<>();
        Set<String> want = new HashSet<>();
        ctx.hostSpec.containers().forEach(c -> want.add(ctx.runtimeName(c)));
        for (ContainerInfo ci : ctx.snap.containers.values().stream()
                .sorted(java.util.Comparator.comparing(ContainerInfo::name)).toList()) {
            boolean ours = ctx.spec.name().equals(ci.labels().get(Names.SPEC_LABEL));
            if (ours && !want.contains(ci.name())) {
                List<Change> changes = new ArrayList<>();
                changes.add(new Change.Container(Change.Container.Action.REMOVE, ci.name(), null));
                String fw = HostStateFile.firewallKey(ci.name());
                if (ctx.snap.state.containsKey(fw)) {
                    changes.add(new Change.State(fw, null, ctx.snap.state.get(fw)));
                }
                steps.add(Step.removal("remove container " + ci.name(), "remove container " + ci.name()
                        + ", which the spec no longer has", changes));
                String prefix = ctx.names.podName("");
                if (ci.running() && ci.name().startsWith(prefix)) {
                    // its namespace dies with it, and the veth's host end with the namespace
                    vethsThatGo.add(ctx.names.containerVeth(ci.name().substring(prefix.length())));
                }
            }
        }
        return vethsThatGo;
    }

    private static void links(PlanContext ctx, List<Step> steps, Set<InterfaceName> goWithContainers) {
        Set<InterfaceName> want = desiredLinks(ctx);
        want.addAll(goWithContainers);
        for (LinkInfo l : ctx.snap.hostView.links()) {
            boolean veth = VETH_PREFIXES.stream().anyMatch(p -> l.name().value().startsWith(p));
            if (veth && ctx.names.alias().equals(l.alias()) && !want.contains(l.name())) {
                steps.add(Step.removal("remove link " + l.name(), "remove " + l.kind() + " " + l.name()
                                + " (tagged " + l.alias() + "), which the spec no longer has",
                        List.of(LinkChanges.deleteLeftover(Target.HOST, l.name()))));
            }
        }
    }

    private static void addresses(PlanContext ctx, List<Step> steps) {
        Set<InetAddress> want = EgressPlanner.listenAddresses(ctx);
        HostStateFile.withPrefix(ctx.snap.state, HostStateFile.ADDRESS_PREFIX).forEach((address, link) -> {
            InetAddress a = IpPrefix.parseAddress(address);
            if (!want.contains(a)) {
                IpPrefix p = new IpPrefix(a, IpPrefix.maxLength(a));
                String key = HostStateFile.ADDRESS_PREFIX + address;
                steps.add(Step.removal("remove listen " + address, "remove " + p + " from " + link
                                + ", added for a forward the spec no longer has",
                        List.of(net(Target.HOST, new NetOp.DeleteAddress(InterfaceName.of(link), p), null),
                                new Change.State(key, null, link))));
            }
        });
    }
}
