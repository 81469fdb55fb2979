package io.overlaykit.core.testing;

import io.overlaykit.core.AddressInfo;
import io.overlaykit.core.Bridge;
import io.overlaykit.core.ConflictException;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An in-memory {@link Links} of one namespace, with the kernel's rules that the tests rely on: names are
 * unique, a veth's peer lives in its own namespace and goes with it, deleting a bridge releases its ports,
 * deleting a link drops its addresses, routes and FDB, and (unless turned off) appending an identical FDB
 * entry fails with EEXIST. Counts creates per name so tests can assert "created once".
 *
 * <p>Links are kept sorted by name, so a {@link #snapshot()} does not depend on the order of changes.
 */
public class InMemoryLinks implements Links {

    private final NetNamespace ns;
    private final LinkIds ids;
    private final Function<NetNamespace, InMemoryLinks> peerNamespaces;
    private final Map<InterfaceName, FakeLink> links = new TreeMap<>();
    private final List<AddressInfo> addresses = new ArrayList<>();
    private final List<Route> routes = new ArrayList<>();
    private final List<PolicyRule> rules = new ArrayList<>();
    private final Map<InterfaceName, List<FdbEntry>> fdb = new LinkedHashMap<>();
    private final List<Neighbour> neighbours = new ArrayList<>();
    private final Map<InterfaceName, Integer> creates = new LinkedHashMap<>();
    private boolean rejectDuplicateFdb = true;
    private int fdbAppends;

    /** A lone namespace without {@code lo}: veth peers can only be created in it. */
    public InMemoryLinks(NetNamespace ns) {
        this(ns, new LinkIds(), null, false);
    }

    /**
     * A namespace of a fake kernel: {@code ids} are shared with its other namespaces, {@code peerNamespaces}
     * finds the namespace a veth peer goes to (throwing NotFoundException when there is none).
     */
    protected InMemoryLinks(NetNamespace ns, LinkIds ids, Function<NetNamespace, InMemoryLinks> peerNamespaces,
            boolean loopback) {
        this.ns = ns;
        this.ids = ids;
        this.peerNamespaces = peerNamespaces;
        if (loopback) {
            FakeLink lo = new FakeLink(InterfaceName.of("lo"), 1, null, 65536, MacAddress.ZERO, null, null);
            links.put(lo.name, lo);
        }
    }

    /** Whether appending an FDB entry that is there already fails with EEXIST (the default, as the kernel does). */
    public InMemoryLinks rejectDuplicateFdb(boolean reject) {
        this.rejectDuplicateFdb = reject;
        return this;
    }

    /** Adds a link of another kind (a veth host end, a NIC), down and without a master. */
    public LinkInfo addLink(String name, String kind) {
        return put(new FakeLink(InterfaceName.of(name), ids.index(), kind, 1500, null, null, null)).info();
    }

    /** How often a link of this name was created. */
    public int createCount(String name) {
        return creates.getOrDefault(InterfaceName.of(name), 0);
    }

    /** How many FDB entries were appended successfully. */
    public int fdbAppends() {
        return fdbAppends;
    }

    /** The live table of links by name, for tests that play another program changing the kernel. */
    public Map<InterfaceName, FakeLink> linkTable() {
        return links;
    }

    private FakeLink put(FakeLink link) {
        if (links.containsKey(link.name)) {
            throw new ConflictException("link " + link.name + " exists (EEXIST)");
        }
        links.put(link.name, link);
        creates.merge(link.name, 1, Integer::sum);
        return link;
    }

    private FakeLink need(InterfaceName name) {
        FakeLink l = links.get(name);
        if (l == null) {
            throw new NotFoundException("no link " + name + " in " + ns.displayName());
        }
        return l;
    }

    private InMemoryLinks peerNamespace(NetNamespace target) {
        if (target == null || target.equals(ns)) {
            return this;
        }
        if (peerNamespaces == null) {
            throw new NotFoundException("namespace " + target.displayName() + " does not exist");
        }
        return peerNamespaces.apply(target);
    }

    @Override
    public NetNamespace namespace() {
        return ns;
    }

    @Override
    public LinkInfo create(VethPair veth) {
        InMemoryLinks peerNs = peerNamespace(veth.peerNamespace());
        if (links.containsKey(veth.name()) || peerNs.links.containsKey(veth.peerName())) {
            throw new ConflictException("link exists: " + veth.name() + " or " + veth.peerName());
        }
        int mtu = veth.mtu() == null ? 1500 : veth.mtu();
        FakeLink a = new FakeLink(veth.name(), ids.index(), "veth", mtu, ids.mac(), veth.alias(), null);
        FakeLink b = new FakeLink(veth.peerName(), ids.index(), "veth", mtu,
                veth.peerMac() != null ? veth.peerMac() : ids.mac(), null, null);
        a.peer = b;
        a.peerNs = peerNs;
        b.peer = a;
        b.peerNs = this;
        put(a);
        peerNs.put(b);
        return a.info();
    }

    @Override
    public LinkInfo create(Bridge bridge) {
        return put(new FakeLink(bridge.name(), ids.index(), "bridge", bridge.mtu() == null ? 1500 : bridge.mtu(),
                null, bridge.alias(), null)).info();
    }

    @Override
    public LinkInfo create(VxlanTunnel vxlan) {
        return put(new FakeLink(vxlan.name(), ids.index(), "vxlan", vxlan.mtu() == null ? 1500 : vxlan.mtu(),
                null, vxlan.alias(), vxlan)).info();
    }

    @Override
    public LinkInfo createWireGuard(InterfaceName name, Integer mtu, String alias) {
        if (links.containsKey(name)) {
            throw new ConflictException("link exists: " + name);
        }
        return put(new FakeLink(name, ids.index(), "wireguard", mtu == null ? 1420 : mtu, null, alias, null)).info();
    }

    @Override
    public LinkInfo ensure(VethPair veth) {
        throw new UnsupportedOperationException();
    }

    @Override
    public LinkInfo ensure(Bridge bridge) {
        Optional<LinkInfo> have = find(bridge.name());
        if (have.isEmpty()) {
            return create(bridge);
        }
        if (!have.get().isKind("bridge")) {
            throw new ConflictException(bridge.name() + " exists as " + have.get().kind());
        }
        return have.get();
    }

    @Override
    public LinkInfo ensure(VxlanTunnel vxlan) {
        Optional<LinkInfo> have = find(vxlan.name());
        if (have.isEmpty()) {
            return create(vxlan);
        }
        if (!have.get().isKind("vxlan") || !have.get().vxlan().vni().equals(vxlan.vni())) {
            throw new ConflictException(vxlan.name() + " exists and differs");
        }
        return have.get();
    }

    @Override
    public Optional<LinkInfo> find(InterfaceName name) {
        return Optional.ofNullable(links.get(name)).map(FakeLink::info);
    }

    @Override
    public LinkInfo get(InterfaceName name) {
        return need(name).info();
    }

    @Override
    public List<LinkInfo> list() {
        return links.values().stream().map(FakeLink::info).toList();
    }

    @Override
    public boolean delete(InterfaceName name) {
        FakeLink gone = links.remove(name);
        if (gone == null) {
            return false;
        }
        forget(name);
        for (FakeLink l : links.values()) {
            if (l.masterIndex == gone.index) {
                l.masterIndex = 0;
                l.neighSuppress = null;
            }
        }
        if (gone.peer != null) {
            gone.peerNs.links.remove(gone.peer.name);
            gone.peerNs.forget(gone.peer.name);
        }
        return true;
    }

    /** What goes with a deleted link: its addresses, routes through it and its FDB. */
    private void forget(InterfaceName name) {
        addresses.removeIf(a -> a.link().equals(name));
        routes.removeIf(r -> name.equals(r.device()));
        neighbours.removeIf(n -> n.device().equals(name));
        fdb.remove(name);
    }

    @Override
    public void setUp(InterfaceName name) {
        need(name).up = true;
    }

    @Override
    public void setDown(InterfaceName name) {
        need(name).up = false;
    }

    @Override
    public void setMtu(InterfaceName name, int mtu) {
        need(name).mtu = mtu;
    }

    @Override
    public void setMac(InterfaceName name, MacAddress mac) {
        need(name).mac = mac;
    }

    @Override
    public void setMaster(InterfaceName name, InterfaceName master) {
        int index = master == null ? 0 : need(master).index;
        FakeLink l = need(name);
        if (l.masterIndex != index) {
            l.neighSuppress = null; // a new port starts with the bridge's default flags
        }
        l.masterIndex = index;
    }

    @Override
    public void setAlias(InterfaceName name, String alias) {
        need(name).alias = alias;
    }

    @Override
    public void rename(InterfaceName name, InterfaceName newName) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void moveTo(InterfaceName name, NetNamespace target) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void addAddress(InterfaceName link, IpPrefix address) {
        FakeLink l = need(link);
        if (addresses.stream().anyMatch(a -> a.link().equals(link) && a.prefix().equals(address))) {
            throw new ConflictException("address " + address + " exists on " + link);
        }
        addresses.add(new AddressInfo(l.index, link, address));
    }

    @Override
    public void replaceAddress(InterfaceName link, IpPrefix address) {
        deleteAddress(link, address);
        addAddress(link, address);
    }

    @Override
    public boolean deleteAddress(InterfaceName link, IpPrefix address) {
        return addresses.removeIf(a -> a.link().equals(link) && a.prefix().equals(address));
    }

    @Override
    public List<AddressInfo> addresses(InterfaceName link) {
        return addresses.stream().filter(a -> link == null || a.link().equals(link)).toList();
    }

    @Override
    public void addRoute(Route route) {
        if (route.device() != null) {
            need(route.device());
        }
        if (routes.contains(route)) {
            throw new ConflictException("route exists: " + route);
        }
        routes.add(route);
    }

    @Override
    public void replaceRoute(Route route) {
        routes.remove(route);
        routes.add(route);
    }

    @Override
    public boolean deleteRoute(Route route) {
        return routes.remove(route);
    }

    @Override
    public List<Route> routes(int table) {
        // routes through a device that is gone go with it, as in the kernel
        return routes.stream().filter(r -> r.table() == table)
                .filter(r -> r.device() == null || links.containsKey(r.device())).toList();
    }

    @Override
    public void addRule(PolicyRule rule) {
        if (rules.contains(rule)) {
            throw new ConflictException("rule exists: " + rule);
        }
        rules.add(rule);
    }

    @Override
    public boolean deleteRule(PolicyRule rule) {
        return rules.remove(rule);
    }

    @Override
    public List<PolicyRule> rules() {
        return List.copyOf(rules);
    }

    @Override
    public void addNeighbour(Neighbour neighbour) {
        need(neighbour.device());
        neighbours.removeIf(n -> n.device().equals(neighbour.device()) && n.address().equals(neighbour.address()));
        neighbours.add(neighbour); // replace, as the kernel's RTM_NEWNEIGH with NLM_F_REPLACE does
    }

    @Override
    public boolean deleteNeighbour(Neighbour neighbour) {
        return neighbours.removeIf(n -> n.device().equals(neighbour.device()) && n.address().equals(neighbour.address()));
    }

    @Override
    public List<Neighbour> neighbours(InterfaceName link) {
        return neighbours.stream().filter(n -> link == null || n.device().equals(link)).toList();
    }

    @Override
    public void addFdb(FdbEntry entry) {
        need(entry.device());
        List<FdbEntry> entries = fdb.computeIfAbsent(entry.device(), k -> new ArrayList<>());
        if (entry.master()) {
            // the bridge's entry for a MAC is one, on one port: a replace moves it
            fdb.values().forEach(l -> l.removeIf(e -> e.master() && e.mac().equals(entry.mac())));
        } else if (rejectDuplicateFdb && entries.contains(entry)) {
            throw new ConflictException("fdb " + entry + " exists (EEXIST)");
        }
        if (!entry.isFlood()) {
            // a unicast entry replaces, as NLM_F_REPLACE does
            entries.removeIf(e -> e.mac().equals(entry.mac()) && e.master() == entry.master());
        }
        entries.add(entry);
        fdbAppends++;
    }

    @Override
    public boolean deleteFdb(FdbEntry entry) {
        List<FdbEntry> entries = fdb.get(entry.device());
        return entries != null && entries.remove(entry);
    }

    @Override
    public List<FdbEntry> fdb(InterfaceName link) {
        return List.copyOf(fdb.getOrDefault(link, List.of()));
    }

    @Override
    public void disableTxChecksum(InterfaceName link) {
        need(link).tx = false;
    }

    @Override
    public boolean txChecksum(InterfaceName link) {
        return need(link).tx;
    }

    @Override
    public void setTxChecksum(InterfaceName link, boolean on) {
        need(link).tx = on;
    }

    /** Sets the flag of a link that has a master (a bridge port); fails on one that has none, as the kernel does. */
    @Override
    public void setNeighSuppress(InterfaceName port, boolean on) {
        FakeLink l = need(port);
        if (l.masterIndex == 0) {
            throw new IllegalStateException(port + " is no bridge port (EINVAL)");
        }
        l.neighSuppress = on;
    }

    @Override
    public AutoCloseable subscribe(Consumer<LinkEvent> listener) {
        return () -> { };
    }

    /** Everything observable in this namespace, sorted, one line per object. */
    public String snapshot() {
        StringBuilder sb = new StringBuilder("ns " + ns.displayName() + "\n");
        links.values().forEach(l -> sb.append("  link ").append(l).append('\n'));
        addresses.stream().map(a -> a.link() + " " + a.prefix()).sorted()
                .forEach(a -> sb.append("  addr ").append(a).append('\n'));
        routes.stream().map(Route::toString).sorted().forEach(r -> sb.append("  route ").append(r).append('\n'));
        rules.stream().map(Object::toString).sorted().forEach(r -> sb.append("  rule ").append(r).append('\n'));
        fdb.forEach((dev, entries) -> entries.forEach(e -> sb.append("  fdb ").append(e).append('\n')));
        neighbours.stream().map(Neighbour::toString).sorted().forEach(n -> sb.append("  neigh ").append(n).append('\n'));
        return sb.toString();
    }
}
