package io.overlaykit.ovs;

import io.overlaykit.core.BackendException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The switch's read side: one monitor of the tables and columns the switch decides on (the columns the server
 * lacks are left out), started on first use and re-created by the client after every reconnect, and the
 * {@link OvsView} of the cache, rebuilt only when the cache changed. A view costs no request once the monitor
 * runs; while the client reconnects, asking for one waits for the re-synced cache (up to the call timeout).
 * One per client ({@link OvsdbClient#switchMirror()}), shared by every switch on it: two monitors of one table
 * would apply each diff twice.
 */
final class OvsMirror {
    static final MonitorRequest REQUEST = MonitorRequest.builder()
            .table("Open_vSwitch", "bridges", "next_cfg", "cur_cfg", "external_ids")
            .table("Bridge", "name", "ports", "datapath_type", "fail_mode", "external_ids")
            .table("Port", "name", "interfaces", "external_ids", "protected")
            .table("Interface", "name", "type", "options", "ofport", "error", "ifindex", "mtu_request", "external_ids")
            .build();

    private final OvsdbClient client;
    private OvsdbClient.Monitor monitor;
    private OvsView view;

    OvsMirror(OvsdbClient client) {
        this.client = client;
    }

    OvsdbClient client() {
        return client;
    }

    /** The current view: from the cache, with no request once the monitor runs. */
    synchronized OvsView view() {
        if (monitor == null || !monitor.isOpen()) {
            monitor = client.monitor(REQUEST); // the initial rows are in the cache when this returns
        } else if (!client.isConnected() && !client.awaitConnected(client.options().callTimeout())) {
            throw new BackendException("not connected to ovsdb " + client.remote() + " (reconnecting): the switch "
                    + "will not decide from a cache that may be out of date", null, true);
        }
        TableCache cache = client.cache();
        return cache.read(() -> {
            long generation = cache.generation();
            if (view == null || view.generation() != generation) {
                view = build(cache, generation);
            }
            return view;
        });
    }

    /** Waits until the cache changes after {@code seen} (a view's generation) or the deadline passes. */
    boolean awaitChange(OvsView seen, long deadlineNanos) {
        try {
            return client.cache().awaitChange(seen.generation(), deadlineNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted waiting for ovsdb " + client.remote(), e);
        }
    }

    private OvsView build(TableCache cache, long generation) {
        DatabaseSchema schema = client.schema();
        Map<UUID, String> bridgeOfPort = new HashMap<>();
        Map<String, OvsView.BridgeState> bridges = new HashMap<>();
        Map<UUID, Row> portRows = new HashMap<>();
        for (Row p : cache.rows("Port")) {
            portRows.put(p.uuid(), p);
        }
        for (Row b : cache.rows("Bridge")) {
            String name = b.getString("name");
            List<String> ports = b.getSet("ports").stream().map(u -> portRows.get((UUID) u))
                    .filter(p -> p != null).map(p -> p.getString("name")).toList();
            b.getSet("ports").forEach(u -> bridgeOfPort.put((UUID) u, name));
            bridges.put(name, new OvsView.BridgeState(name, b.uuid(), b.getString("datapath_type"),
                    b.getString("fail_mode"), b.getStringMap("external_ids"), ports));
        }
        Map<String, OvsView.PortState> ports = new HashMap<>();
        for (Row p : portRows.values()) {
            Set<Object> ifaces = p.getSet("interfaces");
            UUID ifaceUuid = ifaces.isEmpty() ? null : (UUID) ifaces.iterator().next();
            Row i = ifaceUuid == null ? null : cache.row("Interface", ifaceUuid);
            String name = p.getString("name");
            ports.put(name, new OvsView.PortState(name, p.uuid(), bridgeOfPort.get(p.uuid()),
                    p.getStringMap("external_ids"), Boolean.TRUE.equals(p.getOptional("protected")),
                    i == null ? null : ifaceUuid, i == null ? "" : i.getString("type"),
                    i == null ? Map.of() : i.getStringMap("options"), i == null ? null : i.getLong("ofport"),
                    i == null ? null : i.getString("error"), i == null ? null : i.getLong("ifindex"),
                    i == null ? null : i.getLong("mtu_request")));
        }
        List<Row> roots = cache.rows("Open_vSwitch");
        Row root = roots.isEmpty() ? null : roots.get(0);
        return new OvsView(client.remote().toString(), bridges, ports, root == null ? null : root.uuid(),
                root == null || root.getLong("next_cfg") == null ? 0 : root.getLong("next_cfg"),
                root == null || root.getLong("cur_cfg") == null ? 0 : root.getLong("cur_cfg"),
                schema.hasColumn("Port", "protected"), generation);
    }
}
