package io.overlaykit.netlink;

import static io.overlaykit.netlink.internal.Rtnl.*;

import io.overlaykit.core.AddressInfo;
import io.overlaykit.core.Bridge;
import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.Mtu;
import io.overlaykit.core.Neighbour;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.PolicyRule;
import io.overlaykit.core.Route;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.spi.Links;
import io.overlaykit.netlink.internal.Errno;
import io.overlaykit.netlink.internal.NetlinkSocket;
import io.overlaykit.netlink.internal.NetlinkSocket.NetlinkError;
import io.overlaykit.netlink.internal.NlMessage;
import io.overlaykit.netlink.internal.NlWriter;
import io.overlaykit.netlink.internal.NsExecutor;
import io.overlaykit.netlink.internal.RtnlMessages;
import io.overlaykit.netlink.internal.RtnlMessages.RawLink;
import io.overlaykit.netlink.internal.Sys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Links, addresses, routes, neighbours, FDB entries and policy rules of one namespace over one
 * NETLINK_ROUTE socket. The socket is created on a thread inside the namespace and then used from any
 * thread; requests are serialized. Close it (or the {@link NetlinkStack}) to release the socket.
 */
public final class RtnetlinkLinks implements Links, AutoCloseable {
    private static final int TIMEOUT_MILLIS = 5000;

    private final LinuxNamespaces namespaces;
    private final NetNamespace ns;
    private final String label;
    private final NetlinkSocket socket;
    private final long nsInode;
    private final Routing routing;
    private final LinkKinds kinds;
    private final Offloads offloads;
    private final Set<LinkEvents> subscriptions = ConcurrentHashMap.newKeySet();

    private RtnetlinkLinks(LinuxNamespaces namespaces, NetNamespace ns, NetlinkSocket socket, long nsInode) {
        this.namespaces = namespaces;
        this.ns = ns;
        this.label = ns.displayName();
        this.socket = socket;
        this.nsInode = nsInode;
        this.routing = new Routing(this);
        this.kinds = new LinkKinds(this);
        this.offloads = new Offloads(this);
    }

    /** Opens a handle for {@code ns}: its socket is created by a thread inside {@code ns}. */
    public static RtnetlinkLinks open(LinuxNamespaces namespaces, NetNamespace ns) {
        String label = ns.displayName();
        long[] inode = new long[1];
        NetlinkSocket s = namespaces.callIn(ns, () -> {
            inode[0] = NsExecutor.currentInode(); // the namespace the socket really belongs to
            return NetlinkSocket.open(0, label, TIMEOUT_MILLIS);
        });
        return new RtnetlinkLinks(namespaces, ns, s, inode[0]);
    }

    /** The nsfs inode of the namespace this handle's socket lives in. */
    long nsInode() {
        return nsInode;
    }

    @Override
    public NetNamespace namespace() {
        return ns;
    }

    String label() {
        return label;
    }

    LinuxNamespaces namespaces() {
        return namespaces;
    }

    boolean isClosed() {
        return socket.isClosed();
    }

    List<NlMessage> call(NlWriter w, String operation) {
        try {
            return socket.request(w, operation);
        } catch (NetlinkError e) {
            throw NetlinkException.typed(operation, label, e.errno(), e.extAck(), e);
        }
    }

