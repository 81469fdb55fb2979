package io.overlaykit.ovs;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.plan.SwitchChange;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spi.HostFacts;
import io.overlaykit.core.spi.OverlaySwitch;
import io.overlaykit.core.spi.PortSettings;
import io.overlaykit.core.spi.RequestHook;
import io.overlaykit.core.spi.SwitchIntent;
import io.overlaykit.core.spi.SwitchPlan;
import io.overlaykit.core.spi.SwitchView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Open vSwitch switch backend: bridges, system/internal/VXLAN ports through OVSDB, never
 * {@code ovs-vsctl}. Reads come from a monitor-fed cache ({@link #view()}): listing bridges, ports and tunnels
 * sends no request, and a change that finds nothing to do sends none either. A change is decided from the
 * cache by {@link OvsPortPlanner} and sent as one transaction whose guards fail if the database no longer
 * matches the cache; then the switch decides once more from the refreshed cache. Ports are appended with
 * {@code mutate ports insert} (never by rewriting {@code ports}); a list of ports is one transaction. Adding
 * what exists identically changes nothing; adding what exists differently throws a {@link ConflictException}
 * that says what differs. With {@link #waitingForVswitchd}, each change also waits for ovs-vswitchd to apply it
 * and reports an interface's {@code error} or {@code ofport -1} (and removes the ports that call added).
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
     * The Port external_ids key holding the ifindex of the device the port was plugged into (given by the
     * caller, or recorded when this switch waits for ovs-vswitchd): when the device is re-created, the port is
     * stale.
     */
    public static final String IFINDEX_KEY = "overlaykit-ifindex";

    private final OvsdbClient client;
    private final boolean ownsClient;
    private final String datapathType;
    private final OvsMirror mirror;
    private final SwitchCommitter committer;
    private final PortExecutor portExecutor;
    private final BridgeExecutor bridgeExecutor;

    private OvsSwitch(OvsdbClient client, boolean ownsClient, String datapathType, Duration vswitchdTimeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        if (datapathType == null || datapathType.isBlank()) {
            throw new InvalidSpecException("ovs datapathType", datapathType, "must be netdev, system or another datapath");
        }
        this.datapathType = datapathType;
        this.mirror = client.switchMirror(); // one monitor per client, whichever switches share it
        this.committer = new SwitchCommitter(this.mirror, vswitchdTimeout);
        this.portExecutor = new PortExecutor(committer);
        this.bridgeExecutor = new BridgeExecutor(committer);
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
     * --no-wait). Both share one connection, one cache and its ownership: if this switch closes its
     * connection, so does the returned one, so {@code OvsSwitch.connect(...).waitingForVswitchd(t)} leaks nothing.
     */
    public OvsSwitch waitingForVswitchd(Duration timeout) {
        return new OvsSwitch(client, ownsClient, datapathType, Objects.requireNonNull(timeout, "timeout"));
    }

    /** The OVSDB client this switch talks through (closed with the switch only when the switch opened it). */
    public OvsdbClient client() {
        return client;
    }

    /** The datapath type of the bridges this switch creates ({@code system}: kernel, {@code netdev}: userspace). */
    public String datapathType() {
        return datapathType;
    }

    @Override
    public String kind() {
        return "ovs";
    }

    /**
     * Whether veths plugged into this switch need TX checksum offload off: true for the userspace
     * ({@code netdev}) datapath, which reads frames whose checksums the kernel left to the NIC. The engine gets
     * this from {@link #plan}; imperative callers (the seed walkthrough) ask here.
     */
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
        if (view instanceof OvsSwitchPlanner.View v) {
            return OvsSwitchPlanner.plan(this, intent, v, facts);
        }
        SwitchPlan plan = OverlaySwitch.super.plan(intent, view, facts);
        return needsTxChecksumOff() ? PortSettings.txChecksumOff(plan, intent, facts) : plan;
    }

    /** From the cache: no request once the monitor runs. */
    @Override
    public SwitchView observe(SwitchIntent intent, HostFacts facts) {
        return new OvsSwitchPlanner.View(mirror.view(), intent.bridge().name(), facts.namespace(Target.HOST));
    }

    /**
     * Consecutive {@link OvsChange}s run as one transaction ({@link #apply}); generic changes one by one. A
     * failed transaction applied nothing of its own changes (OVSDB transactions are atomic).
     */
    @Override
    public void execute(List<SwitchChange> changes) {
        java.util.Set<Integer> applied = new java.util.TreeSet<>();
        int i = 0;
        while (i < changes.size()) {
            int j = i;
            List<PortChange> ports = new ArrayList<>();
            while (j < changes.size() && changes.get(j) instanceof OvsChange o) {
                ports.add(o.port());
                j++;
            }
            try {
                if (ports.isEmpty()) {
                    OverlaySwitch.super.execute(List.of(changes.get(i)));
                    j = i + 1;
                } else {
                    apply(ports);
                }
            } catch (RuntimeException e) {
                RuntimeException cause = e instanceof io.overlaykit.core.BatchException && e.getCause() instanceof RuntimeException c
                        ? c : e;
                throw new io.overlaykit.core.BatchException(changes.get(i).describe() + " on " + client.remote()
                        + " failed: " + cause.getMessage(), cause, applied, i);
            }
            for (int k = i; k < j; k++) {
                applied.add(k);
            }
            i = j;
        }
    }

    /**
     * Everything the switch decides on, as an immutable snapshot of the cache: no request once the monitor runs
     * (the first call starts it: one {@code monitor_cond}).
     */
    public OvsView view() {
        return mirror.view();
    }

    /**
     * Executes {@code changes} (planned from {@link #view()}, e.g. by {@link OvsPortPlanner}) as one transaction,
     * then waits for ovs-vswitchd when this switch does. A re-plug (the same port removed and added) takes one
     * more transaction, see {@link PortChange}. Nothing is decided again here: the caller's plan is data.
     *
     * @throws ConflictException the database no longer matches the view the changes need (re-plan and retry)
     */
    public void apply(List<PortChange> changes) {
        try {
            portExecutor.execute(mirror.view(), List.copyOf(changes));
        } catch (SwitchCommitter.StaleView e) {
            throw committer.conflict("port changes", e);
        }
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
        committer.decideAndCommit("add bridge " + name, view -> {
            bridgeExecutor.ensure(view, name, datapath, failMode, owner, mtu);
            return null;
        });
    }

    /**
     * Deletes a bridge that carries an {@link #OWNER_KEY} tag (any owner), with its ports; false when it is
     * already gone.
     *
     * @throws ConflictException the bridge has no owner tag: it was not made by OverlayKit
     */
    @Override
    public boolean deleteBridge(InterfaceName bridge) {
        return committer.decideAndCommit("delete bridge " + bridge, view -> bridgeExecutor.delete(view, bridge, null));
    }

    /**
     * Deletes the bridge if it belongs to {@code owner}; false when it is already gone.
     *
     * @throws ConflictException the bridge belongs to someone else or has no owner tag
     */
    public boolean deleteBridge(InterfaceName bridge, String owner) {
        checkOwner(owner);
        return committer.decideAndCommit("delete bridge " + bridge, view -> bridgeExecutor.delete(view, bridge, owner));
    }

    @Override
    public List<InterfaceName> bridges(String owner) {
        return mirror.view().bridges(owner).stream().map(b -> InterfaceName.of(b.name())).toList();
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
     * identically on this bridge are left alone, stale ones re-plugged; all differences are reported together.
     */
    public void addPorts(InterfaceName bridge, List<OvsPort> ports, String owner) {
        addPorts(bridge, ports, owner, Map.of());
    }

    /**
     * As {@link #addPorts(InterfaceName, List, String)}, for a caller that knows the ifindex of each system
     * port's device: it is recorded in the same transaction (no second one to note what ovs-vswitchd opened),
     * and a port plugged into another device than the one that has its name now is re-plugged at once, without
     * waiting for ovs-vswitchd to notice.
     */
    public void addPorts(InterfaceName bridge, List<OvsPort> ports, String owner, Map<InterfaceName, Long> deviceIfindexes) {
        checkOwner(owner);
        List<OvsPort> wanted = List.copyOf(ports);
        committer.decideAndCommit("add ports to " + bridge, view -> {
            portExecutor.execute(view, OvsPortPlanner.ensurePorts(view, bridge, wanted, owner, deviceIfindexes));
            return null;
        });
    }

    /**
     * Whether {@code link} is a port of {@code bridge} that ovs-vswitchd really uses (not stale: see
     * {@link OvsView.PortState#isStale()}); false when the bridge is missing. Right after a device is re-created
     * this follows ovs-vswitchd, which notices after a moment; {@link #isAttached(InterfaceName, InterfaceName, long)}
     * does not wait for it.
     */
    @Override
    public boolean isAttached(InterfaceName bridge, InterfaceName link) {
        return mirror.view().port(link).filter(p -> bridge.value().equals(p.bridge()) && !p.isStale()).isPresent();
    }

    /** Whether {@code link} is plugged into {@code bridge} and into the device that has ifindex {@code deviceIfindex}. */
    public boolean isAttached(InterfaceName bridge, InterfaceName link, long deviceIfindex) {
        return mirror.view().port(link)
                .filter(p -> bridge.value().equals(p.bridge()) && !p.isStaleFor(deviceIfindex)).isPresent();
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
        List<InterfaceName> gone = List.copyOf(names);
        committer.decideAndCommit("remove ports from " + bridge, view -> {
            portExecutor.execute(view, OvsPortPlanner.removePorts(view, bridge, gone));
            return null;
        });
    }

    /** The bridge's ports (tunnel ports included, not its own internal port), sorted; none for a missing bridge. */
    @Override
    public List<InterfaceName> ports(InterfaceName bridge) {
        return mirror.view().ports(bridge).stream().map(OvsView.PortState::name)
                .filter(n -> !n.equals(bridge.value()) && InterfaceName.problem(n) == null).map(InterfaceName::of).toList();
    }

    @Override
    public List<VxlanTunnel> tunnels(InterfaceName bridge) {
        List<VxlanTunnel> out = new ArrayList<>();
        for (OvsView.PortState p : mirror.view().ports(bridge)) {
            if (p.type().equals("vxlan") && InterfaceName.problem(p.name()) == null) {
                PortDiff.tunnel(p.name(), p.options()).ifPresent(out::add);
            }
        }
        return out;
    }

    /** Sets one {@code external_ids} key of the Open_vSwitch row (e.g. {@code system-id}). */
    public void setExternalId(String key, String value) {
        committer.commit(Transaction.builder()
                .mutate("Open_vSwitch", List.of(), List.of(Mutation.delete("external_ids", Set.of(key))))
                .mutate("Open_vSwitch", List.of(), List.of(Mutation.insert("external_ids", Map.of(key, value))))
                .comment("overlaykit: set external_ids:" + key), false);
    }

    /** Replaces the {@code options} of an interface. */
    public void setInterfaceOptions(InterfaceName iface, Map<String, String> options) {
        TransactResult r = committer.commit(Transaction.builder()
                .update("Interface", List.of(Condition.eq("name", iface.value())), Row.of(Map.of("options", options)))
                .comment("overlaykit: set options of " + iface), false);
        if (r.count(0) == 0) {
            throw new NotFoundException("OVS interface " + iface + " not found on " + client.remote());
        }
        committer.awaitVswitchd(List.of(iface.value()));
    }

    /**
     * Counts or fails every OVSDB request of this switch's client (see {@link OvsdbClient#requestHook}); on a
     * client given to {@link #create}, every user of that client is seen.
     */
    @Override
    public void requestHook(RequestHook hook) {
        client.requestHook(hook);
    }

    private static void checkOwner(String owner) {
        if (owner == null || owner.isBlank()) {
            throw new InvalidSpecException("owner", owner, "must not be empty");
        }
    }

    /**
     * Closes the OVSDB connection when this switch opened it. On a caller's client it does nothing: the monitor
     * belongs to the client (other switches on it share it, and it keeps {@link OvsdbClient#cache()} current)
     * and ends when the client closes. Idempotent.
     */
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
