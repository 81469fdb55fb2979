package io.overlaykit.ovn;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.BatchException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.SwitchChange;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spec.OvnSpec;
import io.overlaykit.core.spi.HostFacts;
import io.overlaykit.core.spi.OverlaySwitch;
import io.overlaykit.core.spi.RequestHook;
import io.overlaykit.core.spi.SwitchIntent;
import io.overlaykit.core.spi.SwitchPlan;
import io.overlaykit.core.spi.SwitchView;
import io.overlaykit.ovs.OvsSwitch;
import io.overlaykit.ovs.OvsdbClient;
import io.overlaykit.ovs.OvsdbClientOptions;
import io.overlaykit.ovs.OvsdbRemote;
import io.overlaykit.ovs.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The OVN switch backend: the spec is one logical switch in OVN's northbound database, each container and each
 * host's gateway one logical switch port ({@code addresses} and {@code port_security} from the spec's MAC and IP,
 * tagged with the spec and the host), container names in OVN's {@code DNS} table; on the host itself only the
 * chassis configuration ({@code Open_vSwitch external_ids}), the integration bridge and each veth plugged in with
 * {@code external_ids:iface-id} naming its logical port. {@code ovn-controller} on every host computes tunnels and
 * flows from the southbound database: there is no per-peer configuration, so a host that joins changes no other
 * host. Writes are idempotent transactions that append with {@code mutate} and guard inserts with {@code wait}, so
 * hosts applying at the same time never clobber each other's ports.
 *
 * <pre>{@code
 * OvnSwitch ovn = OvnSwitch.connect(OvnSwitch.Config.of("hostA", spec.ovn(), "netdev"),
 *         OvsdbRemote.parse("unix:/run/openvswitch/db.sock"), OvsdbClientOptions.defaults());
 * Host host = Host.builder("hostA").stack(stack).containers(podman).ovn(ovn).build();
 * }</pre>
 */
public final class OvnSwitch implements OverlaySwitch {
    /** The owner tag of an integration bridge OverlayKit created. */
    public static final String BRIDGE_OWNER = "overlaykit-ovn";
    /** OVN's default integration bridge. */
    public static final InterfaceName INTEGRATION_BRIDGE = InterfaceName.of("br-int");

    /**
     * What one host needs to join OVN.
     *
     * @param chassis           this host's chassis name ({@code system-id}), e.g. the spec's host name
     * @param northbound        the northbound remotes, comma-separated
     * @param southbound        the southbound remotes, comma-separated ({@code ovn-remote})
     * @param encap             {@code geneve} or {@code vxlan}
     * @param datapathType      {@code netdev} (userspace) or {@code system}
     * @param integrationBridge the bridge ovn-controller programs
     */
    public record Config(String chassis, String northbound, String southbound, String encap, String datapathType,
                         InterfaceName integrationBridge) {
        /** Requires every component. */
        public Config {
            Objects.requireNonNull(chassis, "chassis");
            Objects.requireNonNull(northbound, "northbound");
            Objects.requireNonNull(southbound, "southbound");
            Objects.requireNonNull(encap, "encap");
            Objects.requireNonNull(datapathType, "datapathType");
            Objects.requireNonNull(integrationBridge, "integrationBridge");
        }

        /** The configuration of host {@code chassis} for a spec's {@code ovn} section, on {@code br-int}. */
        public static Config of(String chassis, OvnSpec ovn, String datapathType) {
            return new Config(chassis, ovn.northbound(), ovn.southbound(), ovn.encapType(), datapathType,
                    INTEGRATION_BRIDGE);
        }
    }

    private final Config config;
    private final OvsSwitch local;
    private final Northbound northbound;
    private final OvsdbClient southbound;
    private final Southbound southboundView;
    private final List<AutoCloseable> owned;
    private final OvnExecutor executor = new OvnExecutor(this);

    private OvnSwitch(Config config, OvsSwitch local, Northbound northbound, OvsdbClient southbound,
                      List<AutoCloseable> owned) {
        this.config = config;
        this.local = local;
        this.northbound = northbound;
        this.southbound = southbound;
        this.southboundView = Southbound.on(southbound);
        this.owned = owned;
    }

