package io.overlaykit.core.plan;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.Route;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.ContainerRequest;
import io.overlaykit.core.spi.Links;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/** The steps that run and wire one container: run, veth, MTU, bridge port, addressing, route, DNS, ingress. */
final class ContainerSteps {
    static final InterfaceName ETH0 = Names.CONTAINER_IF;
    static final InterfaceName LO = InterfaceName.of("lo");

    private ContainerSteps() {
    }

    static void add(HostContext ctx, ContainerSpec c, List<Step> steps) {
        String n = c.name();
        InterfaceName hostEnd = ctx.names.containerVeth(n);
        Links links = ctx.links;
        Supplier<Links> inner = () -> ctx.host.links(ctx.require(c).namespace());
        steps.add(c.existing() ? existing(ctx, c) : run(ctx, c));
        steps.add(Step.named("veth " + n, "veth " + hostEnd + " <-> " + ETH0 + " in " + ctx.podName(c))
                .done(() -> links.find(hostEnd).isPresent()
                        && ctx.containerLinks(c).map(l -> l.find(ETH0).isPresent()).orElse(false))
                .apply(() -> {
                    NetNamespace ns = ctx.require(c).namespace();
                    links.delete(hostEnd); // a stale host end whose container restarted: ours by name
                    links.create(new VethPair(hostEnd, ETH0, ns, ctx.mtu, ctx.names.containerMac(n), ctx.names.alias()));
                })
                .undo(() -> links.delete(hostEnd))
                .build());
        steps.add(Planner.mtuStep(ctx, "mtu " + n, () -> links, hostEnd, inner, ETH0));
        steps.add(Planner.attachStep(ctx, "attach " + n, hostEnd));
        if (ctx.sw.needsTxChecksumOff()) {
            steps.add(Step.named("txoff " + n, "tx checksum offload off on " + hostEnd + " and " + ETH0 + " in "
                            + ctx.podName(c))
                    .done(() -> Planner.txOff(links, hostEnd)
                            && ctx.containerLinks(c).map(l -> Planner.txOff(l, ETH0)).orElse(false))
                    .apply(() -> {
                        links.disableTxChecksum(hostEnd);
                        inner.get().disableTxChecksum(ETH0);
                    })
                    .build());
        }
        steps.add(Planner.upStep("up " + n, () -> links, hostEnd));
        steps.add(Planner.upStep("lo " + n, inner, LO));
        steps.add(sysctls(ctx, c));
        IpPrefix address = new IpPrefix(c.ip(), ctx.spec.subnet().length());
        steps.add(Step.named("address " + n, ETH0 + " address " + address + " in " + ctx.podName(c))
                .done(() -> ctx.containerLinks(c).map(l -> l.addresses(ETH0).stream()
                        .anyMatch(a -> a.prefix().equals(address))).orElse(false))
                .apply(() -> inner.get().addAddress(ETH0, address))
                .undo(() -> ctx.containerLinks(c).ifPresent(l -> l.deleteAddress(ETH0, address)))
                .build());
        steps.add(Planner.upStep("eth0 " + n, inner, ETH0));
        Route route = new Route(null, ctx.hostSpec.gateway(), ETH0, false, Route.MAIN_TABLE, null);
        steps.add(routeStep("route " + n, ctx, c, route));
        if (!ctx.spec.dns().isEmpty()) {
            steps.add(Dns.step(ctx, c));
        }
        IngressSteps.add(ctx, c, steps);
    }

