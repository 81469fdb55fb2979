package io.overlaykit.ovn;

import io.overlaykit.ovs.MonitorRequest;
import io.overlaykit.ovs.OvsdbClient;
import io.overlaykit.ovs.Row;
import io.overlaykit.ovs.TableCache;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A typed model of the OVN_Northbound tables OverlayKit uses ({@code Logical_Switch}, {@code Logical_Switch_Port},
 * {@code DNS}) over a monitor-fed cache of the existing OVSDB client: the monitor names only the columns read
 * here, a column the server's schema lacks is left out (and reads as empty), columns not named are never seen.
 * {@link #view()} is an immutable snapshot that costs no request once the monitor runs.
 */
public final class Northbound {
    /** The OVSDB database name of OVN's northbound database. */
    public static final String DATABASE = "OVN_Northbound";
    static final MonitorRequest REQUEST = MonitorRequest.builder()
            .table("Logical_Switch", "name", "ports", "dns_records", "external_ids")
            .table("Logical_Switch_Port", "name", "addresses", "port_security", "external_ids")
            .table("DNS", "records", "external_ids")
            .build();

    /** A {@code Logical_Switch} row. */
    public record LogicalSwitch(UUID uuid, String name, Set<UUID> ports, Set<UUID> dnsRecords,
                                Map<String, String> externalIds) {
        /** Copies the sets and the map. */
        public LogicalSwitch {
            ports = Set.copyOf(ports);
            dnsRecords = Set.copyOf(dnsRecords);
            externalIds = Map.copyOf(externalIds);
        }
    }

    /** A {@code Logical_Switch_Port} row: {@code addresses} and {@code port_security} as OVN spells them. */
    public record LogicalSwitchPort(UUID uuid, String name, Set<String> addresses, Set<String> portSecurity,
                                    Map<String, String> externalIds) {
        /** Copies the sets and the map. */
        public LogicalSwitchPort {
            addresses = Set.copyOf(addresses);
            portSecurity = Set.copyOf(portSecurity);
            externalIds = Map.copyOf(externalIds);
        }
    }

    /** A {@code DNS} row: host name to address records. */
    public record Dns(UUID uuid, Map<String, String> records, Map<String, String> externalIds) {
        /** Copies the maps. */
        public Dns {
            records = Map.copyOf(records);
            externalIds = Map.copyOf(externalIds);
        }
    }

    /** One snapshot of the three tables. */
    public record View(Map<UUID, LogicalSwitch> switches, Map<UUID, LogicalSwitchPort> ports, Map<UUID, Dns> dns) {
        /** Copies the maps. */
        public View {
            switches = Map.copyOf(switches);
            ports = Map.copyOf(ports);
            dns = Map.copyOf(dns);
        }

        /** The logical switch called {@code name}. */
        public Optional<LogicalSwitch> logicalSwitch(String name) {
            return switches.values().stream().filter(s -> name.equals(s.name())).findFirst();
        }

        /** The logical switch port called {@code name} (names are unique in OVN_Northbound). */
        public Optional<LogicalSwitchPort> port(String name) {
            return ports.values().stream().filter(p -> name.equals(p.name())).findFirst();
        }

        /** The ports of a switch. */
        public List<LogicalSwitchPort> portsOf(LogicalSwitch ls) {
            return ls.ports().stream().map(ports::get).filter(java.util.Objects::nonNull).toList();
        }

        /** The DNS rows tagged {@code key=value}. */
        public List<Dns> dnsTagged(String key, String value) {
            return dns.values().stream().filter(d -> value.equals(d.externalIds().get(key))).toList();
        }
    }

    private final OvsdbClient client;
    private OvsdbClient.Monitor monitor;

    private Northbound(OvsdbClient client) {
        this.client = client;
    }

    /** The model on a client of the {@value #DATABASE} database; the monitor starts on first {@link #view()}. */
    public static Northbound on(OvsdbClient client) {
        return new Northbound(client);
    }

    /** The client underneath. */
    public OvsdbClient client() {
        return client;
    }

    /** The current snapshot (the first call starts the monitor: one {@code monitor_cond}). */
    public synchronized View view() {
        if (monitor == null || !monitor.isOpen()) {
            monitor = client.monitor(REQUEST);
        }
        TableCache cache = client.cache();
        Map<UUID, LogicalSwitch> switches = new LinkedHashMap<>();
        for (Row r : cache.rows("Logical_Switch")) {
            switches.put(r.uuid(), new LogicalSwitch(r.uuid(), r.getString("name"), uuids(r, "ports"),
                    uuids(r, "dns_records"), r.getStringMap("external_ids")));
        }
        Map<UUID, LogicalSwitchPort> ports = new LinkedHashMap<>();
        for (Row r : cache.rows("Logical_Switch_Port")) {
            ports.put(r.uuid(), new LogicalSwitchPort(r.uuid(), r.getString("name"), strings(r, "addresses"),
                    strings(r, "port_security"), r.getStringMap("external_ids")));
        }
        Map<UUID, Dns> dns = new LinkedHashMap<>();
        for (Row r : cache.rows("DNS")) {
            dns.put(r.uuid(), new Dns(r.uuid(), r.getStringMap("records"), r.getStringMap("external_ids")));
        }
        return new View(switches, ports, dns);
    }

    static Set<UUID> uuids(Row r, String column) {
        Set<UUID> out = new LinkedHashSet<>();
        r.getSet(column).forEach(o -> {
            if (o instanceof UUID u) {
                out.add(u);
            }
        });
        return out;
    }

    static Set<String> strings(Row r, String column) {
        Set<String> out = new LinkedHashSet<>();
        r.getSet(column).forEach(o -> out.add(String.valueOf(o)));
        return out;
    }
}
