package io.overlaykit.ovn;

import io.overlaykit.ovs.MonitorRequest;
import io.overlaykit.ovs.OvsdbClient;
import io.overlaykit.ovs.Row;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What OverlayKit reads of OVN_Southbound: which chassis each logical port is bound to ({@code Port_Binding.chassis},
 * a reference to {@code Chassis}), from a monitor-fed cache of two tables and three columns.
 */
public final class Southbound {
    /** The OVSDB database name of OVN's southbound database. */
    public static final String DATABASE = "OVN_Southbound";
    static final MonitorRequest REQUEST = MonitorRequest.builder()
            .table("Port_Binding", "logical_port", "chassis")
            .table("Chassis", "name")
            .build();

    private final OvsdbClient client;
    private OvsdbClient.Monitor monitor;

    private Southbound(OvsdbClient client) {
        this.client = client;
    }

    /** The model on a client of the {@value #DATABASE} database; the monitor starts on first use. */
    public static Southbound on(OvsdbClient client) {
        return new Southbound(client);
    }

    /** The client underneath. */
    public OvsdbClient client() {
        return client;
    }

    /**
     * Logical port name to the name of the chassis it is bound to ({@code ""} when its Port_Binding has no chassis);
     * ports without a Port_Binding (ovn-northd has not seen them yet) are absent.
     */
    public synchronized Map<String, String> bindings() {
        if (monitor == null || !monitor.isOpen()) {
            monitor = client.monitor(REQUEST);
        }
        Map<UUID, String> chassis = new HashMap<>();
        for (Row r : client.cache().rows("Chassis")) {
            chassis.put(r.uuid(), r.getString("name"));
        }
        Map<String, String> out = new HashMap<>();
        for (Row r : client.cache().rows("Port_Binding")) {
            String port = r.getString("logical_port");
            Object ch = r.getOptional("chassis");
            if (port != null) {
                out.put(port, ch instanceof UUID u ? chassis.getOrDefault(u, u.toString()) : "");
            }
        }
        return out;
    }
}
