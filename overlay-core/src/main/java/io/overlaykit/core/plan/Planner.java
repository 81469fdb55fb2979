package io.overlaykit.core.plan;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.Host;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.Links;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Turns a host's part of a spec into an ordered {@link Plan}: bridge, a tunnel per peer, per container
 * its wiring, the gateway veth, egress and forwards, then the removal of our objects the spec no longer
 * has. Planning reads the host (uplink, MTU, leftovers) but changes nothing.
 */
public final class Planner {
    private Planner() {
    }

    /** The plan for {@code host}, which must be one of the spec's hosts. */
    public static Plan plan(OverlaySpec spec, Host host) {
        HostContext ctx = new HostContext(spec, host);
        checkDistinctNames(ctx);
        List<Step> steps = new ArrayList<>();
        steps.add(bridge(ctx));
        if ("linux".equals(ctx.sw.kind())) {
            steps.add(bridgeArpIgnore(ctx));
        }
        for (HostSpec peer : spec.peersOf(host.name())) {
            steps.add(tunnel(ctx, peer));
        }
        for (ContainerSpec c : ctx.hostSpec.containers()) {
            ContainerSteps.add(ctx, c, steps);
        }
        gateway(ctx, steps);
        EgressSteps.add(ctx, steps);
        ConvergeSteps.add(ctx, steps);
        return new Plan(spec.name(), host.name(), steps);
    }

    /** Derived names carry a 24-bit hash; refuse the (unlikely) case of two objects sharing one. */
    static void checkDistinctNames(HostContext ctx) {
        java.util.Map<InterfaceName, String> seen = new java.util.HashMap<>();
        java.util.function.BiConsumer<InterfaceName, String> put = (name, what) -> {
            String prev = seen.putIfAbsent(name, what);
            if (prev != null) {
                throw new io.overlaykit.core.ConflictException("spec " + ctx.spec.name() + ": derived interface name "
                        + name + " is the same for " + prev + " and " + what + "; rename one of them");
            }
        };
        put.accept(ctx.bridge, "the bridge");
        put.accept(ctx.names.gatewayVeth(ctx.host.name()), "the gateway veth");
        put.accept(ctx.names.gatewayPort(ctx.host.name()), "the gateway port");
        ctx.spec.peersOf(ctx.host.name()).forEach(p -> put.accept(ctx.names.tunnel(p.name()), "tunnel " + p.name()));
        ctx.hostSpec.containers().forEach(c -> put.accept(ctx.names.containerVeth(c.name()), "container " + c.name()));
    }

    static Step bridge(HostContext ctx) {
        Bridge bridge = new Bridge(ctx.bridge, ctx.mtu, ctx.names.alias());
        return Step.named("bridge", ctx.sw.kind() + " bridge " + ctx.bridge + " mtu " + ctx.mtu)
                .done(() -> ctx.sw.bridges(ctx.names.owner()).contains(ctx.bridge))
                .apply(() -> ctx.sw.ensureBridge(bridge, ctx.names.owner()))
                .undo(() -> ctx.sw.deleteBridge(ctx.bridge))
                .build();
    }

    /**
     * The Linux bridge is up in the host's namespace but holds no address; with the default
     * {@code arp_ignore=0} it still answers containers' ARP for the gateway address (with its own MAC),
     * racing the gateway veth, and traffic then enters the host through the bridge device. With
     * {@code arp_ignore=1} it answers only for addresses of its own, i.e. never.
     */
    static Step bridgeArpIgnore(HostContext ctx) {
        String key = "net.ipv4.conf." + ctx.bridge.value() + ".arp_ignore";
        var ns = ctx.host.namespaces();
        var hostNs = ctx.host.namespace();
        String[] old = new String[1];
        return Step.named("bridge arp", key + "=1 (the bridge must not answer ARP for the gateway)")
                .done(() -> ctx.links.find(ctx.bridge).isPresent() && "1".equals(ns.readSysctl(hostNs, key).trim()))
                .apply(() -> old[0] = ns.writeSysctl(hostNs, key, "1").trim())
                .undo(() -> {
                    if (old[0] != null && ctx.links.find(ctx.bridge).isPresent()) {
                        ns.writeSysctl(hostNs, key, old[0]);
                    }
                })
                .build();
    }

    /** The tunnel towards {@code peer} as this host sees it. */
    static VxlanTunnel tunnelTo(HostContext ctx, HostSpec peer) {
        VxlanTunnel.Builder b = VxlanTunnel.builder(ctx.names.tunnel(peer.name()).value(), ctx.spec.vni())
                .remote(peer.underlay()).local(ctx.hostSpec.underlay()).dstPort(ctx.spec.udpPort())
                .alias(ctx.names.alias());
        if (ctx.spec.psk() != null) {
            b.psk(ctx.spec.psk());
        }
        return b.device(ctx.uplink.value()).build();
    }

    static Step tunnel(HostContext ctx, HostSpec peer) {
        VxlanTunnel t = tunnelTo(ctx, peer);
        return Step.named("tunnel " + peer.name(), "vxlan " + t.name() + " vni " + t.vni() + " to "
                        + peer.underlay().getHostAddress() + ":" + t.dstPort() + " from "
                        + ctx.hostSpec.underlay().getHostAddress() + (t.psk() == null ? "" : " (ipsec psk)"))
                .done(() -> ctx.sw.tunnels(ctx.bridge).stream()
                        .anyMatch(x -> Objects.equals(x.remote(), t.remote()) && x.vni().equals(t.vni())))
                .apply(() -> ctx.sw.addTunnels(ctx.bridge, List.of(t), ctx.names.owner()))
                .undo(() -> ctx.sw.removeTunnels(ctx.bridge, List.of(t)))
                .build();
    }

