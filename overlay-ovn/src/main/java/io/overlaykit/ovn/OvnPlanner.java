package io.overlaykit.ovn;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.spi.HostFacts;
import io.overlaykit.core.spi.PortSettings;
import io.overlaykit.core.spi.SwitchIntent;
import io.overlaykit.core.spi.SwitchPlan;
import io.overlaykit.ovs.OvsSwitch;
import io.overlaykit.ovs.OvsView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * OVN's part of a host's plan, from an {@link OvnView} without a request: the chassis configuration and the
 * integration bridge, the spec's logical switch, per port a plug into {@code br-int} with its {@code iface-id}, its
 * logical switch port and (for containers) its DNS record, TX checksum offload off for the userspace datapath, and
 * the removal of this host's logical ports the spec no longer has. No tunnel: {@code ovn-controller} computes them.
 */
final class OvnPlanner {
    /** external_ids keys on northbound rows. */
    static final String OWNER = OvsSwitch.OWNER_KEY;
    static final String HOST = "overlaykit-host";
    static final String DNS_NAME = "overlaykit-dns-name";

    private OvnPlanner() {
    }

    static SwitchPlan plan(OvnSwitch sw, SwitchIntent intent, OvnView view, HostFacts facts) {
        OvnSwitch.Config cfg = sw.config();
        String owner = intent.owner();
        String ls = OvnSwitch.logicalSwitchName(owner);
        List<Change> bridge = new ArrayList<>();
        if (!view.bridgeExists()) {
            bridge.add(new OvnChange.IntegrationBridge(cfg.integrationBridge(), true));
        }
        Map<String, String> wanted = chassisIds(cfg, intent);
        Map<String, String> put = new HashMap<>();
        wanted.forEach((k, v) -> {
            if (!v.equals(view.chassisIds().get(k))) {
                put.put(k, v);
            }
        });
        if (!put.isEmpty()) {
            bridge.add(new OvnChange.Chassis(put, Set.of(), view.chassisIds()));
        }
        if (view.nb().logicalSwitch(ls).isEmpty()) {
            bridge.add(new OvnChange.EnsureSwitch(ls, owner));
        }
        List<Step> bridgeSteps = List.of(Step.of("bridge", "ovn chassis " + cfg.chassis() + " on "
                + cfg.integrationBridge() + ", encap " + cfg.encap() + ", logical switch " + ls, bridge));

        Map<InterfaceName, Step> attach = new LinkedHashMap<>();
        Set<String> wantedPorts = new HashSet<>();
        for (SwitchIntent.Port p : intent.ports()) {
            String lport = OvnSwitch.logicalPortName(owner, p);
            wantedPorts.add(lport);
            List<Change> changes = new ArrayList<>();
            if (p.fresh() || !view.isPlugged(p.link(), lport)) {
                Long ifindex = p.fresh() || view.host() == null ? null
                        : view.host().link(p.link()).map(l -> (long) l.index()).orElse(null);
                changes.add(new OvnChange.Plug(cfg.integrationBridge(), p.link(), lport, owner, ifindex));
            }
            String bound = view.bindings().get(lport);
            if (!changes.isEmpty() || !cfg.chassis().equals(bound)) {
                changes.add(new OvnChange.AwaitBinding(lport, cfg.chassis(), bound));
            }
            if (p.mac() != null && p.address() != null) {
                Map<String, String> ids = new HashMap<>(Map.of(OWNER, owner, HOST, cfg.chassis()));
                if (!p.isGateway() && p.name() != null) {
                    ids.put(DNS_NAME, dnsName(p.name()));
                }
                OvnChange.EnsurePort want = new OvnChange.EnsurePort(ls, lport, p.mac().toString(),
                        p.address().getHostAddress(), !p.isGateway(), ids, null);
                Optional<Northbound.LogicalSwitchPort> now = view.nb().port(lport);
                boolean onSwitch = now.isPresent() && view.nb().logicalSwitch(ls)
                        .map(s -> s.ports().contains(now.get().uuid())).orElse(false);
                if (!onSwitch || !now.get().addresses().equals(Set.of(want.address()))
                        || !now.get().portSecurity().equals(Set.of(want.security()))
                        || !now.get().externalIds().equals(ids)) {
                    changes.add(new OvnChange.EnsurePort(ls, lport, want.mac(), want.ip(), want.ipSecurity(), ids,
                            now.orElse(null)));
                }
                if (!p.isGateway() && p.name() != null) {
                    String name = dnsName(p.name());
                    String current = dnsRecord(view, owner, name);
                    if (!want.ip().equals(current)) {
                        changes.add(new OvnChange.DnsRecord(ls, owner, name, want.ip(), current));
                    }
                }
            }
            String binding = cfg.chassis().equals(bound) ? "" : bound == null ? " (southbound: no port binding yet)"
                    : bound.isEmpty() ? " (southbound: not bound)" : " (southbound: bound to chassis " + bound + ")";
            attach.put(p.link(), Step.of(p.attachStep(), "plug " + p.link() + " into " + cfg.integrationBridge()
                    + " as logical port " + lport + " bound to chassis " + cfg.chassis() + binding, changes));
        }
        List<Step> removals = new ArrayList<>();
        for (Northbound.LogicalSwitchPort lsp : view.nb().ports().values()) {
            if (owner.equals(lsp.externalIds().get(OWNER)) && cfg.chassis().equals(lsp.externalIds().get(HOST))
                    && !wantedPorts.contains(lsp.name())) {
                List<Change> changes = new ArrayList<>();
                changes.add(new OvnChange.RemovePort(ls, lsp.name()));
                String dns = lsp.externalIds().get(DNS_NAME);
                if (dns != null && dnsRecord(view, owner, dns) != null) {
                    changes.add(new OvnChange.DnsRecord(ls, owner, dns, null, dnsRecord(view, owner, dns)));
                }
                removals.add(Step.removal("remove logical port " + lsp.name(), "remove logical port " + lsp.name()
                        + ", which the spec no longer has on this host", changes));
            }
        }
        SwitchPlan plan = new SwitchPlan(bridgeSteps, List.of(), attach, Map.of(), removals, List.of());
        return sw.needsTxChecksumOff() ? PortSettings.txChecksumOff(plan, intent, facts) : plan;
    }

