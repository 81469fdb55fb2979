package io.overlaykit.ovs;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.Bridge;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.spi.HostFacts;
import io.overlaykit.core.spi.OverlaySwitch;
import io.overlaykit.core.spi.PortSettings;
import io.overlaykit.core.spi.SwitchIntent;
import io.overlaykit.core.spi.SwitchPlan;
import io.overlaykit.core.spi.SwitchView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The Open vSwitch switch backend: bridges, system/internal/VXLAN ports through OVSDB, never
 * {@code ovs-vsctl}. Ports are appended with {@code mutate ports insert} (never by rewriting
 * {@code ports}); a list of ports is one transaction. Adding what exists identically changes nothing;
 * adding what exists differently throws a {@link ConflictException} that says what differs. With
 * {@link #waitingForVswitchd}, each change also waits for ovs-vswitchd to apply it and reports an
 * interface's {@code error} or {@code ofport -1} (and removes the ports that call added).
 *
 * <pre>{@code
 * try (OvsSwitch ovs = OvsSwitch.connect(OvsdbRemote.parse("unix:/run/openvswitch/db.sock"), "netdev")) {
 *     ovs.ensureBridge(Bridge.named("br-ovl"), "demo");
 *     ovs.attach(InterfaceName.of("br-ovl"), List.of(InterfaceName.of("veth-c1")), "demo");
 * }
 * }</pre>
 */
public final class OvsSwitch implements OverlaySwitch {
    /** The external_ids key that marks bridges and ports as ours. */
    public static final String OWNER_KEY = "overlaykit-owner";
    /**
     * The Port external_ids key holding the ifindex of the device the port was plugged into (recorded when
     * this switch waits for ovs-vswitchd): when the device is re-created, the port is stale.
     */
    public static final String IFINDEX_KEY = "overlaykit-ifindex";
    private static final Duration STALE_REMOVAL_WAIT = Duration.ofSeconds(10);

    private final OvsdbClient client;
    private final boolean ownsClient;
    private final String datapathType;
    private final Duration vswitchdTimeout;

    private OvsSwitch(OvsdbClient client, boolean ownsClient, String datapathType, Duration vswitchdTimeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        if (datapathType == null || datapathType.isBlank()) {
            throw new InvalidSpecException("ovs datapathType", datapathType, "must be netdev, system or another datapath");
        }
        this.datapathType = datapathType;
        this.vswitchdTimeout = vswitchdTimeout;
    }

    /** A switch on an existing client, which stays the caller's to close. */
    public static OvsSwitch create(OvsdbClient client, String datapathType) {
        return new OvsSwitch(client, false, datapathType, null);
    }

    /** Connects to {@code remote}; {@link #close()} closes the connection. */
    public static OvsSwitch connect(OvsdbRemote remote, String datapathType) {
        return owning(remote, datapathType, null);
    }

    /**
     * Connects to {@code remote}; every change waits up to {@code vswitchdWait} for ovs-vswitchd (like
     * ovs-vsctl without --no-wait). {@link #close()} closes the connection.
     */
    public static OvsSwitch connect(OvsdbRemote remote, String datapathType, Duration vswitchdWait) {
        return owning(remote, datapathType, Objects.requireNonNull(vswitchdWait, "vswitchdWait"));
    }

    private static OvsSwitch owning(OvsdbRemote remote, String datapathType, Duration vswitchdWait) {
        OvsdbClient client = OvsdbClient.connect(remote, OvsdbClientOptions.defaults());
        try {
            return new OvsSwitch(client, true, datapathType, vswitchdWait);
        } catch (RuntimeException e) {
            client.close(); // a bad datapath type must not leak the connection and its threads
            throw e;
        }
    }

    /**
     * The same switch, but every change waits up to {@code timeout} for ovs-vswitchd (like ovs-vsctl without
     * --no-wait). Both share one connection and its ownership: if this switch closes its connection, so does
     * the returned one, so {@code OvsSwitch.connect(...).waitingForVswitchd(t)} leaks nothing.
     */
    public OvsSwitch waitingForVswitchd(Duration timeout) {
        return new OvsSwitch(client, ownsClient, datapathType, Objects.requireNonNull(timeout, "timeout"));
    }

    public OvsdbClient client() {
        return client;
    }

    public String datapathType() {
        return datapathType;
    }

    @Override
    public String kind() {
        return "ovs";
    }

    @Override
    public boolean needsTxChecksumOff() {
        return datapathType.equals("netdev");
    }

    /**
     * The generic plan plus, for the userspace ({@code netdev}) datapath, TX checksum offload off on both
     * ends of every port's veth: the userspace datapath reads frames whose checksums the kernel left to the
     * NIC, and TCP through it then silently fails.
     */
    @Override
    public SwitchPlan plan(SwitchIntent intent, SwitchView view, HostFacts facts) {
        SwitchPlan plan = OverlaySwitch.super.plan(intent, view, facts);
        return needsTxChecksumOff() ? plan.withPortSettings(PortSettings.txChecksumOff(intent, facts)) : plan;
    }

    /**
     * Creates the bridge ({@code fail_mode standalone}, this switch's datapath, {@code mtu_request} from
     * the bridge's MTU). OVSDB has no admin state: setting the bridge's device up is the netlink
     * layer's job ({@code Links}), as {@code ip link set up} is after {@code ovs-vsctl add-br}.
     */
    @Override
    public void ensureBridge(Bridge bridge, String owner) {
        addBridge(bridge.name(), datapathType, "standalone", owner, bridge.mtu());
    }

    /**
     * Creates a bridge (with its internal port of the same name) unless it exists identically.
     *
     * @param failMode {@code standalone} (a learning switch without controller) or {@code secure}
     * @param mtu the bridge port's {@code mtu_request}, or null
     */
    public void addBridge(InterfaceName name, String datapath, String failMode, String owner, Integer mtu) {
        checkOwner(owner);
        if (!failMode.equals("standalone") && !failMode.equals("secure")) {
            throw new InvalidSpecException("ovs bridge " + name + " fail_mode", failMode, "must be standalone or secure");
        }
        OvsSnapshot s = OvsSnapshot.read(client);
        Row existing = s.bridgesByName.get(name.value());
        if (existing != null) {
            List<String> diffs = new ArrayList<>();
            String dp = existing.getString("datapath_type");
            if (!normDatapath(dp).equals(normDatapath(datapath))) {
                diffs.add("datapath_type is '" + dp + "', wanted '" + datapath + "'");
            }
            String fm = existing.getString("fail_mode");
            if (!Objects.equals(fm == null ? "standalone" : fm, failMode)) {
                diffs.add("fail_mode is '" + fm + "', wanted '" + failMode + "'");
            }
            String o = existing.getStringMap("external_ids").get(OWNER_KEY);
            if (!owner.equals(o)) {
                diffs.add(OWNER_KEY + " is " + (o == null ? "not set" : "'" + o + "'") + ", wanted '" + owner + "'");
            }
            if (!diffs.isEmpty()) {
                throw new ConflictException("OVS bridge " + name + " on " + client.remote() + " exists but "
                        + String.join("; ", diffs));
            }
            return;
        }
        NamedUuid iface = NamedUuid.of("iface");
        NamedUuid port = NamedUuid.of("port");
        NamedUuid br = NamedUuid.of("bridge");
        Map<String, Object> ifaceRow = new LinkedHashMap<>(Map.of("name", name.value(), "type", "internal"));
        if (mtu != null) {
            ifaceRow.put("mtu_request", Set.of((long) mtu));
        }
        Transaction.Builder tx = Transaction.builder()
                .waitFor("Bridge", List.of(Condition.eq("name", name.value())), List.of("name"), "==", List.of(), 0)
                .insert("Interface", Row.of(ifaceRow), iface)
                .insert("Port", Row.of(Map.of("name", name.value(), "interfaces", Set.of(iface),
                        "external_ids", Map.of(OWNER_KEY, owner))), port)
                .insert("Bridge", Row.of(Map.of("name", name.value(), "ports", Set.of(port),
                        "datapath_type", datapath, "fail_mode", Set.of(failMode),
                        "external_ids", Map.of(OWNER_KEY, owner))), br)
                .mutate("Open_vSwitch", List.of(), List.of(Mutation.insert("bridges", Set.of(br))))
                .comment("overlaykit: add bridge " + name);
        TransactResult r = commit(tx, "add bridge " + name);
        if (r.count(4) != 1) {
            throw new BackendException("OVS bridge " + name + " not added: " + client.remote()
                    + " has no Open_vSwitch row (initialise the database, e.g. ovs-vsctl init)");
        }
        waitApplied(List.of(name.value()));
    }

    @Override
    public boolean deleteBridge(InterfaceName bridge) {
        OvsSnapshot s = OvsSnapshot.read(client);
        Row b = s.bridgesByName.get(bridge.value());
        if (b == null) {
            return false;
        }
        commit(Transaction.builder()
                .mutate("Open_vSwitch", List.of(), List.of(Mutation.delete("bridges", Set.of(b.uuid()))))
                .comment("overlaykit: delete bridge " + bridge), "delete bridge " + bridge);
        waitApplied(List.of());
        return true;
    }

    @Override
    public List<InterfaceName> bridges(String owner) {
        TransactResult r = client.transact(Transaction.builder()
                .select("Bridge", List.of(Condition.includes("external_ids", Map.of(OWNER_KEY, owner))), List.of("name"))
                .build());
        return r.rows(0).stream().map(row -> InterfaceName.of(row.getString("name"))).sorted().toList();
    }

    @Override
    public void attach(InterfaceName bridge, List<InterfaceName> links, String owner) {
        addPorts(bridge, links.stream().map(OvsPort::system).toList(), owner);
    }

    /** Adds an internal port (OVS creates the device). */
    public void addInternalPort(InterfaceName bridge, InterfaceName name, String owner) {
        addPorts(bridge, List.of(OvsPort.internal(name)), owner);
    }

    @Override
    public void addTunnels(InterfaceName bridge, List<VxlanTunnel> tunnels, String owner) {
        addPorts(bridge, tunnels.stream().map(OvsPort::vxlan).toList(), owner);
    }

    /**
     * Adds ports in one transaction, each appended with {@code mutate ports insert}. Ports that exist
     * identically on this bridge are left alone; all differences are reported together.
     */
    public void addPorts(InterfaceName bridge, List<OvsPort> ports, String owner) {
        checkOwner(owner);
        OvsSnapshot s = OvsSnapshot.read(client);
        Row b = s.bridgesByName.get(bridge.value());
        if (b == null) {
            throw new NotFoundException("OVS bridge " + bridge + " not found on " + client.remote());
        }
        List<String> conflicts = new ArrayList<>();
        List<OvsPort> missing = new ArrayList<>();
        List<InterfaceName> stale = new ArrayList<>();
        for (OvsPort p : ports) {
            Row existing = s.portsByName.get(p.name().value());
            if (existing == null) {
                missing.add(p);
                continue;
            }
            String on = s.bridgeOfPort.get(existing.uuid());
            if (!bridge.value().equals(on)) {
                conflicts.add("port " + p.name() + " is on bridge " + on + ", not " + bridge);
                continue;
            }
            Optional<String> diff = PortDiff.describe(p, s.interfaceOf(existing));
            if (diff.isPresent()) {
                conflicts.add("port " + p.name() + " " + diff.get());
            } else if (isStale(existing, s.interfaceOf(existing))) {
                stale.add(p.name());
                missing.add(p);
            }
        }
        if (!conflicts.isEmpty()) {
            throw new ConflictException("OVS bridge " + bridge + " on " + client.remote() + ": " + String.join("; ", conflicts));
        }
        if (missing.isEmpty()) {
            return;
        }
        if (!stale.isEmpty()) {
            removeStale(b, s, stale);
        }
        Transaction.Builder tx = Transaction.builder();
        List<NamedUuid> newPorts = new ArrayList<>();
        int i = 0;
        for (OvsPort p : missing) {
            // Fails (retryably) if someone else created the port since the snapshot.
            tx.waitFor("Port", List.of(Condition.eq("name", p.name().value())), List.of("name"), "==", List.of(), 0);
            NamedUuid iface = NamedUuid.of("iface" + i);
            NamedUuid port = NamedUuid.of("port" + i++);
            Map<String, Object> ifaceRow = new LinkedHashMap<>();
            ifaceRow.put("name", p.name().value());
            ifaceRow.put("type", p.type());
            if (!p.options().isEmpty()) {
                ifaceRow.put("options", p.options());
            }
            tx.insert("Interface", Row.of(ifaceRow), iface);
            Map<String, Object> portRow = new LinkedHashMap<>();
            portRow.put("name", p.name().value());
            portRow.put("interfaces", Set.of(iface));
            portRow.put("external_ids", Map.of(OWNER_KEY, owner));
            if (p.type().equals("vxlan") && client.schema().hasColumn("Port", "protected")) {
                // Split horizon: one tunnel port per peer makes a full mesh, and NORMAL switching would
                // flood a frame from one peer's tunnel into the others: a broadcast loop from 3 hosts on.
                // Protected ports never forward to each other.
                portRow.put("protected", true);
            }
            tx.insert("Port", Row.of(portRow), port);
            newPorts.add(port);
        }
        tx.mutate("Bridge", List.of(Condition.eq("_uuid", b.uuid())), List.of(Mutation.insert("ports", Set.copyOf(newPorts))));
        tx.comment("overlaykit: add " + missing.size() + " port(s) to " + bridge);
        commit(tx, "add ports to " + bridge);
        try {
            waitApplied(missing.stream().map(p -> p.name().value()).toList());
            recordIfindex(missing);
        } catch (BackendException e) {
            // ovs-vswitchd refused some: take back what this call added, so a retry starts clean.
            try {
                removePorts(bridge, missing.stream().map(OvsPort::name).toList());
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    /**
     * A system port whose device ovs-vswitchd no longer reads: {@code ofport -1}, an {@code error}, no device
     * ({@code ifindex 0}), or a device other than the one it was plugged into (the link was re-created: the
     * userspace datapath keeps the dead device open, and OVSDB shows nothing else).
     */
    private static boolean isStale(Row port, Row iface) {
        if (iface == null) {
            return true;
        }
        String type = iface.getString("type");
        if (type != null && !type.isEmpty() && !type.equals("system")) {
            return false; // internal and tunnel ports have no outside device to lose
        }
        Long ofport = iface.getLong("ofport");
        String error = iface.getString("error");
        if ((ofport != null && ofport == -1) || (error != null && !error.isEmpty())) {
            return true;
        }
        Long ifindex = iface.getLong("ifindex");
        if (ifindex == null || ofport == null) {
            return false; // not (yet) applied by ovs-vswitchd, or a server without the column: nothing to judge
        }
        String recorded = port.getStringMap("external_ids").get(IFINDEX_KEY);
        return ifindex == 0 || (recorded != null && !recorded.equals(String.valueOf(ifindex)));
    }

    /**
     * Takes stale ports off the bridge in a transaction of their own and waits for ovs-vswitchd to drop them:
     * re-creating a port in the same transaction leaves ovs-vswitchd on the old device (it matches by name).
     */
    private void removeStale(Row bridge, OvsSnapshot s, List<InterfaceName> stale) {
        Set<Object> ids = new java.util.HashSet<>();
        for (InterfaceName n : stale) {
            ids.add(s.portsByName.get(n.value()).uuid());
        }
        client.transact(Transaction.builder()
                .mutate("Bridge", List.of(Condition.eq("_uuid", bridge.uuid())), List.of(Mutation.delete("ports", ids)))
                .mutate("Open_vSwitch", List.of(), List.of(Mutation.add("next_cfg", 1)))
                .comment("overlaykit: remove " + stale.size() + " stale port(s) " + stale).build());
        VswitchdWait.await(client, vswitchdTimeout == null ? STALE_REMOVAL_WAIT : vswitchdTimeout, List.of());
    }

    /** Notes in each new system port the ifindex of its device, so a re-created device shows as stale. */
    private void recordIfindex(List<OvsPort> added) {
        if (vswitchdTimeout == null || !client.schema().hasColumn("Interface", "ifindex")) {
            return;
        }
        OvsSnapshot s = OvsSnapshot.read(client);
        Transaction.Builder tx = Transaction.builder();
        int n = 0;
        for (OvsPort p : added) {
            Row port = s.portsByName.get(p.name().value());
            Row iface = port == null ? null : s.interfaceOf(port);
            Long ifindex = iface == null ? null : iface.getLong("ifindex");
            if (ifindex != null && ifindex > 0 && p.type().isEmpty()) {
                tx.mutate("Port", List.of(Condition.eq("_uuid", port.uuid())),
                        List.of(Mutation.insert("external_ids", Map.of(IFINDEX_KEY, String.valueOf(ifindex)))));
                n++;
            }
        }
        if (n > 0) {
            client.transact(tx.comment("overlaykit: record ifindex of " + n + " port(s)").build());
        }
    }

    /**
     * Whether {@code link} is a port of {@code bridge} that ovs-vswitchd really uses (not stale: see
     * {@link #addPorts}); false when the bridge is missing.
     */
    @Override
    public boolean isAttached(InterfaceName bridge, InterfaceName link) {
        OvsSnapshot s = OvsSnapshot.read(client);
        Row p = s.portsByName.get(link.value());
        return p != null && bridge.value().equals(s.bridgeOfPort.get(p.uuid())) && !isStale(p, s.interfaceOf(p));
    }

    @Override
    public void detach(InterfaceName bridge, List<InterfaceName> links) {
        removePorts(bridge, links);
    }

    @Override
    public void removeTunnels(InterfaceName bridge, List<VxlanTunnel> tunnels) {
        removePorts(bridge, tunnels.stream().map(VxlanTunnel::name).toList());
    }

    /** Removes ports from the bridge with {@code mutate ports delete}; absent ones are ignored. */
    public void removePorts(InterfaceName bridge, List<InterfaceName> names) {
        OvsSnapshot s = OvsSnapshot.read(client);
        Row b = s.bridgesByName.get(bridge.value());
        if (b == null) {
            return;
        }
        Set<Object> onBridge = b.getSet("ports");
        List<UUID> gone = new ArrayList<>();
        for (InterfaceName n : names) {
            Row p = s.portsByName.get(n.value());
            if (p != null && onBridge.contains(p.uuid())) {
                gone.add(p.uuid());
            }
        }
        if (gone.isEmpty()) {
            return;
        }
        commit(Transaction.builder()
                .mutate("Bridge", List.of(Condition.eq("_uuid", b.uuid())), List.of(Mutation.delete("ports", Set.copyOf(gone))))
                .comment("overlaykit: remove " + gone.size() + " port(s) from " + bridge), "remove ports from " + bridge);
        waitApplied(List.of());
    }

    @Override
    public List<InterfaceName> ports(InterfaceName bridge) {
        OvsSnapshot s = OvsSnapshot.read(client);
        return portRows(s, bridge).stream().map(p -> InterfaceName.of(p.getString("name")))
                .filter(n -> !n.equals(bridge)).sorted().toList();
    }

    @Override
    public List<VxlanTunnel> tunnels(InterfaceName bridge) {
        OvsSnapshot s = OvsSnapshot.read(client);
        List<VxlanTunnel> out = new ArrayList<>();
        for (Row p : portRows(s, bridge)) {
            Row iface = s.interfaceOf(p);
            if (iface != null && "vxlan".equals(iface.getString("type"))) {
                PortDiff.tunnel(p.getString("name"), iface.getStringMap("options")).ifPresent(out::add);
            }
        }
        out.sort((a, c) -> a.name().compareTo(c.name()));
        return out;
    }

    /** The bridge's port rows; none when the bridge is missing (as the Linux switch answers). */
    private List<Row> portRows(OvsSnapshot s, InterfaceName bridge) {
        Row b = s.bridgesByName.get(bridge.value());
        if (b == null) {
            return List.of();
        }
        List<Row> out = new ArrayList<>();
        for (Object u : b.getSet("ports")) {
            Row p = s.portsByUuid.get((UUID) u);
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    /** Sets one {@code external_ids} key of the Open_vSwitch row (e.g. {@code system-id}). */
    public void setExternalId(String key, String value) {
        commit(Transaction.builder()
                .mutate("Open_vSwitch", List.of(), List.of(Mutation.delete("external_ids", Set.of(key))))
                .mutate("Open_vSwitch", List.of(), List.of(Mutation.insert("external_ids", Map.of(key, value)))),
                "set external_ids:" + key);
    }

    /** Replaces the {@code options} of an interface. */
    public void setInterfaceOptions(InterfaceName iface, Map<String, String> options) {
        TransactResult r = commit(Transaction.builder()
                .update("Interface", List.of(Condition.eq("name", iface.value())), Row.of(Map.of("options", options))),
                "set options of " + iface);
        if (r.count(0) == 0) {
            throw new NotFoundException("OVS interface " + iface + " not found on " + client.remote());
        }
        waitApplied(List.of(iface.value()));
    }

    private TransactResult commit(Transaction.Builder tx, String what) {
        if (vswitchdTimeout != null) {
            tx.mutate("Open_vSwitch", List.of(), List.of(Mutation.add("next_cfg", 1)));
        }
        try {
            return client.transact(tx.build());
        } catch (OvsdbOperationException e) {
            if (e.isRetryable() && "wait".equals(e.op())) {
                throw new ConflictException("OVS " + what + " on " + client.remote()
                        + ": changed concurrently by another client, try again", e);
            }
            throw e;
        }
    }

    /** Like ovs-vsctl: wait until cur_cfg reaches next_cfg, then check the new interfaces. */
    private void waitApplied(List<String> interfaces) {
        if (vswitchdTimeout != null) {
            VswitchdWait.await(client, vswitchdTimeout, interfaces);
        }
    }

    private static String normDatapath(String dp) {
        return dp == null || dp.isEmpty() ? "system" : dp;
    }

    private static void checkOwner(String owner) {
        if (owner == null || owner.isBlank()) {
            throw new InvalidSpecException("owner", owner, "must not be empty");
        }
    }

    /** Closes the OVSDB connection when this switch opened it. Idempotent. */
    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "OvsSwitch[" + client.remote() + ", datapath " + datapathType + "]";
    }
}