    /**
     * Connects to the host's own OVSDB ({@code local}) and to the northbound and southbound databases of
     * {@code config}; {@code remoteOptions} applies to both (e.g. a socket opener for another namespace). Closing
     * the switch closes the three connections.
     */
    public static OvnSwitch connect(Config config, OvsdbRemote local, OvsdbClientOptions remoteOptions) {
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            OvsdbClient localClient = OvsdbClient.connect(local, OvsdbClientOptions.defaults());
            owned.add(localClient);
            OvsdbClient nb = OvsdbClient.connect(remotes(config.northbound()),
                    remoteOptions.withDatabase(Northbound.DATABASE));
            owned.add(nb);
            OvsdbClient sb = OvsdbClient.connect(remotes(config.southbound()),
                    remoteOptions.withDatabase("OVN_Southbound"));
            owned.add(sb);
            return new OvnSwitch(config, OvsSwitch.create(localClient, config.datapathType()), Northbound.on(nb), sb,
                    owned);
        } catch (RuntimeException e) {
            closeAll(owned);
            throw e;
        }
    }

    private static List<OvsdbRemote> remotes(String remotes) {
        return OvnSpec.split(remotes).stream().map(OvsdbRemote::parse).toList();
    }

    /** The logical switch of spec {@code owner}. */
    public static String logicalSwitchName(String owner) {
        return "overlaykit-" + owner;
    }

    /**
     * The logical port of an intent's port: {@code SPEC/CONTAINER} for a container, {@code SPEC/gateway/HOST} for
     * a host's gateway ('/' is in no container or host name, so the two never collide).
     */
    public static String logicalPortName(String owner, SwitchIntent.Port p) {
        String name = p.name() == null ? p.link().value() : p.name();
        return p.isGateway() ? owner + "/gateway/" + name : owner + "/" + name;
    }

    Config config() {
        return config;
    }

    OvsSwitch local() {
        return local;
    }

    /** The northbound model this switch reads and writes. */
    public Northbound northbound() {
        return northbound;
    }

    OvsdbClient southbound() {
        return southbound;
    }

    /** The southbound model this switch reads port bindings from. */
    public Southbound southboundView() {
        return southboundView;
    }

    @Override
    public String kind() {
        return "ovn";
    }

    /** True for the userspace datapath: veths plugged into it need TX checksum offload off. */
    public boolean needsTxChecksumOff() {
        return config.datapathType().equals("netdev");
    }

    @Override
    public SwitchView observe(SwitchIntent intent, HostFacts facts) {
        return view(facts.namespace(Target.HOST));
    }

    private OvnView view(io.overlaykit.core.spi.NamespaceView host) {
        io.overlaykit.ovs.OvsView ovs = local.view();
        Map<String, String> chassis = new HashMap<>();
        Map<String, String> ifaceIds = new HashMap<>();
        for (Row r : local.client().cache().rows("Open_vSwitch")) {
            chassis.putAll(r.getStringMap("external_ids"));
        }
        for (Row r : local.client().cache().rows("Interface")) {
            String id = r.getStringMap("external_ids").get("iface-id");
            if (id != null && r.getString("name") != null) {
                ifaceIds.put(r.getString("name"), id);
            }
        }
        return new OvnView(ovs, config.integrationBridge(), chassis, ifaceIds, northbound.view(),
                southboundView.bindings(), host);
    }

    @Override
    public SwitchPlan plan(SwitchIntent intent, SwitchView view, HostFacts facts) {
        OvnView v = view instanceof OvnView o ? o : view(facts.namespace(Target.HOST));
        return OvnPlanner.plan(this, intent, v, facts);
    }

    @Override
    public List<Step> teardownPlan(String owner) {
        return OvnPlanner.teardown(this, owner, view(null));
    }

    /**
     * Runs each change as its own transaction, the waits for port bindings last (so ovn-controller binds every port
     * of the batch at once); a failure names the change and what took effect before it.
     */
    @Override
    public void execute(List<SwitchChange> changes) {
        Set<Integer> applied = new TreeSet<>();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            if (!(changes.get(i) instanceof OvnChange.AwaitBinding)) {
                order.add(i);
            }
        }
        for (int i = 0; i < changes.size(); i++) {
            if (changes.get(i) instanceof OvnChange.AwaitBinding) {
                order.add(i);
            }
        }
        for (int i : order) {
            SwitchChange c = changes.get(i);
            try {
                if (c instanceof OvnChange o) {
                    executor.run(o);
                } else {
                    OverlaySwitch.super.execute(List.of(c));
                }
            } catch (RuntimeException e) {
                throw new BatchException(c.describe() + " (ovn chassis " + config.chassis() + ") failed: "
                        + e.getMessage(), e, applied, order.indexOf(i));
            }
            applied.add(i);
        }
    }

    // ---- the single-call methods of the SPI: the integration bridge as the host's bridge ----

    @Override
    public void ensureBridge(Bridge bridge, String owner) {
        if (local.view().bridge(config.integrationBridge()).isEmpty()) {
            local.addBridge(config.integrationBridge(), config.datapathType(), "secure", BRIDGE_OWNER, null);
        }
    }

    @Override
    public boolean deleteBridge(InterfaceName bridge) {
        throw new OverlayException("the OVN switch deletes its integration bridge only in teardown");
    }

    @Override
    public List<InterfaceName> bridges(String owner) {
        return local.view().ports(config.integrationBridge()).stream().anyMatch(p -> owner.equals(p.owner()))
                ? List.of(config.integrationBridge()) : List.of();
    }

    @Override
    public void attach(InterfaceName bridge, List<InterfaceName> links, String owner) {
        throw new OverlayException("the OVN switch plugs ports through its plan (each needs a logical port)");
    }

    @Override
    public void detach(InterfaceName bridge, List<InterfaceName> links) {
        links.forEach(l -> executor.run(new OvnChange.Unplug(config.integrationBridge(), l)));
    }

    @Override
    public void addTunnels(InterfaceName bridge, List<VxlanTunnel> tunnels, String owner) {
        // ovn-controller makes the tunnels
    }

    @Override
    public void removeTunnels(InterfaceName bridge, List<VxlanTunnel> tunnels) {
    }

    @Override
    public List<InterfaceName> ports(InterfaceName bridge) {
        return view(null).ports();
    }

    @Override
    public List<VxlanTunnel> tunnels(InterfaceName bridge) {
        return List.of();
    }

    @Override
    public void requestHook(RequestHook hook) {
        local.client().requestHook(hook);
        northbound.client().requestHook(hook);
        southbound.requestHook(hook);
    }

    /** Closes the three connections. Idempotent. */
    @Override
    public void close() {
        closeAll(owned);
    }

    private static void closeAll(List<AutoCloseable> list) {
        for (AutoCloseable c : list) {
            try {
                c.close();
            } catch (Exception e) {
                System.getLogger(OvnSwitch.class.getName()).log(System.Logger.Level.DEBUG, "close: " + e);
            }
        }
    }

    @Override
    public String toString() {
        return "OvnSwitch[chassis " + config.chassis() + ", nb " + config.northbound() + ", sb " + config.southbound()
                + "]";
    }
}
