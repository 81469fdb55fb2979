package io.overlaykit.ovs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Bridges, ports and interfaces read in one {@code select} transaction: a consistent view to decide
 * what a change must add (the IDL's job in ovs-vsctl, done here without keeping a replica).
 */
final class OvsSnapshot {
    static final List<String> BRIDGE_COLS = List.of("_uuid", "name", "ports", "datapath_type", "fail_mode",
            "external_ids");
    static final List<String> PORT_COLS = List.of("_uuid", "name", "interfaces", "external_ids");
    static final List<String> IFACE_COLS = List.of("_uuid", "name", "type", "options", "ofport", "error");
    /** {@link #IFACE_COLS} plus the device's ifindex, which ovs-vswitchd keeps current (0 while the device is gone). */
    static final List<String> IFACE_COLS_IFINDEX = List.of("_uuid", "name", "type", "options", "ofport", "error",
            "ifindex");

    final Map<String, Row> bridgesByName = new HashMap<>();
    final Map<String, Row> portsByName = new HashMap<>();
    final Map<UUID, Row> portsByUuid = new HashMap<>();
    final Map<UUID, Row> ifacesByUuid = new HashMap<>();
    final Map<UUID, String> bridgeOfPort = new HashMap<>();

    static OvsSnapshot read(OvsdbClient client) {
        Transaction tx = Transaction.builder()
                .select("Bridge", List.of(), BRIDGE_COLS)
                .select("Port", List.of(), PORT_COLS)
                .select("Interface", List.of(), client.schema().hasColumn("Interface", "ifindex")
                        ? IFACE_COLS_IFINDEX : IFACE_COLS)
                .build();
        TransactResult r = client.transact(tx);
        OvsSnapshot s = new OvsSnapshot();
        for (Row b : r.rows(0)) {
            s.bridgesByName.put(b.getString("name"), b);
            for (Object p : b.getSet("ports")) {
                s.bridgeOfPort.put((UUID) p, b.getString("name"));
            }
        }
        for (Row p : r.rows(1)) {
            s.portsByName.put(p.getString("name"), p);
            s.portsByUuid.put(p.uuid(), p);
        }
        for (Row i : r.rows(2)) {
            s.ifacesByUuid.put(i.uuid(), i);
        }
        return s;
    }

    /** The first interface of a port (a bond has several; ours have one). */
    Row interfaceOf(Row port) {
        Set<Object> ifaces = port.getSet("interfaces");
        return ifaces.isEmpty() ? null : ifacesByUuid.get((UUID) ifaces.iterator().next());
    }
}
