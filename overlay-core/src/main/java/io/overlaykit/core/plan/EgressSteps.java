package io.overlaykit.core.plan;

import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.spec.ForwardSpec;
import io.overlaykit.core.spi.Firewall;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.core.spi.Links;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Egress and ingress on the host: {@code ip_forward}, listen addresses on the uplink, and our nftables
 * table (masquerade out of the uplink, hairpin masquerade, the forward filter, DNAT per forward).
 * Userspace forwards are run by {@code serve}, not by apply; only their listen addresses are planned.
 */
final class EgressSteps {
    static final String IP_FORWARD = "net.ipv4.ip_forward";

    private EgressSteps() {
    }

    static void add(HostContext ctx, List<Step> steps) {
        steps.add(ipForward(ctx));
        for (InetAddress a : listenAddresses(ctx)) {
            steps.add(listenAddress(ctx, a));
        }
        steps.add(firewall(ctx));
    }

    static Set<InetAddress> listenAddresses(HostContext ctx) {
        Set<InetAddress> out = new LinkedHashSet<>();
        ctx.hostSpec.forwards().forEach(f -> out.add(f.listen().address()));
        return out;
    }

    private static Step ipForward(HostContext ctx) {
        var ns = ctx.host.namespaces();
        var hostNs = ctx.host.namespace();
        String[] previous = new String[1];
        boolean[] recorded = new boolean[1];
        return Step.named("ip_forward", IP_FORWARD + "=1 in " + hostNs.displayName()
                        + " (the previous value is restored by teardown)")
                .done(() -> "1".equals(ns.readSysctl(hostNs, IP_FORWARD).trim()))
                .apply(() -> {
                    previous[0] = ns.writeSysctl(hostNs, IP_FORWARD, "1").trim();
                    recorded[0] = ctx.state.get(HostState.IP_FORWARD) == null;
                    if (recorded[0]) {
                        ctx.state.put(HostState.IP_FORWARD, previous[0]);
                    }
                })
                .undo(() -> {
                    ns.writeSysctl(hostNs, IP_FORWARD, previous[0]);
                    if (recorded[0]) {
                        ctx.state.remove(HostState.IP_FORWARD);
                    }
                })
                .build();
    }

    private static Step listenAddress(HostContext ctx, InetAddress a) {
        Links links = ctx.links;
        IpPrefix p = new IpPrefix(a, 32);
        String key = HostState.ADDRESS_PREFIX + a.getHostAddress();
        return Step.named("listen " + a.getHostAddress(), "address " + p + " on " + ctx.uplink
                        + " unless the host has it (removed by teardown only if added here)")
                .done(() -> links.addresses(null).stream().anyMatch(x -> x.prefix().address().equals(a)))
                .apply(() -> {
                    ctx.state.put(key, ctx.uplink.value()); // record first: a crash right after still cleans up
                    try {
                        links.addAddress(ctx.uplink, p);
                    } catch (RuntimeException e) {
                        ctx.state.remove(key); // a failed step is not undone, so take the record back here
                        throw e;
                    }
                })
                .undo(() -> {
                    links.deleteAddress(ctx.uplink, p);
                    ctx.state.remove(key);
                })
                .build();
    }

    /** Our table on the host, as data. */
    static FirewallTable table(HostContext ctx) {
        IpPrefix subnet = ctx.spec.subnet();
        List<FirewallTable.Rule> rules = new ArrayList<>();
        if ("linux".equals(ctx.sw.kind())) {
            // With br_netfilter active (the default once the module is loaded, e.g. on Docker hosts) the
            // frames our bridge switches pass the IP hooks of this namespace too; tracked there, a reply
            // that was routed and masqueraded meets a second, clashing entry and is dropped.
            rules.add(new FirewallTable.Untracked(ctx.bridge));
        }
        if (ctx.hostSpec.egress()) {
            rules.add(new FirewallTable.Masquerade(subnet, ctx.uplink, subnet, false));
        }
        rules.add(new FirewallTable.Masquerade(subnet, null, null, true));
        rules.add(new FirewallTable.ForwardAccept(subnet, ctx.names.gatewayVeth(ctx.host.name())));
        for (ForwardSpec f : ctx.hostSpec.forwards()) {
            if (f.mode() == ForwardSpec.Mode.DNAT) {
                rules.add(new FirewallTable.Dnat(FirewallTable.Protocol.valueOf(f.protocol().name()),
                        f.listen().address(), f.listen().port(), f.target().address(), f.target().port()));
            }
        }
        return new FirewallTable(ctx.names.firewallTable(), rules);
    }

    static String fingerprint(FirewallTable t) {
        return Integer.toHexString(t.toString().hashCode());
    }

    private static Step firewall(HostContext ctx) {
        FirewallTable table = table(ctx);
        String print = fingerprint(table);
        Firewall fw = ctx.host.firewall();
        boolean[] existed = new boolean[1];
        String[] oldPrint = new String[1];
        return Step.named("firewall", "nft table " + table.name() + ": " + table.rules().size() + " rules ("
                        + (ctx.hostSpec.egress() ? "masquerade out of " + ctx.uplink + ", " : "")
                        + "hairpin, forward filter, " + table.rules().stream()
                        .filter(r -> r instanceof FirewallTable.Dnat).count() + " dnat)")
                .done(() -> print.equals(ctx.state.get(HostState.FIREWALL_HASH))
                        && fw.tables().contains(table.name()))
                .apply(() -> {
                    existed[0] = fw.tables().contains(table.name());
                    oldPrint[0] = ctx.state.get(HostState.FIREWALL_HASH);
                    fw.replaceTable(table);
                    ctx.state.put(HostState.FIREWALL_HASH, print);
                })
                .undo(() -> {
                    // a table that was there before is left as the replace made it: its old rules are unknown
                    if (!existed[0]) {
                        fw.deleteTable(table.name());
                    }
                    if (oldPrint[0] == null) {
                        ctx.state.remove(HostState.FIREWALL_HASH);
                    } else {
                        ctx.state.put(HostState.FIREWALL_HASH, oldPrint[0]);
                    }
                })
                .build();
    }
}
