package io.overlaykit.ovs;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.NotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Executes {@link PortChange}s as one guarded transaction built from an {@link OvsView}: ports are appended
 * with {@code mutate ports insert} and taken off with {@code mutate ports delete} (never by rewriting
 * {@code ports}), each bridge is checked to be the row the view showed, each added name to be still free and
 * each removed port to be still there. One exception to "one transaction": a re-plug (a port removed and added
 * again) takes the old port off in a transaction of its own and waits for ovs-vswitchd to drop it, because
 * ovs-vswitchd matches ports by name and would keep reading the dead device. When ovs-vswitchd rejects a new
 * interface, the ports this call added are taken back.
 */
final class PortExecutor {
    /** How long a re-plug waits for ovs-vswitchd to drop the stale port on a switch that does not wait otherwise. */
    private static final Duration STALE_REMOVAL_WAIT = Duration.ofSeconds(10);

    private final SwitchCommitter committer;

    PortExecutor(SwitchCommitter committer) {
        this.committer = committer;
    }

    /**
     * Executes {@code changes} against {@code view} (which should be the one they were planned from).
     *
     * @throws SwitchCommitter.StaleView a guard failed, or a change does not fit the view
     */
    void execute(OvsView view, List<PortChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        Set<InterfaceName> added = new LinkedHashSet<>();
        changes.stream().filter(c -> c instanceof PortChange.Add).forEach(c -> added.add(c.port()));
        List<PortChange> replugs = changes.stream()
                .filter(c -> c instanceof PortChange.Remove && added.contains(c.port())).toList();
        List<PortChange> rest = changes;
        if (!replugs.isEmpty()) {
            commit(view, replugs, true);
            committer.awaitVswitchdAtLeast(STALE_REMOVAL_WAIT);
            view = committer.mirror().view();
            rest = changes.stream().filter(c -> !replugs.contains(c)).toList();
        }
        commit(view, rest, false);
        List<PortChange.Add> adds = rest.stream().filter(c -> c instanceof PortChange.Add)
                .map(c -> (PortChange.Add) c).toList();
        try {
            committer.awaitVswitchd(adds.stream().map(a -> a.port().value()).toList());
            recordIfindex(adds);
        } catch (BackendException e) {
            // ovs-vswitchd refused some: take back what this call added, so a retry starts clean.
            try {
                takeBack(adds);
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    private void commit(OvsView view, List<PortChange> changes, boolean bumpCfg) {
        if (changes.isEmpty()) {
            return;
        }
        Transaction.Builder tx = Transaction.builder();
        Map<InterfaceName, Set<Object>> inserts = new LinkedHashMap<>();
        Map<InterfaceName, Set<Object>> deletes = new LinkedHashMap<>();
        Map<InterfaceName, UUID> bridges = new LinkedHashMap<>();
        int n = 0;
        int effective = 0;
        for (PortChange c : changes) {
            UUID bridge = bridges.computeIfAbsent(c.bridge(), b -> guardBridge(tx, view, b));
            OvsView.PortState existing = view.port(c.port()).orElse(null);
            if (c instanceof PortChange.Add a) {
                if (existing != null) {
                    throw stale(view, "port " + a.port() + " exists already");
                }
                // Fails (retryably) if someone else created the port since the view.
                tx.waitFor("Port", List.of(Condition.eq("name", a.port().value())), List.of("name"), "==", List.of(), 0);
                NamedUuid port = insertPort(tx, view, a, n++);
                inserts.computeIfAbsent(a.bridge(), b -> new LinkedHashSet<>()).add(port);
                effective++;
            } else if (c instanceof PortChange.Remove r) {
                if (existing == null || !r.bridge().value().equals(existing.bridge())) {
                    continue; // not on the bridge (any more): nothing to take off
                }
                guardPort(tx, existing);
                deletes.computeIfAbsent(r.bridge(), b -> new LinkedHashSet<>()).add(existing.uuid());
                effective++;
            } else if (c instanceof PortChange.SetProtected s) {
                if (existing == null || !s.bridge().value().equals(existing.bridge())) {
                    throw stale(view, "port " + s.port() + " is not on " + s.bridge());
                }
                guardPort(tx, existing);
                tx.update("Port", List.of(Condition.eq("_uuid", existing.uuid())), Row.of(Map.of("protected", s.value())));
                effective++;
            }
        }
        if (effective == 0) {
            return; // every removal was done already
        }
        bridges.forEach((name, uuid) -> {
            List<Condition> where = List.of(Condition.eq("_uuid", uuid));
            if (deletes.containsKey(name)) {
                tx.mutate("Bridge", where, List.of(Mutation.delete("ports", deletes.get(name))));
            }
            if (inserts.containsKey(name)) {
                tx.mutate("Bridge", where, List.of(Mutation.insert("ports", inserts.get(name))));
            }
        });
        tx.comment("overlaykit: " + summary(changes) + " on " + bridges.keySet());
        committer.commit(tx, bumpCfg);
    }

    private static UUID guardBridge(Transaction.Builder tx, OvsView view, InterfaceName name) {
        OvsView.BridgeState b = view.bridge(name).orElseThrow(() ->
                new NotFoundException("OVS bridge " + name + " not found on " + view.source()));
        // The bridge row is still the one the view showed (not deleted, not re-created under the same name).
        tx.waitFor("Bridge", List.of(Condition.eq("_uuid", b.uuid())), List.of("name"), "==",
                List.of(Row.of(Map.of("name", b.name()))), 0);
        return b.uuid();
    }

    private static void guardPort(Transaction.Builder tx, OvsView.PortState p) {
        tx.waitFor("Port", List.of(Condition.eq("_uuid", p.uuid())), List.of("name"), "==",
                List.of(Row.of(Map.of("name", p.name()))), 0);
    }

    private static NamedUuid insertPort(Transaction.Builder tx, OvsView view, PortChange.Add a, int i) {
        NamedUuid iface = NamedUuid.of("iface" + i);
        NamedUuid port = NamedUuid.of("port" + i);
        OvsPort p = a.ovsPort();
        Map<String, Object> ifaceRow = new LinkedHashMap<>();
        ifaceRow.put("name", p.name().value());
        ifaceRow.put("type", p.type());
        if (!p.options().isEmpty()) {
            ifaceRow.put("options", p.options());
        }
        tx.insert("Interface", Row.of(ifaceRow), iface);
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put(OvsSwitch.OWNER_KEY, a.owner());
        if (a.deviceIfindex() != null && p.type().isEmpty()) {
            ids.put(OvsSwitch.IFINDEX_KEY, a.deviceIfindex().toString());
        }
        Map<String, Object> portRow = new LinkedHashMap<>();
        portRow.put("name", p.name().value());
        portRow.put("interfaces", Set.of(iface));
        portRow.put("external_ids", ids);
        if (a.isProtected() && view.supportsProtectedPorts()) {
            portRow.put("protected", true);
        }
        tx.insert("Port", Row.of(portRow), port);
        return port;
    }

    /**
     * Notes in each new system port whose device the caller did not name the ifindex ovs-vswitchd opened, so
     * that a re-created device shows as stale: a second transaction, only on a switch that waits for
     * ovs-vswitchd (otherwise the ifindex is not known yet).
     */
    private void recordIfindex(List<PortChange.Add> adds) {
        if (!committer.waitsForVswitchd()) {
            return;
        }
        OvsView view = committer.mirror().view();
        Transaction.Builder tx = Transaction.builder();
        int n = 0;
        for (PortChange.Add a : adds) {
            OvsView.PortState p = view.port(a.port()).orElse(null);
            if (a.deviceIfindex() != null || !a.ovsPort().type().isEmpty() || p == null || p.ifindex() == null
                    || p.ifindex() <= 0) {
                continue;
            }
            tx.mutate("Port", List.of(Condition.eq("_uuid", p.uuid())),
                    List.of(Mutation.insert("external_ids", Map.of(OvsSwitch.IFINDEX_KEY, p.ifindex().toString()))));
            n++;
        }
        if (n > 0) {
            committer.client().transact(tx.comment("overlaykit: record ifindex of " + n + " port(s)").build());
        }
    }

    private void takeBack(List<PortChange.Add> adds) {
        OvsView view = committer.mirror().view();
        List<PortChange> removals = new ArrayList<>();
        adds.forEach(a -> removals.addAll(OvsPortPlanner.removePorts(view, a.bridge(), List.of(a.port()))));
        commit(view, removals, false);
        committer.awaitVswitchd(List.of());
    }

    private static SwitchCommitter.StaleView stale(OvsView view, String what) {
        return new SwitchCommitter.StaleView("the changes do not fit the database of " + view.source() + ": " + what);
    }

    private static String summary(List<PortChange> changes) {
        long add = changes.stream().filter(c -> c instanceof PortChange.Add).count();
        long remove = changes.stream().filter(c -> c instanceof PortChange.Remove).count();
        long protect = changes.stream().filter(c -> c instanceof PortChange.SetProtected).count();
        List<String> parts = new ArrayList<>();
        if (add > 0) {
            parts.add("add " + add);
        }
        if (remove > 0) {
            parts.add("remove " + remove);
        }
        if (protect > 0) {
            parts.add("set split horizon of " + protect);
        }
        return String.join(", ", parts) + " port(s)";
    }
}
