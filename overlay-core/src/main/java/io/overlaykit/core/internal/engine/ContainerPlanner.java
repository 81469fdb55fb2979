package io.overlaykit.core.internal.engine;

import static io.overlaykit.core.internal.engine.LinkChanges.net;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.Route;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.ContainerRequest;
import io.overlaykit.core.spi.NamespaceView;
import io.overlaykit.core.spi.NetOp;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The steps that run one container and wire it: run, veth, MTU, up, and everything inside its namespace. */
final class ContainerPlanner {
    static final InterfaceName ETH0 = Names.CONTAINER_IF;
    static final InterfaceName LO = InterfaceName.of("lo");
    /**
     * Sysctls every wired container gets: no SLAAC from stray router adverts; announce the MAC at once; no IPv6
     * unless the spec has it. On an IPv4-only spec the {@code net.ipv6.} keys are skipped by a kernel without IPv6.
     */
    static final Map<String, String> SYSCTLS = sysctls();
    static final String IPV6_AUTOCONF = "net.ipv6.conf.eth0.autoconf";
    private static final String DISABLE_IPV6 = "net.ipv6.conf.eth0.disable_ipv6";
    /**
     * What a dual-stack container gets on top: IPv6 on, and no duplicate address detection (the spec gives every
     * address once, checked by the validator; DAD would hold the address tentative for a second or more).
     */
    static final Map<String, String> SYSCTLS_IPV6 = Map.of("net.ipv6.conf.eth0.disable_ipv6", "0",
            "net.ipv6.conf.eth0.accept_dad", "0");

    private ContainerPlanner() {
    }

    /** The sysctls of a container of {@code spec}, in the order they are set. */
    static Map<String, String> sysctls(io.overlaykit.core.spec.OverlaySpec spec) {
        if (!spec.hasIpv6()) {
            return SYSCTLS;
        }
        Map<String, String> m = new LinkedHashMap<>(SYSCTLS);
        m.put(DISABLE_IPV6, "0");
        m.put("net.ipv6.conf.eth0.accept_dad", "0");
        return java.util.Collections.unmodifiableMap(m);
    }