    private static Step run(HostContext ctx, ContainerSpec c) {
        String pod = ctx.podName(c);
        ContainerRequest request = ContainerRequest.builder(pod, c.image()).command(c.command())
                .labels(ctx.names.labels(ctx.host.name())).hostname(c.name()).build();
        AtomicBoolean onlyStarted = new AtomicBoolean();
        return Step.named("container " + c.name(), "run " + pod + " from " + c.image() + " with no network")
                .done(() -> ctx.running(c).isPresent())
                .apply(() -> {
                    Optional<ContainerInfo> found = ctx.host.containers().inspect(pod);
                    onlyStarted.set(found.isPresent());
                    if (found.isPresent()) {
                        ctx.host.containers().start(pod); // ours, stopped: start it rather than replace it
                    } else {
                        ctx.host.containers().run(request);
                    }
                })
                .undo(() -> {
                    if (onlyStarted.get()) {
                        ctx.host.containers().stop(pod, java.time.Duration.ofSeconds(2));
                    } else {
                        ctx.host.containers().remove(pod);
                    }
                })
                .build();
    }

    private static Step existing(HostContext ctx, ContainerSpec c) {
        return Step.named("container " + c.name(), "use the existing container " + c.name())
                .done(() -> ctx.running(c).isPresent())
                .apply(() -> {
                    throw new NotFoundException("container " + c.name() + " is marked \"existing\" in spec "
                            + ctx.spec.name() + " but is not running on host " + ctx.host.name());
                })
                .build();
    }

    private static Step sysctls(HostContext ctx, ContainerSpec c) {
        Map<String, String> want = new LinkedHashMap<>();
        want.put("net.ipv6.conf.eth0.autoconf", "0"); // no SLAAC addresses from stray router adverts
        want.put("net.ipv4.conf.eth0.arp_notify", "1"); // announce the MAC at once when eth0 comes up
        Map<String, String> old = new LinkedHashMap<>();
        var ns = ctx.host.namespaces();
        return Step.named("sysctl " + c.name(), "sysctls " + want + " in " + ctx.podName(c))
                .done(() -> ctx.running(c).map(ci -> want.entrySet().stream().allMatch(e -> {
                    String now = readOrNull(ns, ci.namespace(), e.getKey());
                    return now == null || e.getValue().equals(now);
                })).orElse(false))
                .apply(() -> {
                    NetNamespace target = ctx.require(c).namespace();
                    old.clear();
                    want.forEach((k, v) -> {
                        if (readOrNull(ns, target, k) != null) { // a kernel without IPv6 has no ipv6 keys
                            old.put(k, ns.writeSysctl(target, k, v).trim());
                        }
                    });
                    if (c.existing()) {
                        // an existing container outlives teardown: remember what to put back
                        old.forEach((k, v) -> ctx.state.put(HostState.SYSCTL_PREFIX + c.name() + "/" + k, v));
                    }
                })
                .undo(() -> ctx.running(c).ifPresent(ci -> old.forEach((k, v) -> {
                    ns.writeSysctl(ci.namespace(), k, v);
                    ctx.state.remove(HostState.SYSCTL_PREFIX + c.name() + "/" + k);
                })))
                .build();
    }

    private static String readOrNull(io.overlaykit.core.spi.Namespaces ns, NetNamespace target, String key) {
        try {
            return ns.readSysctl(target, key).trim();
        } catch (NotFoundException e) {
            return null;
        }
    }

    static Step routeStep(String id, HostContext ctx, ContainerSpec c, Route route) {
        Supplier<Links> inner = () -> ctx.host.links(ctx.require(c).namespace());
        return Step.named(id, route + " in " + ctx.podName(c))
                .done(() -> ctx.containerLinks(c).map(l -> hasRoute(l, route)).orElse(false))
                .apply(() -> inner.get().addRoute(route))
                .undo(() -> ctx.containerLinks(c).ifPresent(l -> l.deleteRoute(route)))
                .build();
    }

    /** Compares what matters: a backend may fill in the device, metric or onlink when it reads routes back. */
    static boolean hasRoute(Links links, Route want) {
        return links.routes(want.table()).stream().anyMatch(r -> r.isDefault() == want.isDefault()
                && (want.isDefault() || want.destination().equals(r.destination()))
                && sameAddress(want.gateway(), r.gateway()));
    }

    private static boolean sameAddress(InetAddress a, InetAddress b) {
        return a == null ? b == null : a.equals(b);
    }
}
