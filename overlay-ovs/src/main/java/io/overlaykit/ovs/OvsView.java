package io.overlaykit.ovs;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.ovs.internal.Redaction;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An immutable snapshot of what the switch decides on, taken from the monitor-fed cache without a request:
 * every bridge, every port with its (first) interface, and ovs-vswitchd's progress ({@code next_cfg},
 * {@code cur_cfg}). A pure planner computes {@link PortChange}s from it ({@link OvsPortPlanner}) and
 * {@link OvsSwitch#apply} executes them. Names are plain strings: rows made by others need not be valid
 * {@link InterfaceName}s. {@link #toString()} never prints a psk.
 */
public final class OvsView {
    /** A bridge row; {@code ports} are port names, the bridge's own internal port included, sorted. */
    public record BridgeState(String name, UUID uuid, String datapathType, String failMode,
                              Map<String, String> externalIds, List<String> ports) {
        /** Requires {@code name}; copies {@code externalIds} and sorts {@code ports}. */
        public BridgeState {
            Objects.requireNonNull(name, "name");
            externalIds = Map.copyOf(externalIds);
            ports = ports.stream().sorted().toList();
        }

        /** The {@link OvsSwitch#OWNER_KEY} tag, or null when the bridge is not ours. */
        public String owner() {
            return externalIds.get(OvsSwitch.OWNER_KEY);
        }

        /** {@code datapath_type}, with OVS's meaning of empty ({@code system}). */
        public String effectiveDatapathType() {
            return datapathType == null || datapathType.isEmpty() ? "system" : datapathType;
        }

        /** {@code fail_mode}, with OVS's meaning of empty ({@code standalone}). */
        public String effectiveFailMode() {
            return failMode == null || failMode.isEmpty() ? "standalone" : failMode;
        }
    }

    /**
     * A port with its first interface (ours have exactly one): interface {@code type} ({@code ""} for a
     * system device), {@code options}, what ovs-vswitchd reports ({@code ofport}, {@code error},
     * {@code ifindex}; null until it has applied the port or when the server lacks the column), the
     * port's {@code external_ids} and whether it is {@code protected} (split horizon).
     */
    public record PortState(String name, UUID uuid, String bridge, Map<String, String> externalIds,
                            boolean isProtected, UUID interfaceUuid, String type, Map<String, String> options,
                            Long ofport, String error, Long ifindex, Long mtuRequest) {
        /** Requires {@code name}; copies the maps; a null or {@code system} type is {@code ""}. */
        public PortState {
            Objects.requireNonNull(name, "name");
            externalIds = Map.copyOf(externalIds);
            type = type == null || type.equals("system") ? "" : type;
            options = Map.copyOf(options);
        }

        /** The {@link OvsSwitch#OWNER_KEY} tag, or null when the port is not ours. */
        public String owner() {
            return externalIds.get(OvsSwitch.OWNER_KEY);
        }

        /** The ifindex of the device this port was plugged into, as recorded then ({@link OvsSwitch#IFINDEX_KEY}). */
        public Long pluggedIfindex() {
            String v = externalIds.get(OvsSwitch.IFINDEX_KEY);
            try {
                return v == null ? null : Long.valueOf(v);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        /** A system port: a device that exists outside OVS (a veth end), as opposed to internal or tunnel ports. */
        public boolean isSystem() {
            return type.isEmpty();
        }

        /**
         * What OVSDB shows of a system port whose device ovs-vswitchd no longer reads: no interface,
         * {@code ofport -1}, an {@code error}, no device ({@code ifindex 0}), or a device other than the one
         * recorded at plug time (the link was re-created: the userspace datapath keeps the dead device open).
         * Internal and tunnel ports have no outside device to lose. ovs-vswitchd notices a re-created device
         * only after a moment; a caller that knows the device uses {@link #isStaleFor(long)}.
         */
        public boolean isStale() {
            if (interfaceUuid == null) {
                return true;
            }
            if (!isSystem()) {
                return false;
            }
            if ((ofport != null && ofport == -1) || (error != null && !error.isEmpty())) {
                return true;
            }
            if (ifindex == null || ofport == null) {
                return false; // not (yet) applied by ovs-vswitchd, or a server without the column: nothing to judge
            }
            Long recorded = pluggedIfindex();
            return ifindex == 0 || (recorded != null && !recorded.equals(ifindex));
        }

        /**
         * {@link #isStale()}, or the port was plugged into another device than the one that now has its name
         * ({@code deviceIfindex}, as the caller's netlink view shows it): no lag behind ovs-vswitchd.
         */
        public boolean isStaleFor(long deviceIfindex) {
            if (isStale()) {
                return true;
            }
            if (!isSystem()) {
                return false;
            }
            Long recorded = pluggedIfindex();
            if (recorded != null) {
                return recorded != deviceIfindex;
            }
            return ifindex != null && ifindex != 0 && ifindex != deviceIfindex;
        }

        /** This port as the wanted-port type (name, type, options). */
        public OvsPort asOvsPort() {
            return new OvsPort(InterfaceName.of(name), type, options);
        }

        @Override
        public String toString() {
            return "PortState[" + name + " on " + bridge + (type.isEmpty() ? "" : " type=" + type)
                    + (options.isEmpty() ? "" : " options=" + Redaction.redact("options", options))
                    + (isProtected ? " protected" : "") + " ofport=" + ofport
                    + (error == null || error.isEmpty() ? "" : " error=" + error) + " ifindex=" + ifindex
                    + " external_ids=" + externalIds + "]";
        }
    }

    private final Map<String, BridgeState> bridges;
    private final Map<String, PortState> ports;
    private final UUID root;
    private final long nextCfg;
    private final long curCfg;
    private final boolean protectedPorts;
    private final long generation;
    private final String source;

    OvsView(String source, Map<String, BridgeState> bridges, Map<String, PortState> ports, UUID root, long nextCfg,
            long curCfg, boolean protectedPorts, long generation) {
        this.source = source;
        this.bridges = Map.copyOf(bridges);
        this.ports = Map.copyOf(ports);
        this.root = root;
        this.nextCfg = nextCfg;
        this.curCfg = curCfg;
        this.protectedPorts = protectedPorts;
        this.generation = generation;
    }

    /** The bridge of that name, ours or not. */
    public Optional<BridgeState> bridge(InterfaceName name) {
        return Optional.ofNullable(bridges.get(name.value()));
    }

    /** Every bridge, sorted by name. */
    public List<BridgeState> bridges() {
        return bridges.values().stream().sorted(Comparator.comparing(BridgeState::name)).toList();
    }

    /** Bridges tagged with {@code owner}, sorted by name. */
    public List<BridgeState> bridges(String owner) {
        return bridges().stream().filter(b -> owner.equals(b.owner())).toList();
    }

    /** The port of that name on any bridge (port names are unique in OVS), or one on no bridge. */
    public Optional<PortState> port(InterfaceName name) {
        return Optional.ofNullable(ports.get(name.value()));
    }

    /** The port of that name, or null; for names that need not be valid interface names. */
    PortState portNamed(String name) {
        return ports.get(name);
    }

    /** The ports of {@code bridge}, its own internal port included, sorted by name; none when it is missing. */
    public List<PortState> ports(InterfaceName bridge) {
        BridgeState b = bridges.get(bridge.value());
        if (b == null) {
            return List.of();
        }
        return b.ports().stream().map(ports::get).filter(Objects::nonNull).toList();
    }

    /**
     * The ports of {@code bridge} a switch plugged in, as interface names: its own internal port left out, and
     * names that cannot be a Linux interface (other tools' ports) too.
     */
    public List<InterfaceName> pluggedLinks(InterfaceName bridge) {
        return ports(bridge).stream().map(PortState::name)
                .filter(n -> !n.equals(bridge.value()) && InterfaceName.problem(n) == null)
                .map(InterfaceName::of).toList();
    }

    /** The Open_vSwitch row's uuid, or null when the database has none (not initialised). */
    public UUID root() {
        return root;
    }

    /** The configuration number asked of ovs-vswitchd. */
    public long nextCfg() {
        return nextCfg;
    }

    /** The configuration number ovs-vswitchd has applied. */
    public long curCfg() {
        return curCfg;
    }

    /** Whether the server's schema has {@code Port.protected} (split horizon for tunnel ports). */
    public boolean supportsProtectedPorts() {
        return protectedPorts;
    }

    /** Where the view comes from (the OVSDB remote), for messages. */
    public String source() {
        return source;
    }

    /** The cache generation this view was taken at (see {@link TableCache#generation()}). */
    public long generation() {
        return generation;
    }

    @Override
    public String toString() {
        return "OvsView[" + source + ", " + bridges.size() + " bridges, " + ports.size() + " ports, cur_cfg " + curCfg + "/" + nextCfg
                + "]";
    }
}