    List<NlMessage> dump(NlWriter w, String operation) {
        try {
            return socket.dump(w, operation);
        } catch (NetlinkError e) {
            throw NetlinkException.typed(operation, label, e.errno(), e.extAck(), e);
        }
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

    // ---- read ----

    @Override
    public Optional<LinkInfo> find(InterfaceName name) {
        try {
            return Optional.of(get(name));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    Optional<LinkInfo> find(int index) {
        try {
            List<NlMessage> r = call(RtnlMessages.getLink(index), "get link #" + index);
            return r.isEmpty() ? Optional.empty() : Optional.of(toInfo(RtnlMessages.decodeLink(r.get(0)), null));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public LinkInfo get(InterfaceName name) {
        List<NlMessage> r;
        try {
            r = call(RtnlMessages.getLink(name.value()), "get link '" + name + "'");
        } catch (NotFoundException e) {
            throw new NotFoundException("link '" + name + "' not found in namespace " + label, e);
        }
        if (r.isEmpty()) {
            throw new NotFoundException("link '" + name + "' not found in namespace " + label);
        }
        return toInfo(RtnlMessages.decodeLink(r.get(0)), null);
    }

    @Override
    public List<LinkInfo> list() {
        List<RawLink> raw = dumpLinks();
        Map<Integer, String> names = new HashMap<>();
        raw.forEach(l -> names.put(l.index(), l.name()));
        return raw.stream().map(l -> toInfo(l, names)).toList();
    }

    /** Index to name of every link, for decoding references. */
    Map<Integer, String> names() {
        Map<Integer, String> names = new HashMap<>();
        dumpLinks().forEach(l -> names.put(l.index(), l.name()));
        return names;
    }

    private List<RawLink> dumpLinks() {
        List<RawLink> raw = new ArrayList<>();
        for (NlMessage m : dump(RtnlMessages.dump(RTM_GETLINK, 0, IFINFOMSG_LEN), "list links")) {
            if (m.type() == RTM_NEWLINK) {
                raw.add(RtnlMessages.decodeLink(m));
            }
        }
        return raw;
    }

    int indexOf(InterfaceName name) {
        return get(name).index();
    }

    LinkInfo toInfo(RawLink l, Map<Integer, String> names) {
        return kinds.toInfo(l, names);
    }

    // ---- change ----

    @Override
    public boolean delete(InterfaceName name) {
        Optional<LinkInfo> l = find(name);
        if (l.isEmpty()) {
            return false;
        }
        try {
            call(RtnlMessages.delLink(l.get().index()), "delete link '" + name + "'");
            return true;
        } catch (NotFoundException e) {
            return false; // gone meanwhile
        }
    }

    @Override
    public void setUp(InterfaceName name) {
        setNamed(name, RtnlMessages.setLinkNamed(name.value(), IFF_UP, IFF_UP), "set link '" + name + "' up");
    }

    @Override
    public void setDown(InterfaceName name) {
        setNamed(name, RtnlMessages.setLinkNamed(name.value(), 0, IFF_UP), "set link '" + name + "' down");
    }

    @Override
    public void setMtu(InterfaceName name, int mtu) {
        Mtu.check("link " + name + " mtu", mtu);
        setLink(name, w -> w.attrU32(IFLA_MTU, mtu), "set mtu " + mtu + " on link '" + name + "'");
    }

    @Override
    public void setMac(InterfaceName name, MacAddress mac) {
        setLink(name, w -> w.attr(IFLA_ADDRESS, mac.toBytes()), "set mac " + mac + " on link '" + name + "'");
    }

    @Override
    public void setMaster(InterfaceName name, InterfaceName master) {
        int masterIndex = master == null ? 0 : indexOf(master);
        setLink(name, w -> w.attrU32(IFLA_MASTER, masterIndex),
                master == null ? "release link '" + name + "' from its master" : "set master of '" + name + "' to '"
                        + master + "'");
    }

    @Override
    public void setAlias(InterfaceName name, String alias) {
        setLink(name, w -> w.attrString(IFLA_IFALIAS, alias == null ? "" : alias),
                "set alias of link '" + name + "'");
    }

    @Override
    public void rename(InterfaceName name, InterfaceName newName) {
        // by index: in a request addressed by name, IFLA_IFNAME would name the link, not its new name
        call(RtnlMessages.setLink(indexOf(name)).attrString(IFLA_IFNAME, newName.value()),
                "rename link '" + name + "' to '" + newName + "'");
    }

    @Override
    public void moveTo(InterfaceName name, NetNamespace target) {
        String op = "move link '" + name + "' to namespace " + target.displayName();
        int index = indexOf(name);
        int fd = kinds.openNamespace(target, op);
        try {
            call(RtnlMessages.setLink(index).attrU32(IFLA_NET_NS_FD, fd), op);
        } finally {
            Sys.closeQuietly(fd);
        }
    }

    /** One RTM_SETLINK on an existing link, addressed by name, with the attribute {@code attribute} adds. */
    private void setLink(InterfaceName name, UnaryOperator<NlWriter> attribute, String op) {
        setNamed(name, attribute.apply(RtnlMessages.setLinkNamed(name.value(), 0, 0)), op);
    }

    /** Sends a set request addressed by name; the kernel's ENODEV becomes the same not-found as {@link #get}. */
    private void setNamed(InterfaceName name, NlWriter request, String op) {
        try {
            call(request, op);
        } catch (NotFoundException e) {
            if (NetlinkException.errnoOf(e) == Errno.ENODEV) {
                throw new NotFoundException("link '" + name + "' not found in namespace " + label, e);
            }
            throw e;
        }
    }

    // ---- addresses, routes, neighbours, FDB, rules (Routing) and offloads (Offloads): forwarded as is ----

    @Override
    public void addAddress(InterfaceName link, IpPrefix address) {
        routing.address(RTM_NEWADDR, RtnlMessages.CREATE_EXCL, link, address);
    }

    @Override
    public void replaceAddress(InterfaceName link, IpPrefix address) {
        routing.address(RTM_NEWADDR, RtnlMessages.CREATE_REPLACE, link, address);
    }

    @Override
    public boolean deleteAddress(InterfaceName link, IpPrefix address) {
        return routing.deleteAddress(link, address);
    }

    @Override
    public List<AddressInfo> addresses(InterfaceName link) {
        return routing.addresses(link);
    }

    @Override
    public void addRoute(Route route) {
        routing.route(RTM_NEWROUTE, RtnlMessages.CREATE_EXCL, route, "add");
    }

    @Override
    public void replaceRoute(Route route) {
        routing.route(RTM_NEWROUTE, RtnlMessages.CREATE_REPLACE, route, "replace");
    }

    @Override
    public boolean deleteRoute(Route route) {
        return routing.deleteRoute(route);
    }

    @Override
    public List<Route> routes(int table) {
        return routing.routes(table);
    }

    @Override
    public void addNeighbour(Neighbour neighbour) {
        routing.addNeighbour(neighbour);
    }

    @Override
    public boolean deleteNeighbour(Neighbour neighbour) {
        return routing.deleteNeighbour(neighbour);
    }

    @Override
    public List<Neighbour> neighbours(InterfaceName link) {
        return routing.neighbours(link);
    }

    @Override
    public void addFdb(FdbEntry entry) {
        routing.addFdb(entry);
    }

    @Override
    public boolean deleteFdb(FdbEntry entry) {
        return routing.deleteFdb(entry);
    }

    @Override
    public List<FdbEntry> fdb(InterfaceName link) {
        return routing.fdb(link);
    }

    @Override
    public void addRule(PolicyRule rule) {
        routing.addRule(rule);
    }

    @Override
    public boolean deleteRule(PolicyRule rule) {
        return routing.deleteRule(rule);
    }

    @Override
    public List<PolicyRule> rules() {
        return routing.rules();
    }

    @Override
    public void disableTxChecksum(InterfaceName link) {
        offloads.disableTxChecksum(link);
    }

    @Override
    public boolean txChecksum(InterfaceName link) {
        return offloads.txChecksum(link);
    }

    @Override
    public void setTxChecksum(InterfaceName link, boolean on) {
        offloads.setTxChecksum(link, on);
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
        socket.close();
    }

    @Override
    public String toString() {
        return "RtnetlinkLinks[" + label + "]";
    }
}
