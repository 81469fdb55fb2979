package io.overlaykit.ovn;

import io.overlaykit.core.ConflictException;
import io.overlaykit.ovs.Condition;
import io.overlaykit.ovs.Mutation;
import io.overlaykit.ovs.NamedUuid;
import io.overlaykit.ovs.OvsSwitch;
import io.overlaykit.ovs.OvsView;
import io.overlaykit.ovs.OvsdbClient;
import io.overlaykit.ovs.OvsdbOperationException;
import io.overlaykit.ovs.Row;
import io.overlaykit.ovs.Transaction;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Runs {@link OvnChange}s, each as one OVSDB transaction decided against the latest cache: sets are changed with
 * {@code mutate} (never rewritten whole), a row another host may create at the same time is inserted behind a
 * {@code wait} for its absence, and a lost race is retried on the refreshed cache (then it finds the row there).
 */
final class OvnExecutor {
    private static final int RACE_RETRIES = 3;
    /** How long a change keeps trying through reconnects (a leader election takes a second or two). */
    static final java.time.Duration RETRY_WINDOW = java.time.Duration.ofSeconds(20);

    private final OvnSwitch sw;

    OvnExecutor(OvnSwitch sw) {
        this.sw = sw;
    }

    /**
     * Runs one change: a lost race (a {@code wait} that failed) is decided again on the refreshed cache; a
     * retryable failure (the connection dropped, e.g. the cluster's leader died or stepped down, with the outcome of
     * the transaction unknown) is decided again once the client has reconnected, within {@link #RETRY_WINDOW}.
     */
    void run(OvnChange change) {
        long deadline = System.nanoTime() + RETRY_WINDOW.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                once(change);
                return;
            } catch (OvsdbOperationException e) {
                if (attempt >= RACE_RETRIES) {
                    throw e;
                }
                // a wait failed: another host changed the row meanwhile; decide again on the refreshed cache
            } catch (io.overlaykit.core.BackendException e) {
                if (!e.isRetryable() || System.nanoTime() > deadline) {
                    throw e;
                }
                System.getLogger(OvnExecutor.class.getName()).log(System.Logger.Level.INFO,
                        "{0}: {1}; deciding again after the reconnect", change.describe(), e.getMessage());
            }
        }
    }

    private void once(OvnChange change) {
        if (change instanceof OvnChange.Chassis c) {
            chassis(c);
        } else if (change instanceof OvnChange.IntegrationBridge b) {
            if (b.create()) {
                sw.local().addBridge(b.name(), sw.config().datapathType(), "secure", OvnSwitch.BRIDGE_OWNER, null);
            } else {
                sw.local().deleteBridge(b.name(), OvnSwitch.BRIDGE_OWNER);
            }
        } else if (change instanceof OvnChange.Plug p) {
            plug(p);
        } else if (change instanceof OvnChange.Unplug u) {
            unplug(u.bridge().value(), u.link().value());
        } else if (change instanceof OvnChange.EnsureSwitch s) {
            ensureSwitch(s);
        } else if (change instanceof OvnChange.RemoveSwitch s) {
            removeSwitch(s);
        } else if (change instanceof OvnChange.EnsurePort p) {
            ensurePort(p);
        } else if (change instanceof OvnChange.RemovePort p) {
            removePort(p);
        } else if (change instanceof OvnChange.DnsRecord d) {
            dns(d);
        } else if (change instanceof OvnChange.AwaitBinding b) {
            awaitBinding(b);
        } else if (change instanceof OvnChange.RemoveChassis c) {
            removeChassis(c);
        }
    }

    private OvsdbClient local() {
        return sw.local().client();
    }

    private void chassis(OvnChange.Chassis c) {
        Set<String> keys = new HashSet<>(c.put().keySet());
        keys.addAll(c.remove());
        Transaction.Builder tx = Transaction.builder()
                .mutate("Open_vSwitch", List.of(), List.of(Mutation.delete("external_ids", keys)));
        if (!c.put().isEmpty()) {
            tx.mutate("Open_vSwitch", List.of(), List.of(Mutation.insert("external_ids", c.put())));
        }
        local().transact(tx.comment("overlaykit: ovn chassis configuration").build());
    }

    private void plug(OvnChange.Plug p) {
        OvsView view = sw.local().view();
        Optional<OvsView.PortState> old = view.port(p.link());
        if (old.isPresent()) {
            unplug(old.get().bridge(), p.link().value()); // a stale or foreign plug: one transaction, then anew
        }
        Map<String, String> portIds = new HashMap<>(Map.of(OvsSwitch.OWNER_KEY, p.owner()));
        if (p.ifindex() != null) {
            portIds.put(OvsSwitch.IFINDEX_KEY, Long.toString(p.ifindex()));
        }
        NamedUuid iface = NamedUuid.of("iface");
        NamedUuid port = NamedUuid.of("port");
        local().transact(Transaction.builder()
                .insert("Interface", Row.of(Map.of("name", p.link().value(),
                        "external_ids", Map.of("iface-id", p.logicalPort()))), iface)
                .insert("Port", Row.of(Map.of("name", p.link().value(), "interfaces", Set.of(iface),
                        "external_ids", portIds)), port)
                .mutate("Bridge", List.of(Condition.eq("name", p.bridge().value())),
                        List.of(Mutation.insert("ports", Set.of(port))))
                .comment("overlaykit: plug " + p.link() + " as " + p.logicalPort()).build());
    }

    private void unplug(String bridge, String link) {
        Optional<OvsView.PortState> old = sw.local().view().port(io.overlaykit.core.InterfaceName.of(link));
        if (old.isEmpty() || old.get().bridge() == null) {
            return;
        }
        local().transact(Transaction.builder()
                .mutate("Bridge", List.of(Condition.eq("name", old.get().bridge())),
                        List.of(Mutation.delete("ports", Set.of(old.get().uuid()))))
                .comment("overlaykit: unplug " + link).build());
    }

    private OvsdbClient nb() {
        return sw.northbound().client();
    }

    private void ensureSwitch(OvnChange.EnsureSwitch s) {
        if (sw.northbound().view().logicalSwitch(s.name()).isPresent()) {
            return;
        }
        nb().transact(Transaction.builder()
                .waitFor("Logical_Switch", List.of(Condition.eq("name", s.name())), List.of("name"), "==", List.of(), 0)
                .insert("Logical_Switch", Row.of(Map.of("name", s.name(),
                        "external_ids", Map.of(OvnPlanner.OWNER, s.owner()))))
                .comment("overlaykit: logical switch " + s.name()).build());
    }

    private void removeSwitch(OvnChange.RemoveSwitch s) {
        Northbound.View v = sw.northbound().view();
        Optional<Northbound.LogicalSwitch> ls = v.logicalSwitch(s.name());
        Transaction.Builder tx = Transaction.builder();
        boolean any = false;
        if (ls.isPresent() && (!s.ifEmpty() || ls.get().ports().isEmpty())) {
            tx.waitFor("Logical_Switch", List.of(Condition.eq("name", s.name())), List.of("ports"), "==",
                    List.of(Row.of(Map.of("ports", Set.of()))), 0);
            tx.delete("Logical_Switch", List.of(Condition.eq("name", s.name())));
            any = true;
        } else if (ls.isPresent()) {
            return; // another host's port arrived meanwhile: the switch stays, with its DNS rows
        }
        for (Northbound.Dns d : v.dnsTagged(OvnPlanner.OWNER, s.owner())) {
            tx.delete("DNS", List.of(Condition.eq("_uuid", d.uuid())));
            any = true;
        }
        if (any) {
            nb().transact(tx.comment("overlaykit: remove logical switch " + s.name()).build());
        }
    }

    private void ensurePort(OvnChange.EnsurePort p) {
        Northbound.View v = sw.northbound().view();
        Northbound.LogicalSwitch ls = v.logicalSwitch(p.switchName()).orElseThrow(() -> new ConflictException(
                "logical switch " + p.switchName() + " is gone from " + nb().remote() + " (removed by another host's "
                        + "teardown?); apply again"));
        Map<String, Object> cols = Map.of("addresses", Set.of(p.address()), "port_security", Set.of(p.security()),
                "external_ids", p.externalIds());
        Optional<Northbound.LogicalSwitchPort> now = v.port(p.name());
        Transaction.Builder tx = Transaction.builder();
        if (now.isPresent()) {
            tx.update("Logical_Switch_Port", List.of(Condition.eq("_uuid", now.get().uuid())), Row.of(cols));
            if (!ls.ports().contains(now.get().uuid())) {
                tx.mutate("Logical_Switch", List.of(Condition.eq("_uuid", ls.uuid())),
                        List.of(Mutation.insert("ports", Set.of(now.get().uuid()))));
            }
        } else {
            NamedUuid row = NamedUuid.of("lsp");
            Map<String, Object> all = new HashMap<>(cols);
            all.put("name", p.name());
            tx.waitFor("Logical_Switch_Port", List.of(Condition.eq("name", p.name())), List.of("name"), "==",
                    List.of(), 0);
            tx.insert("Logical_Switch_Port", Row.of(all), row);
            tx.mutate("Logical_Switch", List.of(Condition.eq("_uuid", ls.uuid())),
                    List.of(Mutation.insert("ports", Set.of(row))));
        }
        nb().transact(tx.comment("overlaykit: logical port " + p.name()).build());
    }

    private void removePort(OvnChange.RemovePort p) {
        Northbound.View v = sw.northbound().view();
        Optional<Northbound.LogicalSwitchPort> now = v.port(p.name());
        if (now.isEmpty()) {
            return;
        }
        Transaction.Builder tx = Transaction.builder();
        for (Northbound.LogicalSwitch ls : v.switches().values()) {
            if (ls.ports().contains(now.get().uuid())) {
                tx.mutate("Logical_Switch", List.of(Condition.eq("_uuid", ls.uuid())),
                        List.of(Mutation.delete("ports", Set.of(now.get().uuid()))));
            }
        }
        nb().transact(tx.comment("overlaykit: remove logical port " + p.name()).build());
    }

    private void dns(OvnChange.DnsRecord d) {
        Northbound.View v = sw.northbound().view();
        List<Northbound.Dns> rows = v.dnsTagged(OvnPlanner.OWNER, d.owner());
        Transaction.Builder tx = Transaction.builder();
        if (rows.isEmpty()) {
            if (d.address() == null) {
                return;
            }
            Northbound.LogicalSwitch ls = v.logicalSwitch(d.switchName()).orElseThrow(() -> new ConflictException(
                    "logical switch " + d.switchName() + " is gone from " + nb().remote() + "; apply again"));
            NamedUuid row = NamedUuid.of("dns");
            tx.waitFor("DNS", List.of(Condition.includes("external_ids", Map.of(OvnPlanner.OWNER, d.owner()))),
                    List.of("external_ids"), "==", List.of(), 0);
            tx.insert("DNS", Row.of(Map.of("records", Map.of(d.hostName(), d.address()),
                    "external_ids", Map.of(OvnPlanner.OWNER, d.owner()))), row);
            tx.mutate("Logical_Switch", List.of(Condition.eq("_uuid", ls.uuid())),
                    List.of(Mutation.insert("dns_records", Set.of(row))));
        } else {
            UUID dns = rows.get(0).uuid();
            List<Mutation> m = new java.util.ArrayList<>();
            m.add(Mutation.delete("records", Set.of(d.hostName())));
            if (d.address() != null) {
                m.add(Mutation.insert("records", Map.of(d.hostName(), d.address())));
            }
            tx.mutate("DNS", List.of(Condition.eq("_uuid", dns)), m);
            v.logicalSwitch(d.switchName()).filter(ls -> !ls.dnsRecords().contains(dns)).ifPresent(ls ->
                    tx.mutate("Logical_Switch", List.of(Condition.eq("_uuid", ls.uuid())),
                            List.of(Mutation.insert("dns_records", Set.of(dns)))));
        }
        nb().transact(tx.comment("overlaykit: DNS record " + d.hostName()).build());
    }

    /** How long a port may take to be bound by ovn-controller. */
    static final java.time.Duration BINDING_TIMEOUT = java.time.Duration.ofSeconds(30);

    private void awaitBinding(OvnChange.AwaitBinding b) {
        long deadline = System.nanoTime() + BINDING_TIMEOUT.toNanos();
        String now = null;
        while (System.nanoTime() < deadline) {
            now = sw.southboundView().bindings().get(b.logicalPort());
            if (b.chassis().equals(now)) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new io.overlaykit.core.BackendException("interrupted waiting for the binding of " + b.logicalPort(), e);
            }
        }
        throw new io.overlaykit.core.OverlayTimeoutException("logical port " + b.logicalPort() + " is not bound to chassis "
                + b.chassis() + " after " + BINDING_TIMEOUT.toSeconds() + " s (southbound "
                + sw.southbound().currentRemote() + " shows it " + (now == null ? "without a port binding"
                : now.isEmpty() ? "not bound" : "bound to " + now) + "); is ovn-controller running on this host?", null);
    }

    private void removeChassis(OvnChange.RemoveChassis c) {
        OvsdbClient sb = sw.southbound();
        if (sb == null) {
            return;
        }
        sb.transact(Transaction.builder()
                .delete("Chassis_Private", List.of(Condition.eq("name", c.name())))
                .delete("Chassis", List.of(Condition.eq("name", c.name())))
                .comment("overlaykit: remove chassis " + c.name()).build());
    }
}
