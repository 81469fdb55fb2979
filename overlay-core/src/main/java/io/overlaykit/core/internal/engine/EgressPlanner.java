package io.overlaykit.core.internal.engine;

import static io.overlaykit.core.internal.engine.LinkChanges.net;

import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spec.ForwardSpec;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.core.spi.NetOp;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Egress and ingress on the host: {@code ip_forward}, listen addresses on the uplink, and our nftables
 * table (the switch's rules, masquerade out of the uplink, hairpin masquerade, the forward filter, DNAT per
 * forward). Userspace forwards are run by {@code serve}, not by apply; only their listen addresses are
 * planned.
 */
final class EgressPlanner {
    static final String IP_FORWARD = "net.ipv4.ip_forward";
    /** IPv6 forwarding on the host, for a dual-stack spec (egress and forwards over IPv6). */
    static final String IP6_FORWARD = "net.ipv6.conf.all.forwarding";

    private EgressPlanner() {
    }

    static void add(PlanContext ctx, List<FirewallTable.Rule> switchRules, List<Step> steps) {
        steps.add(ipForward(ctx, IP_FORWARD, HostStateFile.IP_FORWARD, "ip_forward"));
        if (ctx.spec.hasIpv6()) {
            steps.add(ipForward(ctx, IP6_FORWARD, HostStateFile.IP6_FORWARD, "ip6_forward"));
        }
        for (InetAddress a : listenAddresses(ctx)) {
            steps.add(listenAddress(ctx, a));
        }
        FirewallTable table = table(ctx, switchRules);
        steps.add(Step.of("firewall", "nft table " + table.name() + ": " + table.rules().size() + " rules ("
                        + (ctx.hostSpec.egress() ? "masquerade out of " + ctx.uplink + ", " : "")
                        + "hairpin, forward filter, " + (WireGuardPlanner.active(ctx.spec) ? "wireguard port "
                        + ctx.spec.wireguardPort() + " from the peers only, " : "") + table.rules().stream()
                        .filter(r -> r instanceof FirewallTable.Dnat).count() + " dnat)",
                tableChanges(ctx, Target.HOST, table)));
    }

    static Set<InetAddress> listenAddresses(PlanContext ctx) {
        Set<InetAddress> out = new LinkedHashSet<>();
        ctx.hostSpec.forwards().forEach(f -> out.add(f.listen().address()));
        return out;
    }

    private static Step ipForward(PlanContext ctx, String key, String stateKey, String id) {
        String now = ctx.snap.eagerSysctl(Target.HOST, key);
        List<Change> changes = new ArrayList<>();
        if (!"1".equals(now)) {
            if (!ctx.snap.state.containsKey(stateKey)) {
                changes.add(new Change.State(stateKey, now, null));
            }
            changes.add(new Change.Sysctl(Target.HOST, key, "1", now, false));
        }
        return Step.of(id, key + "=1 in " + ctx.snap.host.namespace().displayName()
                + " (the previous value is restored by teardown)", changes);
    }

    private static Step listenAddress(PlanContext ctx, InetAddress a) {
        IpPrefix p = new IpPrefix(a, IpPrefix.maxLength(a));
        boolean has = ctx.snap.hostView.addresses().stream().anyMatch(x -> x.prefix().address().equals(a));
        List<Change> changes = new ArrayList<>();
        if (!has) {
            String key = HostStateFile.ADDRESS_PREFIX + a.getHostAddress();
            // recorded first: teardown after a crash right after the add still removes it
            changes.add(new Change.State(key, ctx.uplink.value(), ctx.snap.state.get(key)));
            changes.add(net(Target.HOST, new NetOp.AddAddress(ctx.uplink, p), new NetOp.DeleteAddress(ctx.uplink, p)));
        }
        return Step.of("listen " + a.getHostAddress(), "address " + p + " on " + ctx.uplink
                + " unless the host has it (removed by teardown only if added here)", changes);
    }

    /** Our table on the host, as data: the switch backend's rules first. */
    static FirewallTable table(PlanContext ctx, List<FirewallTable.Rule> switchRules) {
        IpPrefix subnet = ctx.spec.subnet();
        List<FirewallTable.Rule> rules = new ArrayList<>(switchRules);
        if (ctx.hostSpec.egress()) {
            rules.add(new FirewallTable.Masquerade(subnet, ctx.uplink, subnet, false));
        }
        rules.add(new FirewallTable.Masquerade(subnet, null, null, true));
        rules.add(new FirewallTable.ForwardAccept(subnet, ctx.names.gatewayVeth(ctx.hostName)));
        IpPrefix subnet6 = ctx.spec.subnet6();
        if (subnet6 != null) { // the same for IPv6: masquerade (no routed prefix is assumed), hairpin, filter
            if (ctx.hostSpec.egress()) {
                rules.add(new FirewallTable.Masquerade(subnet6, ctx.uplink, subnet6, false));
            }
            rules.add(new FirewallTable.Masquerade(subnet6, null, null, true));
            rules.add(new FirewallTable.ForwardAccept(subnet6, ctx.names.gatewayVeth(ctx.hostName)));
        }
        for (ForwardSpec f : ctx.hostSpec.forwards()) {
            if (f.mode() == ForwardSpec.Mode.DNAT) {
                rules.add(new FirewallTable.Dnat(FirewallTable.Protocol.valueOf(f.protocol().name()),
                        f.listen().address(), f.listen().port(), f.target().address(), f.target().port()));
            }
        }
        rules.addAll(WireGuardPlanner.firewallRules(ctx));
        return new FirewallTable(ctx.names.firewallTable(), rules);
    }

    /**
     * Replaces one of our tables in {@code t} unless it holds exactly {@code table}: decided on the table as
     * recorded when it was applied (the kernel's listing of rules is not ours to parse back) and on its
     * presence, so a table that was deleted or whose container restarted is made again.
     */
    static List<Change> tableChanges(PlanContext ctx, Target t, FirewallTable table) {
        String key = HostStateFile.firewallKey(t.isHost() ? null : t.container());
        String recorded = ctx.snap.state.get(key);
        boolean present = ctx.snap.tables(t).contains(table.name());
        String want = FirewallCodec.toJson(table);
        if (present && want.equals(recorded)) {
            return List.of();
        }
        FirewallTable before = present && recorded != null ? FirewallCodec.fromJson(recorded) : null;
        // recorded first: a crash between the two still leaves the table known as ours (see HostConflicts)
        return List.of(new Change.State(key, want, recorded),
                new Change.Firewall(t, table.name(), table, before, present));
    }
}
