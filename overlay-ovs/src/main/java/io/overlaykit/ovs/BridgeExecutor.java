package io.overlaykit.ovs;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InterfaceName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Bridges, decided from an {@link OvsView} and committed with guards: a bridge is created only while its name is
 * free, and deleted only while it is the row the view showed with the owner tag the decision checked.
 */
final class BridgeExecutor {
    private final SwitchCommitter committer;

    BridgeExecutor(SwitchCommitter committer) {
        this.committer = committer;
    }

    /** Creates the bridge with its internal port unless it exists identically; a different one is a conflict. */
    void ensure(OvsView view, InterfaceName name, String datapath, String failMode, String owner, Integer mtu) {
        Optional<OvsView.BridgeState> existing = view.bridge(name);
        if (existing.isPresent()) {
            List<String> diffs = differences(existing.get(), datapath, failMode, owner);
            if (!diffs.isEmpty()) {
                throw new ConflictException("OVS bridge " + name + " on " + view.source() + " exists but "
                        + String.join("; ", diffs));
            }
            return;
        }
        if (view.root() == null) {
            throw new BackendException("OVS bridge " + name + " not added: " + view.source()
                    + " has no Open_vSwitch row (initialise the database, e.g. ovs-vsctl init)");
        }
        NamedUuid iface = NamedUuid.of("iface");
        NamedUuid port = NamedUuid.of("port");
        NamedUuid br = NamedUuid.of("bridge");
        Map<String, Object> ifaceRow = new LinkedHashMap<>(Map.of("name", name.value(), "type", "internal"));
        if (mtu != null) {
            ifaceRow.put("mtu_request", Set.of((long) mtu));
        }
        Transaction.Builder tx = Transaction.builder()
                // Fails (retryably) if someone else created the bridge since the view.
                .waitFor("Bridge", List.of(Condition.eq("name", name.value())), List.of("name"), "==", List.of(), 0)
                .insert("Interface", Row.of(ifaceRow), iface)
                .insert("Port", Row.of(Map.of("name", name.value(), "interfaces", Set.of(iface),
                        "external_ids", Map.of(OvsSwitch.OWNER_KEY, owner))), port)
                .insert("Bridge", Row.of(Map.of("name", name.value(), "ports", Set.of(port),
                        "datapath_type", datapath, "fail_mode", Set.of(failMode),
                        "external_ids", Map.of(OvsSwitch.OWNER_KEY, owner))), br)
                .mutate("Open_vSwitch", List.of(Condition.eq("_uuid", view.root())),
                        List.of(Mutation.insert("bridges", Set.of(br))))
                .comment("overlaykit: add bridge " + name);
        committer.commit(tx, false);
        committer.awaitVswitchd(List.of(name.value()));
    }

    private static List<String> differences(OvsView.BridgeState b, String datapath, String failMode, String owner) {
        List<String> diffs = new ArrayList<>();
        if (!b.effectiveDatapathType().equals(datapath == null || datapath.isEmpty() ? "system" : datapath)) {
            diffs.add("datapath_type is '" + b.datapathType() + "', wanted '" + datapath + "'");
        }
        if (!b.effectiveFailMode().equals(failMode)) {
            diffs.add("fail_mode is '" + b.failMode() + "', wanted '" + failMode + "'");
        }
        if (!owner.equals(b.owner())) {
            diffs.add(OvsSwitch.OWNER_KEY + " is " + (b.owner() == null ? "not set" : "'" + b.owner() + "'")
                    + ", wanted '" + owner + "'");
        }
        return diffs;
    }

    /**
     * Deletes the bridge (OVS deletes its ports and interfaces with it) if it carries an owner tag, and the one
     * given when {@code owner} is not null; false when it is missing.
     *
     * @throws ConflictException the bridge is not ours, or someone else's
     */
    boolean delete(OvsView view, InterfaceName name, String owner) {
        Optional<OvsView.BridgeState> found = view.bridge(name);
        if (found.isEmpty()) {
            return false;
        }
        OvsView.BridgeState b = found.get();
        String tag = b.owner();
        if (tag == null || (owner != null && !owner.equals(tag))) {
            throw new ConflictException("OVS bridge " + name + " on " + view.source() + " is not deleted: "
                    + (tag == null ? "it has no " + OvsSwitch.OWNER_KEY + " tag (not made by OverlayKit)"
                    : "it belongs to '" + tag + "', not '" + owner + "'"));
        }
        Transaction.Builder tx = Transaction.builder()
                // Still the row we judged, with the tag we judged.
                .waitFor("Bridge", List.of(Condition.eq("_uuid", b.uuid()),
                                Condition.includes("external_ids", Map.of(OvsSwitch.OWNER_KEY, tag))),
                        List.of("name"), "==", List.of(Row.of(Map.of("name", b.name()))), 0)
                .mutate("Open_vSwitch", List.of(Condition.eq("_uuid", view.root())),
                        List.of(Mutation.delete("bridges", Set.of(b.uuid()))))
                .comment("overlaykit: delete bridge " + name);
        committer.commit(tx, false);
        committer.awaitVswitchd(List.of());
        return true;
    }
}