    /** The chassis configuration this host needs in {@code Open_vSwitch external_ids}. */
    static Map<String, String> chassisIds(OvnSwitch.Config cfg, SwitchIntent intent) {
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("system-id", cfg.chassis());
        ids.put("hostname", cfg.chassis());
        ids.put("ovn-remote", cfg.southbound());
        ids.put("ovn-encap-type", cfg.encap());
        if (intent.local() != null) {
            ids.put("ovn-encap-ip", intent.local().getHostAddress());
        }
        ids.put("ovn-bridge", cfg.integrationBridge().value());
        ids.put("ovn-bridge-datapath-type", cfg.datapathType());
        return ids;
    }

    static String dnsName(String name) {
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    static String dnsRecord(OvnView view, String owner, String name) {
        return view.nb().dnsTagged(OWNER, owner).stream().map(d -> d.records().get(name))
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    /**
     * Teardown of this host's part of {@code owner}: its ports unplugged, its logical ports and DNS records
     * removed; the logical switch and DNS rows when no other host has a port left on it; the chassis
     * configuration, the integration bridge (when ours) and the southbound chassis when no other spec uses them.
     */
    static List<Step> teardown(OvnSwitch sw, String owner, OvnView view) {
        OvnSwitch.Config cfg = sw.config();
        String ls = OvnSwitch.logicalSwitchName(owner);
        List<Step> steps = new ArrayList<>();
        List<Change> local = new ArrayList<>();
        boolean otherSpecs = false;
        for (OvsView.PortState p : view.ovs().ports(cfg.integrationBridge())) {
            if (owner.equals(p.owner())) {
                local.add(new OvnChange.Unplug(cfg.integrationBridge(), InterfaceName.of(p.name())));
            } else if (p.owner() != null) {
                otherSpecs = true;
            }
        }
        if (!local.isEmpty()) {
            steps.add(Step.removal("unplug ovn ports", "unplugged " + local.size() + " ports from "
                    + cfg.integrationBridge(), local));
        }
        List<Change> nb = new ArrayList<>();
        boolean othersOnSwitch = false;
        for (Northbound.LogicalSwitchPort lsp : view.nb().ports().values()) {
            if (!owner.equals(lsp.externalIds().get(OWNER))) {
                continue;
            }
            if (cfg.chassis().equals(lsp.externalIds().get(HOST))) {
                nb.add(new OvnChange.RemovePort(ls, lsp.name()));
                String dns = lsp.externalIds().get(DNS_NAME);
                if (dns != null && dnsRecord(view, owner, dns) != null) {
                    nb.add(new OvnChange.DnsRecord(ls, owner, dns, null, null));
                }
            } else {
                othersOnSwitch = true;
            }
        }
        if (!othersOnSwitch && (view.nb().logicalSwitch(ls).isPresent() || !view.nb().dnsTagged(OWNER, owner).isEmpty())) {
            nb.add(new OvnChange.RemoveSwitch(ls, owner, true));
        }
        if (!nb.isEmpty()) {
            steps.add(Step.removal("remove logical ports", "removed this host's logical ports of " + ls
                    + (othersOnSwitch ? "" : ", the logical switch and its DNS records"), nb));
        }
        if (!otherSpecs && view.chassisIds().containsKey("system-id")
                && cfg.chassis().equals(view.chassisIds().get("system-id"))) {
            List<Change> chassis = new ArrayList<>();
            Set<String> keys = new HashSet<>(chassisIds(cfg, new SwitchIntent(owner, new io.overlaykit.core.Bridge(
                    cfg.integrationBridge(), null, null), io.overlaykit.core.Vni.of(0), 1, null, null, List.of(),
                    List.of())).keySet());
            keys.add("ovn-encap-ip");
            keys.retainAll(view.chassisIds().keySet());
            chassis.add(new OvnChange.Chassis(Map.of(), keys, view.chassisIds()));
            chassis.add(new OvnChange.RemoveChassis(cfg.chassis()));
            view.ovs().bridge(cfg.integrationBridge()).filter(b -> OvnSwitch.BRIDGE_OWNER.equals(b.owner()))
                    .ifPresent(b -> chassis.add(new OvnChange.IntegrationBridge(cfg.integrationBridge(), false)));
            steps.add(Step.removal("remove ovn chassis", "removed chassis " + cfg.chassis()
                    + " (its external_ids, its southbound row, " + cfg.integrationBridge() + ")", chassis));
        }
        return steps;
    }
}