    private static Map<String, String> sysctls() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(IPV6_AUTOCONF, "0");
        m.put("net.ipv4.conf.eth0.arp_notify", "1");
        // No IPv6 in the spec: no link-local address, so no router solicitations, DAD or MLD reports, which a
        // switch floods to every port (at 1000 ports that kept ovs-vswitchd's main thread flooding for minutes).
        m.put(DISABLE_IPV6, "1");
        return java.util.Collections.unmodifiableMap(m);
    }

    static Step run(PlanContext ctx, ContainerSpec c) {
        String pod = ctx.runtimeName(c);
        if (c.existing()) {
            return Step.of("container " + c.name(), "use the existing container " + c.name(),
                    ctx.running(c) ? List.of() : List.of(new Change.Container(Change.Container.Action.REQUIRE_RUNNING,
                            pod, null)));
        }
        String what = "run " + pod + " from " + c.image() + " with no network";
        Optional<ContainerInfo> found = Optional.ofNullable(ctx.snap.containers.get(pod));
        if (found.isPresent() && found.get().running()) {
            return Step.of("container " + c.name(), what, List.of());
        }
        if (found.isPresent()) { // ours, stopped: start it rather than replace it
            return Step.of("container " + c.name(), what,
                    List.of(new Change.Container(Change.Container.Action.START, pod, null)));
        }
        ContainerRequest request = ContainerRequest.builder(pod, c.image()).command(c.command())
                .labels(ctx.names.labels(ctx.hostName)).hostname(c.name()).build();
        return Step.of("container " + c.name(), what,
                List.of(new Change.Container(Change.Container.Action.RUN, pod, request)));
    }

    /** Whether the veth must be (re)made: its host end or the container's eth0 is missing. */
    static boolean vethMissing(PlanContext ctx, ContainerSpec c) {
        return ctx.snap.hostView.link(ctx.names.containerVeth(c.name())).isEmpty()
                || ctx.view(c).link(ETH0).isEmpty();
    }

    static Step veth(PlanContext ctx, ContainerSpec c) {
        InterfaceName hostEnd = ctx.names.containerVeth(c.name());
        Target inside = ctx.target(c);
        List<Change> changes = new ArrayList<>();
        if (vethMissing(ctx, c)) {
            if (ctx.snap.hostView.link(hostEnd).isPresent()) {
                changes.add(LinkChanges.deleteLeftover(Target.HOST, hostEnd)); // its container restarted: ours by name
            }
            changes.add(new Change.Veth(Target.HOST, new VethPair(hostEnd, ETH0, null, ctx.mtu,
                    ctx.names.containerMac(c.name()), ctx.names.alias()), inside));
            ctx.created(Target.HOST, hostEnd);
            ctx.created(inside, ETH0);
        }
        return Step.of("veth " + c.name(), "veth " + hostEnd + " <-> " + ETH0 + " in " + ctx.runtimeName(c), changes);
    }

    static Step mtu(PlanContext ctx, ContainerSpec c) {
        InterfaceName hostEnd = ctx.names.containerVeth(c.name());
        List<Change> changes = new ArrayList<>(LinkChanges.mtu(ctx, Target.HOST, hostEnd, ctx.mtu));
        changes.addAll(LinkChanges.mtu(ctx, ctx.target(c), ETH0, ctx.mtu));
        return Step.of("mtu " + c.name(), "mtu " + ctx.mtu + " on " + hostEnd + " and " + ETH0, changes);
    }

    /**
     * The host end up. A host end this plan makes is a switch port and nothing more, so it gets no IPv6 (no
     * link-local address, router solicitations or MLD reports flooded to every other port); our link, no undo.
     */
    static Step up(PlanContext ctx, ContainerSpec c) {
        InterfaceName hostEnd = ctx.names.containerVeth(c.name());
        List<Change> changes = new ArrayList<>();
        if (ctx.isCreated(Target.HOST, hostEnd)) {
            changes.add(new Change.Sysctl(Target.HOST, "net.ipv6.conf." + hostEnd.value() + ".disable_ipv6", "1", null,
                    true));
        }
        changes.addAll(LinkChanges.up(ctx, Target.HOST, hostEnd));
        return Step.of("up " + c.name(), "set " + hostEnd + " up", changes);
    }

    /**
     * Everything inside the container's namespace, in the order it is made; {@code switchSettings} (null: none)
     * is what the switch needs on eth0, placed next to the other link changes so they make one batch.
     */
    static void inside(PlanContext ctx, ContainerSpec c, Step switchSettings, List<Step> steps) {
        Target t = ctx.target(c);
        String pod = ctx.runtimeName(c);
        steps.add(sysctl(ctx, c));
        if (switchSettings != null) {
            steps.add(switchSettings);
        }
        steps.add(Step.of("lo " + c.name(), "set lo up", LinkChanges.up(ctx, t, LO)));
        IpPrefix address = new IpPrefix(c.ip(), ctx.spec.subnet().length());
        steps.add(Step.of("address " + c.name(), ETH0 + " address " + address + " in " + pod,
                LinkChanges.address(ctx, t, ETH0, address)));
        InetAddress ip6 = ctx.spec.ipv6(c);
        if (ip6 != null) {
            IpPrefix address6 = new IpPrefix(ip6, ctx.spec.subnet6().length());
            steps.add(Step.of("address6 " + c.name(), ETH0 + " address " + address6 + " in " + pod,
                    LinkChanges.address(ctx, t, ETH0, address6)));
        }
        steps.add(Step.of("eth0 " + c.name(), "set " + ETH0 + " up", LinkChanges.up(ctx, t, ETH0)));
        Route route = new Route(null, ctx.hostSpec.gateway(), ETH0, false, Route.MAIN_TABLE, null);
        steps.add(route("route " + c.name(), ctx, t, route, pod));
        InetAddress gw6 = ctx.spec.gateway6(ctx.hostSpec);
        if (gw6 != null) {
            Route route6 = new Route(null, gw6, ETH0, false, Route.MAIN_TABLE, null);
            steps.add(route("route6 " + c.name(), ctx, t, route6, pod));
        }
        steps.addAll(NeighbourPlanner.steps(c.name(), pod, ctx.view(c), ctx.isCreated(t, ETH0), t, ETH0,
                NeighbourPlanner.forContainer(ctx.spec, ctx.names, c)));
        if (DnsPlanner.wanted(ctx.spec)) {
            steps.add(DnsPlanner.resolvConf(ctx, c));
        }
        steps.add(HostsFilePlanner.hosts(ctx, c));
        IngressPlanner.add(ctx, c, steps);
    }

    private static Step sysctl(PlanContext ctx, ContainerSpec c) {
        Target t = ctx.target(c);
        List<Change> changes = new ArrayList<>();
        // the keys are eth0's: a new namespace, or an eth0 this plan (re)creates, has them only once it exists
        boolean fresh = !ctx.running(c) || ctx.isCreated(t, ETH0);
        Map<String, String> all = sysctls(ctx.spec);
        all.forEach((key, want) -> {
            if (fresh) {
                // new: their defaults are not worth undoing (a rollback deletes the veth, or the container)
                // a kernel without IPv6 lacks the IPv6 keys; a spec with IPv6 needs them
                changes.add(new Change.Sysctl(t, key, want, null, key.startsWith("net.ipv6.") && !ctx.spec.hasIpv6()));
                return;
            }
            String now = ctx.snap.eagerSysctl(t, key);
            if (now == null || now.equals(want)) {
                return; // absent (no IPv6), or already so
            }
            if (c.existing() && !ctx.snap.state.containsKey(HostStateFile.SYSCTL_PREFIX + c.name() + "/" + key)) {
                // an existing container outlives teardown: remember what to put back
                changes.add(new Change.State(HostStateFile.SYSCTL_PREFIX + c.name() + "/" + key, now, null));
            }
            changes.add(new Change.Sysctl(t, key, want, now, false));
        });
        return Step.of("sysctl " + c.name(), "sysctls " + all + " in " + ctx.runtimeName(c), changes);
    }

    static Step route(String id, PlanContext ctx, Target t, Route route, String where) {
        boolean has = !ctx.isCreated(t, ETH0) && hasRoute(ctx.snap.namespace(t), route);
        return Step.of(id, route + " in " + where, has ? List.of()
                : List.of(net(t, new NetOp.AddRoute(route), new NetOp.DeleteRoute(route))));
    }

    /** Compares what matters: a backend may fill in the device, metric or onlink when it reads routes back. */
    static boolean hasRoute(NamespaceView view, Route want) {
        return view.routes(want.table()).stream().anyMatch(r -> r.isDefault() == want.isDefault()
                && (want.isDefault() || want.destination().equals(r.destination()))
                && sameAddress(want.gateway(), r.gateway()));
    }

    private static boolean sameAddress(InetAddress a, InetAddress b) {
        return a == null ? b == null : a.equals(b);
    }
}
