package io.overlaykit.core.plan;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spi.ContainerInfo;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Removal of our objects (found by tag) that the spec no longer has: containers we ran, tunnels to
 * hosts that left, links with our alias, listen addresses we added. Computed when planning, from the
 * host's actual state; these steps cannot be undone, so they come last.
 */
final class ConvergeSteps {
    private ConvergeSteps() {
    }

    static void add(HostContext ctx, List<Step> steps) {
        containers(ctx, steps);
        tunnels(ctx, steps);
        links(ctx, steps);
        addresses(ctx, steps);
    }

    /** Names of every link the plan wants on the host. */
    static Set<InterfaceName> desiredLinks(HostContext ctx) {
        Set<InterfaceName> want = new HashSet<>();
        want.add(ctx.bridge);
        want.add(ctx.names.vxlanDevice());
        want.add(ctx.names.gatewayVeth(ctx.host.name()));
        want.add(ctx.names.gatewayPort(ctx.host.name()));
        for (HostSpec peer : ctx.spec.peersOf(ctx.host.name())) {
            want.add(ctx.names.tunnel(peer.name()));
        }
        for (ContainerSpec c : ctx.hostSpec.containers()) {
            want.add(ctx.names.containerVeth(c.name()));
        }
        return want;
    }

    private static void containers(HostContext ctx, List<Step> steps) {
        if (!ctx.host.hasContainers()) {
            return;
        }
        Set<String> want = new HashSet<>();
        ctx.hostSpec.containers().forEach(c -> want.add(ctx.podName(c)));
        Map<String, String> labels = ctx.names.labels(ctx.host.name());
        for (ContainerInfo ci : ctx.host.containers().list(labels)) {
            if (!want.contains(ci.name())) {
                steps.add(Step.named("remove container " + ci.name(), "remove container " + ci.name()
                                + ", which the spec no longer has")
                        .done(() -> ctx.host.containers().inspect(ci.name()).isEmpty())
                        .apply(() -> ctx.host.containers().remove(ci.name()))
                        .irreversible().build());
            }
        }
    }

    private static void tunnels(HostContext ctx, List<Step> steps) {
        if (!Planner.bridgeExists(ctx)) {
            return;
        }
        Set<InetAddress> peers = new HashSet<>();
        ctx.spec.peersOf(ctx.host.name()).forEach(p -> peers.add(p.underlay()));
        for (VxlanTunnel t : ctx.sw.tunnels(ctx.bridge)) {
            if (t.remote() != null && !peers.contains(t.remote())) {
                steps.add(Step.named("remove tunnel " + t.remote().getHostAddress(), "remove " + t.name()
                                + " to " + t.remote().getHostAddress() + ", a host the spec no longer has")
                        .done(() -> ctx.sw.tunnels(ctx.bridge).stream()
                                .noneMatch(x -> Objects.equals(x.remote(), t.remote())))
                        .apply(() -> ctx.sw.removeTunnels(ctx.bridge, List.of(t)))
                        .irreversible().build());
            }
        }
    }

    private static void links(HostContext ctx, List<Step> steps) {
        Set<InterfaceName> want = desiredLinks(ctx);
        for (LinkInfo l : ctx.links.list()) {
            // only veths we make ourselves: bridges and VXLAN devices belong to the switch backend
            boolean veth = l.name().value().startsWith("okv") || l.name().value().startsWith("okg")
                    || l.name().value().startsWith("okh");
            if (veth && ctx.names.alias().equals(l.alias()) && !want.contains(l.name())) {
                steps.add(Step.named("remove link " + l.name(), "remove " + l.kind() + " " + l.name()
                                + " (tagged " + l.alias() + "), which the spec no longer has")
                        .done(() -> ctx.links.find(l.name()).isEmpty())
                        .apply(() -> ctx.links.delete(l.name()))
                        .irreversible().build());
            }
        }
    }

    private static void addresses(HostContext ctx, List<Step> steps) {
        Set<InetAddress> want = EgressSteps.listenAddresses(ctx);
        ctx.state.withPrefix(HostState.ADDRESS_PREFIX).forEach((address, link) -> {
            InetAddress a = IpPrefix.parseAddress(address);
            if (!want.contains(a)) {
                IpPrefix p = new IpPrefix(a, 32);
                InterfaceName dev = InterfaceName.of(link);
                steps.add(Step.named("remove listen " + address, "remove " + p + " from " + link
                                + ", added for a forward the spec no longer has")
                        .done(() -> ctx.state.get(HostState.ADDRESS_PREFIX + address) == null)
                        .apply(() -> {
                            ctx.links.deleteAddress(dev, p);
                            ctx.state.remove(HostState.ADDRESS_PREFIX + address);
                        })
                        .irreversible().build());
            }
        });
    }
}