    static boolean bridgeExists(HostContext ctx) {
        return ctx.sw.bridges(ctx.names.owner()).contains(ctx.bridge);
    }

    static void gateway(HostContext ctx, List<Step> steps) {
        String h = ctx.host.name();
        InterfaceName gw = ctx.names.gatewayVeth(h);
        InterfaceName port = ctx.names.gatewayPort(h);
        MacAddress mac = ctx.names.gatewayMac(h);
        IpPrefix address = new IpPrefix(ctx.hostSpec.gateway(), ctx.spec.subnet().length());
        Links links = ctx.links;
        VethPair pair = new VethPair(port, gw, null, ctx.mtu, mac, ctx.names.alias());
        steps.add(Step.named("gateway veth", "veth " + port + " (bridge side) <-> " + gw + " (host side)")
                .done(() -> links.find(gw).isPresent() && links.find(port).isPresent())
                .apply(() -> {
                    links.delete(port); // a half pair left by a crash: ours by name, replace it
                    links.delete(gw);
                    links.create(pair);
                })
                .undo(() -> links.delete(port))
                .build());
        AtomicReference<MacAddress> oldMac = new AtomicReference<>();
        steps.add(Step.named("gateway mac", gw + " address " + mac)
                .done(() -> links.find(gw).map(l -> mac.equals(l.mac())).orElse(false))
                .apply(() -> {
                    oldMac.set(links.get(gw).mac());
                    links.setMac(gw, mac);
                })
                .undo(() -> {
                    if (oldMac.get() != null && links.find(gw).isPresent()) {
                        links.setMac(gw, oldMac.get());
                    }
                })
                .build());
        steps.add(mtuStep(ctx, "gateway mtu", () -> links, port, () -> links, gw));
        steps.add(attachStep(ctx, "gateway attach", port));
        if (ctx.sw.needsTxChecksumOff()) {
            steps.add(Step.named("gateway txoff", "tx checksum offload off on " + port + " and " + gw)
                    .done(() -> txOff(links, port) && txOff(links, gw))
                    .apply(() -> {
                        links.disableTxChecksum(port);
                        links.disableTxChecksum(gw);
                    })
                    .build());
        }
        steps.add(Step.named("gateway address", gw + " address " + address)
                .done(() -> links.addresses(gw).stream().anyMatch(a -> a.prefix().equals(address)))
                .apply(() -> links.addAddress(gw, address))
                .undo(() -> links.deleteAddress(gw, address))
                .build());
        steps.add(upStep("gateway up", () -> links, port, gw));
    }

    /** True when the link exists and has TX checksum offload off. */
    static boolean txOff(Links links, InterfaceName name) {
        return links.find(name).isPresent() && !links.txChecksum(name);
    }

    /** Sets the MTU on two link ends; undo restores what they had. */
    static Step mtuStep(HostContext ctx, String id, Supplier<Links> la, InterfaceName a, Supplier<Links> lb,
                        InterfaceName b) {
        int mtu = ctx.mtu;
        int[] old = new int[2];
        return Step.named(id, "mtu " + mtu + " on " + a + " and " + b)
                .done(() -> mtuOf(la, a) == mtu && mtuOf(lb, b) == mtu)
                .apply(() -> {
                    old[0] = mtuOf(la, a);
                    old[1] = mtuOf(lb, b);
                    la.get().setMtu(a, mtu);
                    lb.get().setMtu(b, mtu);
                })
                .undo(() -> {
                    if (old[0] > 0 && mtuOf(la, a) > 0) {
                        la.get().setMtu(a, old[0]);
                    }
                    if (old[1] > 0 && mtuOf(lb, b) > 0) {
                        lb.get().setMtu(b, old[1]);
                    }
                })
                .build();
    }

    /** The MTU of a link, or -1 when it (or the namespace it lives in) is gone. */
    private static int mtuOf(Supplier<Links> links, InterfaceName name) {
        try {
            return links.get().find(name).map(LinkInfo::mtu).orElse(-1);
        } catch (io.overlaykit.core.NotFoundException e) {
            return -1;
        }
    }

    static Step attachStep(HostContext ctx, String id, InterfaceName link) {
        return Step.named(id, "plug " + link + " into " + ctx.bridge)
                .done(() -> ctx.sw.isAttached(ctx.bridge, link))
                .apply(() -> ctx.sw.attach(ctx.bridge, List.of(link), ctx.names.owner()))
                .undo(() -> ctx.sw.detach(ctx.bridge, List.of(link)))
                .build();
    }

    /** Sets links up; undo sets down those that were down. */
    static Step upStep(String id, Supplier<Links> lazyLinks, InterfaceName... names) {
        List<InterfaceName> wasDown = new ArrayList<>();
        return Step.named(id, "set " + String.join(", ", java.util.Arrays.stream(names).map(InterfaceName::value)
                        .toList()) + " up")
                .done(() -> isUp(lazyLinks, names))
                .apply(() -> {
                    Links links = lazyLinks.get();
                    wasDown.clear();
                    for (InterfaceName n : names) {
                        if (!links.get(n).up()) {
                            wasDown.add(n);
                            links.setUp(n);
                        }
                    }
                })
                .undo(() -> {
                    for (InterfaceName n : wasDown) {
                        if (mtuOf(lazyLinks, n) > 0) {
                            lazyLinks.get().setDown(n);
                        }
                    }
                })
                .build();
    }

    private static boolean isUp(Supplier<Links> links, InterfaceName... names) {
        try {
            Links l = links.get();
            return java.util.Arrays.stream(names).allMatch(n -> l.find(n).map(LinkInfo::up).orElse(false));
        } catch (io.overlaykit.core.NotFoundException e) {
            return false;
        }
    }
}
