package io.overlaykit.ovn;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.SwitchChange;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The changes of OVN's part of a plan, run by {@link OvnSwitch#execute}: on the host's own OVSDB (the chassis
 * configuration, the integration bridge, a veth plugged in as a logical port), on the northbound database (the
 * logical switch, its ports, DNS records) and on the southbound one (a departed chassis). Each is decided once more
 * against the latest cache when it runs, so a change another host made meanwhile is kept, never overwritten.
 */
public sealed interface OvnChange extends SwitchChange {

    /** Sets {@code put} and removes {@code remove} in the host's {@code Open_vSwitch external_ids}. */
    record Chassis(Map<String, String> put, Set<String> remove, Map<String, String> before) implements OvnChange {
        /**
         * Copies the maps and the set; {@code before} holds the previous values of the keys touched, for the inverse.
         */
        public Chassis {
            put = Map.copyOf(put);
            remove = Set.copyOf(remove);
            before = Map.copyOf(before);
        }

        @Override
        public Change inverse() {
            Map<String, String> back = new java.util.HashMap<>();
            Set<String> drop = new java.util.HashSet<>();
            for (String k : put.keySet()) {
                if (before.containsKey(k)) {
                    back.put(k, before.get(k));
                } else {
                    drop.add(k);
                }
            }
            remove.stream().filter(before::containsKey).forEach(k -> back.put(k, before.get(k)));
            return new Chassis(back, drop, Map.of());
        }

        @Override
        public String describe() {
            return "set chassis external_ids " + new java.util.TreeMap<>(put).keySet()
                    + (remove.isEmpty() ? "" : ", remove " + new java.util.TreeSet<>(remove));
        }
    }

    /** Creates ({@code create}) or deletes the integration bridge. */
    record IntegrationBridge(InterfaceName name, boolean create) implements OvnChange {
        /** Requires {@code name}. */
        public IntegrationBridge {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public Change inverse() {
            return create ? new IntegrationBridge(name, false) : null;
        }

        @Override
        public String describe() {
            return (create ? "create integration bridge " : "delete integration bridge ") + name;
        }
    }

    /** Plugs a veth end into the integration bridge with {@code external_ids:iface-id} = its logical port. */
    record Plug(InterfaceName bridge, InterfaceName link, String logicalPort, String owner, Long ifindex)
            implements OvnChange {
        /**
         * Requires {@code bridge}, {@code link} and {@code logicalPort}; {@code owner} and {@code ifindex} may be null.
         */
        public Plug {
            Objects.requireNonNull(bridge, "bridge");
            Objects.requireNonNull(link, "link");
            Objects.requireNonNull(logicalPort, "logicalPort");
        }

        @Override
        public Change inverse() {
            return new Unplug(bridge, link);
        }

        @Override
        public String describe() {
            return "plug " + link + " into " + bridge + " as logical port " + logicalPort;
        }
    }

    /** Unplugs a port from the integration bridge. */
    record Unplug(InterfaceName bridge, InterfaceName link) implements OvnChange {
        @Override
        public Change inverse() {
            return null;
        }

        @Override
        public String describe() {
            return "unplug " + link + " from " + bridge;
        }
    }

    /** Creates the spec's logical switch unless another host did. */
    record EnsureSwitch(String name, String owner) implements OvnChange {
        @Override
        public Change inverse() {
            return new RemoveSwitch(name, owner, true);
        }

        @Override
        public String describe() {
            return "create logical switch " + name;
        }
    }

    /** Removes the spec's logical switch and DNS rows ({@code ifEmpty}: only when no port is left on it). */
    record RemoveSwitch(String name, String owner, boolean ifEmpty) implements OvnChange {
        @Override
        public Change inverse() {
            return null;
        }

        @Override
        public String describe() {
            return "remove logical switch " + name + " and its DNS records";
        }
    }

    /**
     * Creates or updates a logical switch port: {@code addresses} "MAC IP", {@code port_security} "MAC IP" (MAC
     * only for a gateway, whose traffic carries other hosts' addresses), tags in {@code external_ids}.
     */
    record EnsurePort(String switchName, String name, String mac, String ip, boolean ipSecurity,
                      Map<String, String> externalIds, Northbound.LogicalSwitchPort before) implements OvnChange {
        /** Copies {@code externalIds}; {@code before} is the row as it was, or null when the port is new. */
        public EnsurePort {
            externalIds = Map.copyOf(externalIds);
        }

        String address() {
            return mac + " " + ip;
        }

        String security() {
            return ipSecurity ? mac + " " + ip : mac;
        }

        @Override
        public Change inverse() {
            if (before == null) {
                return new RemovePort(switchName, name);
            }
            String[] a = before.addresses().isEmpty() ? new String[] {mac, ip}
                    : before.addresses().iterator().next().split(" ", 2);
            return new EnsurePort(switchName, name, a[0], a.length > 1 ? a[1] : ip,
                    before.portSecurity().stream().anyMatch(s -> s.contains(" ")), before.externalIds(), null);
        }

        @Override
        public String describe() {
            return (before == null ? "add" : "update") + " logical port " + name + " (" + address() + ") on " + switchName;
        }
    }

    /** Removes a logical switch port from the switch (OVSDB then drops the row). */
    record RemovePort(String switchName, String name) implements OvnChange {
        @Override
        public Change inverse() {
            return null;
        }

        @Override
        public String describe() {
            return "remove logical port " + name + " from " + switchName;
        }
    }

    /** Sets ({@code address} non-null) or removes one record of the spec's DNS row. */
    record DnsRecord(String switchName, String owner, String hostName, String address, String before)
            implements OvnChange {
        @Override
        public Change inverse() {
            return new DnsRecord(switchName, owner, hostName, before, address);
        }

        @Override
        public String describe() {
            return address == null ? "remove DNS record " + hostName : "DNS record " + hostName + " -> " + address;
        }
    }

    /**
     * Waits until the southbound database shows {@code logicalPort} bound to {@code chassis} (ovn-controller binds a
     * port once it sees its {@code iface-id} plugged in). In a plan's status it is the drift "bound elsewhere" or
     * "not bound"; {@code now} is what the southbound database showed (null: no Port_Binding yet, "": unbound).
     */
    record AwaitBinding(String logicalPort, String chassis, String now) implements OvnChange {
        @Override
        public Change inverse() {
            return null;
        }

        @Override
        public String describe() {
            return "logical port " + logicalPort + " bound to chassis " + chassis + " (now "
                    + (now == null ? "no port binding yet" : now.isEmpty() ? "not bound" : "bound to " + now) + ")";
        }
    }

    /** Removes a chassis (and its private row) from the southbound database. */
    record RemoveChassis(String name) implements OvnChange {
        @Override
        public Change inverse() {
            return null;
        }

        @Override
        public String describe() {
            return "remove chassis " + name + " from the southbound database";
        }
    }
}
