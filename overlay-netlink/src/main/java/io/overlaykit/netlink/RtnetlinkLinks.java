package io.overlaykit.netlink;

import static io.overlaykit.netlink.internal.Rtnl.*;

import io.overlaykit.core.AddressInfo;
import io.overlaykit.core.Bridge;
import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.Neighbour;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.PolicyRule;
import io.overlaykit.core.Route;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.spi.Links;
import io.overlaykit.core.spi.NamespaceView;
import io.overlaykit.core.spi.NetOp;
import io.overlaykit.netlink.internal.NlMessage;
import io.overlaykit.netlink.internal.RtnlMessages;
import io.overlaykit.netlink.internal.RtnlMessages.RawLink;
import io.overlaykit.netlink.internal.Sys;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Links, addresses, routes, neighbours, FDB entries and policy rules of one namespace over one
 * NETLINK_ROUTE socket ({@link RtnlChannel}). The socket is created on a thread inside the namespace and
 * then used from any thread; requests are serialized. Close it (or the {@link NetlinkStack}) to release
 * the socket.
 *
 * <p>A change method sends one message (plus a GET where a name must become an ifindex); {@link #execute}
 * sends a whole list of changes in as few datagrams as the socket allows, and {@link #observe} reads the
 * namespace with one dump per kind. Every message goes through the stack's
 * {@link io.overlaykit.core.spi.RequestHook} before it is sent. Each change is encoded once, in
 * {@link NetOpCompiler} (with {@link Requests}); dumps are decoded in {@link Dumps}, ethtool calls made in
 * {@link Offloads}.
 */
public final class RtnetlinkLinks implements Links, AutoCloseable {
    private final RtnlChannel channel;
    private final LinkKinds kinds;
    private final Dumps dumps;
    private final Offloads offloads;
    private final Set<LinkEvents> subscriptions = ConcurrentHashMap.newKeySet();

    RtnetlinkLinks(RtnlChannel channel) {
        this.channel = channel;
        this.kinds = new LinkKinds(this);
        this.dumps = new Dumps(channel, this);
        this.offloads = new Offloads(channel);
    }

    /** Opens a handle for {@code ns}: its socket is created by a thread inside {@code ns}. */
    public static RtnetlinkLinks open(LinuxNamespaces namespaces, NetNamespace ns) {
        return new RtnetlinkLinks(RtnlChannel.open(namespaces, ns));
    }

    @Override
    public NetNamespace namespace() {
        return channel.namespace();
    }

    RtnlChannel channel() {
        return channel;
    }

    String label() {
        return channel.label();
    }

    LinuxNamespaces namespaces() {
        return channel.namespaces();
    }

    LinkKinds kinds() {
        return kinds;
    }

    Dumps dumps() {
        return dumps;
    }

    Offloads offloads() {
        return offloads;
    }

    boolean isClosed() {
        return channel.isClosed();
    }

    // ---- the whole namespace at once ----

    /** One dump per kind: links, addresses, routes (every table), rules, neighbours, FDB. */
    @Override
    public NamespaceView observe() {
        return dumps.observe();
    }

    /**
     * Sends {@code ops} as batched netlink messages (see {@link NetOpBatch}); when some fail, the
     * {@link io.overlaykit.core.BatchException} lists exactly the ops that took effect, also those after the
     * first failure, and its cause is the first failure (a {@link NetlinkException}, typed as conflict or
     * not-found where the errno says so). A delete of something already gone counts as taken effect. A create
     * with an alias is two messages (RTM_NEWLINK ignores IFLA_IFALIAS); when only the alias fails, the op is
     * both applied (the link exists: undo it) and the failure.
     */
    @Override
    public void execute(List<NetOp> ops) {
        NetOpBatch.execute(this, ops);
    }

    // ---- create / ensure ----

    @Override
    public LinkInfo create(VethPair veth) {
        return kinds.create(veth);
    }

    @Override
    public LinkInfo create(Bridge bridge) {
        return kinds.create(bridge);
    }

    @Override
    public LinkInfo create(VxlanTunnel vxlan) {
        return kinds.create(vxlan);
    }

    /** A kernel WireGuard link (rtnetlink kind {@code wireguard}); its alias set right after the create. */
    @Override
    public LinkInfo createWireGuard(InterfaceName name, Integer mtu, String alias) {
        return kinds.createWireGuard(name, mtu, alias);
    }

    @Override
    public LinkInfo ensure(VethPair veth) {
        return LinkEnsure.veth(this, veth);
    }

    @Override
    public LinkInfo ensure(Bridge bridge) {
        return LinkEnsure.bridge(this, bridge);
    }

    @Override
    public LinkInfo ensure(VxlanTunnel vxlan) {
        return LinkEnsure.vxlan(this, vxlan);
    }

    // ---- read links ----

    @Override
    public Optional<LinkInfo> find(InterfaceName name) {
        try {
            return Optional.of(get(name));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    Optional<LinkInfo> find(int index) {
        return dumps.link(index).map(l -> toInfo(l, null));
    }

    @Override
    public LinkInfo get(InterfaceName name) {
        List<NlMessage> r;
        try {
            r = channel.call(RtnlMessages.getLink(name.value()), "get link '" + name + "'");
        } catch (NotFoundException e) {
            throw notFound(name, e);
        }
        if (r.isEmpty()) {
            throw notFound(name, null);
        }
        return toInfo(RtnlMessages.decodeLink(r.get(0)), null);
    }

    NotFoundException notFound(InterfaceName name, Throwable cause) {
        return new NotFoundException("link '" + name + "' not found in namespace " + label(), cause);
    }

    @Override
    public List<LinkInfo> list() {
        return dumps.links();
    }

    /** Index to name of every link, for decoding references. */
    Map<Integer, String> names() {
        return dumps.names();
    }

    int indexOf(InterfaceName name) {
        return get(name).index();
    }

    LinkInfo toInfo(RawLink l, Map<Integer, String> names) {
        return kinds.toInfo(l, names);
    }

    // ---- changes: each one op of NetOpCompiler, sent on its own ----

    @Override
    public boolean delete(InterfaceName name) {
        return run(new NetOp.DeleteLink(name));
    }

    @Override
    public void setUp(InterfaceName name) {
        run(new NetOp.SetUp(name, true));
    }

    @Override
    public void setDown(InterfaceName name) {
        run(new NetOp.SetUp(name, false));
    }

    @Override
    public void setMtu(InterfaceName name, int mtu) {
        run(new NetOp.SetMtu(name, mtu));
    }

    @Override
    public void setMac(InterfaceName name, MacAddress mac) {
        run(new NetOp.SetMac(name, mac));
    }

    /** Enslaves {@code name} to {@code master} (one GET for the master's ifindex); null releases it. */
    @Override
    public void setMaster(InterfaceName name, InterfaceName master) {
        run(new NetOp.SetMaster(name, master));
    }

    @Override
    public void setAlias(InterfaceName name, String alias) {
        run(new NetOp.SetAlias(name, alias == null ? "" : alias));
    }

    @Override
    public void rename(InterfaceName name, InterfaceName newName) {
        // by index: in a request addressed by name, IFLA_IFNAME would name the link, not its new name
        channel.call(RtnlMessages.setLink(indexOf(name)).attrString(IFLA_IFNAME, newName.value()),
                "rename link '" + name + "' to '" + newName + "'");
    }

    @Override
    public void moveTo(InterfaceName name, NetNamespace target) {
        String op = "move link '" + name + "' to namespace " + target.displayName();
        int index = indexOf(name);
        int fd = kinds.openNamespace(target, op);
        try {
            channel.call(RtnlMessages.setLink(index).attrU32(IFLA_NET_NS_FD, fd), op);
        } finally {
            Sys.closeQuietly(fd);
        }
    }

    @Override
    public void addAddress(InterfaceName link, IpPrefix address) {
        run(new NetOp.AddAddress(link, address));
    }

    @Override
    public void replaceAddress(InterfaceName link, IpPrefix address) {
        int flags = RtnlMessages.CREATE_REPLACE;
        channel.call(Requests.address(RTM_NEWADDR, flags, address, indexOf(link)),
                Requests.addressOp(RTM_NEWADDR, flags, link, address));
    }

    @Override
    public boolean deleteAddress(InterfaceName link, IpPrefix address) {
        return run(new NetOp.DeleteAddress(link, address));
    }

    @Override
    public void addRoute(Route route) {
        run(new NetOp.AddRoute(route));
    }

    @Override
    public void replaceRoute(Route route) {
        channel.call(Requests.route(RTM_NEWROUTE, RtnlMessages.CREATE_REPLACE, route, this::indexOf),
                Requests.routeOp("replace", route));
    }

    @Override
    public boolean deleteRoute(Route route) {
        return run(new NetOp.DeleteRoute(route));
    }

    @Override
    public void addNeighbour(Neighbour neighbour) {
        run(new NetOp.AddNeighbour(neighbour));
    }

    @Override
    public boolean deleteNeighbour(Neighbour neighbour) {
        return run(new NetOp.DeleteNeighbour(neighbour));
    }

    @Override
    public void addFdb(FdbEntry entry) {
        run(new NetOp.AddFdb(entry));
    }

    /** Deletes one entry; false when the device does not have it (looked up first: the kernel would ACK). */
    @Override
    public boolean deleteFdb(FdbEntry e) {
        Optional<LinkInfo> l = find(e.device());
        if (l.isEmpty()) {
            return false;
        }
        int index = l.get().index();
        boolean present = dumps.fdb(index, i -> i == index ? e.device().value() : null).stream()
                .anyMatch(x -> x.mac().equals(e.mac()) && Objects.equals(x.remote(), e.remote())
                        && (e.vni() == null || x.vni() == null || e.vni().equals(x.vni())) && x.master() == e.master());
        return present && NetOpBatch.executeOne(this, new NetOp.DeleteFdb(e), l.get());
    }

    @Override
    public void addRule(PolicyRule rule) {
        run(new NetOp.AddRule(rule));
    }

    @Override
    public boolean deleteRule(PolicyRule rule) {
        return run(new NetOp.DeleteRule(rule));
    }

    /** One op on its own; false for a delete of something already gone. */
    private boolean run(NetOp op) {
        return NetOpBatch.executeOne(this, op, null);
    }

    // ---- listings: Dumps ----

    @Override
    public List<AddressInfo> addresses(InterfaceName link) {
        return dumps.addresses(link);
    }

    /** Unicast routes of {@code table}, IPv4 and IPv6, multipath ones with their nexthops. */
    @Override
    public List<Route> routes(int table) {
        return dumps.routes(table, names());
    }

    /** Entries with a MAC address, in any state (see {@link Neighbour#state()}). */
    @Override
    public List<Neighbour> neighbours(InterfaceName link) {
        return dumps.neighbours(link);
    }

    @Override
    public List<FdbEntry> fdb(InterfaceName link) {
        return dumps.fdb(link);
    }

    @Override
    public List<PolicyRule> rules() {
        return dumps.rules();
    }

    // ---- offloads ----

    @Override
    public void disableTxChecksum(InterfaceName link) {
        offloads.setTxChecksum(link, false);
    }

    /**
     * Sets the bridge port flag {@code neigh_suppress} of {@code port} (an AF_BRIDGE RTM_SETLINK); unlike in a batch,
     * a kernel's refusal is thrown.
     */
    @Override
    public void setNeighSuppress(InterfaceName port, boolean on) {
        run(new NetOp.SetNeighSuppress(port, on));
    }

    /** Turns TX checksum offload on or off; on undoes an earlier off. */
    @Override
    public void setTxChecksum(InterfaceName link, boolean on) {
        offloads.setTxChecksum(link, on);
    }

    @Override
    public boolean txChecksum(InterfaceName link) {
        return offloads.txChecksum(link);
    }

    /** The offload state of every named link that exists, in one visit to the namespace. */
    @Override
    public Map<InterfaceName, Boolean> txChecksums(Collection<InterfaceName> links) {
        return offloads.txChecksums(links);
    }

    // ---- events ----

    @Override
    public AutoCloseable subscribe(Consumer<LinkEvent> listener) {
        LinkEvents events = LinkEvents.start(this, listener);
        subscriptions.add(events);
        return () -> {
            subscriptions.remove(events);
            events.close();
        };
    }

    /** Releases the socket; idempotent. */
    @Override
    public void close() {
        // a subscription's socket would keep the namespace alive after it is deleted
        subscriptions.forEach(LinkEvents::close);
        subscriptions.clear();
        channel.close();
    }

    @Override
    public String toString() {
        return "RtnetlinkLinks[" + label() + "]";
    }
}
