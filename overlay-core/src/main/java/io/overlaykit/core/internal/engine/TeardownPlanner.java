package io.overlaykit.core.internal.engine;

import static io.overlaykit.core.internal.engine.LinkChanges.net;

import io.overlaykit.core.Host;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.PolicyRule;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Plan;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.SwitchChange;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.NamespaceView;
import io.overlaykit.core.spi.NetOp;
import io.overlaykit.core.spi.OverlaySwitch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The removal of exactly our objects on a host, found by their tags, so it also cleans up after a crashed
 * apply: containers by label, the switch's bridges by owner, links by alias, our nft table, recorded listen
 * addresses; then {@code ip_forward} and what existing containers had before (nft table, rules, sysctls,
 * resolv.conf, /etc/hosts without our block) put back. Step descriptions read as what was done. A clean host gives an empty plan.
 */
public final class TeardownPlanner {
    private TeardownPlanner() {
    }

    /** The teardown plan; {@code sw} may be null when the host has no backend for the spec's switch. */
    public static Plan plan(OverlaySpec spec, Host host, HostSnapshot snap, OverlaySwitch sw) {
        Names names = Names.of(spec.name());
        List<Step> steps = new ArrayList<>();
        for (ContainerInfo ci : snap.containers.values().stream()
                .sorted(java.util.Comparator.comparing(ContainerInfo::name)).toList()) {
            if (spec.name().equals(ci.labels().get(Names.SPEC_LABEL))) {
                steps.add(Step.removal("remove container " + ci.name(), "removed container " + ci.name(),
                        List.of(new Change.Container(Change.Container.Action.REMOVE, ci.name(), null))));
            }
        }
        spec.hosts().stream().filter(h -> h.name().equals(host.name())).flatMap(h -> h.containers().stream())
                .filter(ContainerSpec::existing).forEach(c -> existing(spec, names, snap, c, steps));
        Set<InterfaceName> removedBySwitch = new HashSet<>();
        if (sw != null) {
            for (Step s : sw.teardownPlan(names.owner())) {
                steps.add(s);
                for (Change c : s.changes()) {
                    if (c instanceof SwitchChange.DeleteBridge d) {
                        removedBySwitch.add(d.bridge());
                    } else if (c instanceof Change.Net n && n.op() instanceof NetOp.DeleteLink d) {
                        removedBySwitch.add(d.link());
                    }
                }
            }
        }
        for (LinkInfo l : snap.hostView.links()) {
            if (names.alias().equals(l.alias()) && !removedBySwitch.contains(l.name())) {
                steps.add(Step.removal("remove link " + l.name(), "removed " + l.kind() + " " + l.name(),
                        List.of(LinkChanges.deleteLeftover(Target.HOST, l.name()))));
            }
        }
        WireGuardPlanner.teardown(spec, snap, steps);
        if (snap.tables(Target.HOST).contains(names.firewallTable())) {
            steps.add(Step.removal("remove firewall", "removed nft table " + names.firewallTable(),
                    List.of(new Change.Firewall(Target.HOST, names.firewallTable(), null, null, true))));
        }
        HostStateFile.withPrefix(snap.state, HostStateFile.ADDRESS_PREFIX).forEach((address, link) -> {
            IpPrefix p = new IpPrefix(IpPrefix.parseAddress(address), IpPrefix.maxLength(IpPrefix.parseAddress(address)));
            steps.add(Step.removal("remove listen " + address, "removed address " + p + " from " + link,
                    List.of(net(Target.HOST, new NetOp.DeleteAddress(InterfaceName.of(link), p), null),
                            new Change.State(HostStateFile.ADDRESS_PREFIX + address, null, link))));
        });
        String previous = snap.state.get(HostStateFile.IP_FORWARD);
        if (previous != null) {
            steps.add(Step.removal("restore ip_forward", "restored " + EgressPlanner.IP_FORWARD + "=" + previous,
                    List.of(new Change.Sysctl(Target.HOST, EgressPlanner.IP_FORWARD, previous, null, false),
                            new Change.State(HostStateFile.IP_FORWARD, null, previous))));
        }
        String previous6 = snap.state.get(HostStateFile.IP6_FORWARD);
        if (previous6 != null) {
            steps.add(Step.removal("restore ip6_forward", "restored " + EgressPlanner.IP6_FORWARD + "=" + previous6,
                    List.of(new Change.Sysctl(Target.HOST, EgressPlanner.IP6_FORWARD, previous6, null, false),
                            new Change.State(HostStateFile.IP6_FORWARD, null, previous6))));
        }
        return new Plan(spec.name(), host.name(), steps);
    }

    /** Existing containers keep running: take our table, rules and DNS out of them. */
    private static void existing(OverlaySpec spec, Names names, HostSnapshot snap, ContainerSpec c,
                                 List<Step> steps) {
        if (snap.running(c.name()).isEmpty()) {
            return;
        }
        Target t = Target.container(c.name());
        if (snap.tables(t).contains(names.firewallTable())) {
            steps.add(Step.removal("remove firewall " + c.name(), "removed nft table " + names.firewallTable() + " in "
                    + c.name(), List.of(new Change.Firewall(t, names.firewallTable(), null, null, true))));
        }
        NamespaceView view = snap.namespace(t);
        List<Change> rules = new ArrayList<>();
        for (PolicyRule r : view.rules()) {
            if (IngressPlanner.isOurs(r)) {
                rules.add(net(t, new NetOp.DeleteRule(r), null));
            }
        }
        if (!rules.isEmpty()) {
            steps.add(Step.removal("remove rules " + c.name(), "removed " + rules.size() + " policy rules in "
                    + c.name(), rules));
        }
        Map<String, String> sysctls = HostStateFile.withPrefix(snap.state, HostStateFile.SYSCTL_PREFIX + c.name() + "/");
        sysctls.forEach((key, value) -> steps.add(Step.removal("restore " + key + " " + c.name(), "restored " + key
                + "=" + value + " in " + c.name(), List.of(new Change.Sysctl(t, key, value, null, false),
                new Change.State(HostStateFile.SYSCTL_PREFIX + c.name() + "/" + key, null, value)))));
        List<Change> hosts = HostsFilePlanner.removal(spec, t, snap.hostsFiles.get(c.name()), snap.state,
                c.name());
        if (!hosts.isEmpty()) {
            steps.add(Step.removal("remove names " + c.name(), "removed the " + spec.name() + " block from "
                    + "/etc/hosts of " + c.name(), hosts));
        }
        String saved = snap.state.get(HostStateFile.RESOLV_PREFIX + c.name());
        if (saved != null) {
            steps.add(Step.removal("restore dns " + c.name(), "restored resolv.conf of " + c.name(),
                    List.of(new Change.File(t, DnsPlanner.RESOLV_CONF, DnsPlanner.recorded(saved), null),
                            new Change.State(HostStateFile.RESOLV_PREFIX + c.name(), null, saved))));
        }
    }
}
