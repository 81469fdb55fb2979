package io.overlaykit.core.plan;

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
import io.overlaykit.core.spi.Firewall;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.core.spi.Links;
import io.overlaykit.core.spi.Namespaces;
import io.overlaykit.core.spi.NetworkStack;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** An in-memory kernel: namespaces with links, addresses, routes, rules, sysctls and nft tables. */
final class FakeStack implements NetworkStack {
    final Map<NetNamespace, Ns> namespaces = new LinkedHashMap<>();
    private int nextIndex = 2;
    private long nextMac = 0x02_00_00_00_00_10L;

    /** One namespace's state. */
    final class Ns implements Links, Firewall {
        final NetNamespace ns;
        final Map<InterfaceName, Link> links = new TreeMap<>();
        final Map<String, String> sysctls = new TreeMap<>(Map.of("net.ipv4.ip_forward", "0",
                "net.ipv6.conf.eth0.autoconf", "1", "net.ipv4.conf.eth0.arp_notify", "0"));
        final List<Route> routes = new ArrayList<>();
        final List<PolicyRule> rules = new ArrayList<>();
        final Map<String, FirewallTable> tables = new TreeMap<>();

        Ns(NetNamespace ns) {
            this.ns = ns;
            Link lo = new Link(InterfaceName.of("lo"), 1, null, 65536, MacAddress.ZERO);
            links.put(lo.name, lo);
        }

        @Override
        public NetNamespace namespace() {
            return ns;
        }

        Link need(InterfaceName name) {
            Link l = links.get(name);
            if (l == null) {
                throw new NotFoundException("no link " + name + " in " + ns.displayName());
            }
            return l;
        }

        @Override
        public LinkInfo create(VethPair veth) {
            Ns peerNs = veth.peerNamespace() == null ? this : existing(veth.peerNamespace());
            if (links.containsKey(veth.name()) || peerNs.links.containsKey(veth.peerName())) {
                throw new ConflictException("link exists: " + veth.name() + " or " + veth.peerName());
            }
            int mtu = veth.mtu() == null ? 1500 : veth.mtu();
            Link a = new Link(veth.name(), nextIndex++, "veth", mtu, new MacAddress(nextMac++));
            Link b = new Link(veth.peerName(), nextIndex++, "veth", mtu,
                    veth.peerMac() != null ? veth.peerMac() : new MacAddress(nextMac++));
            a.alias = veth.alias();
            a.peer = b;
            a.peerNs = peerNs;
            b.peer = a;
            b.peerNs = this;
            links.put(a.name, a);
            peerNs.links.put(b.name, b);
            return a.info();
        }

        @Override
        public LinkInfo create(Bridge bridge) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LinkInfo create(VxlanTunnel vxlan) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LinkInfo ensure(VethPair veth) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LinkInfo ensure(Bridge bridge) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LinkInfo ensure(VxlanTunnel vxlan) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<LinkInfo> find(InterfaceName name) {
            return Optional.ofNullable(links.get(name)).map(Link::info);
        }

        @Override
        public LinkInfo get(InterfaceName name) {
            return need(name).info();
        }

        @Override
        public List<LinkInfo> list() {
            return links.values().stream().map(Link::info).toList();
        }

        @Override
        public boolean delete(InterfaceName name) {
            Link l = links.remove(name);
            if (l == null) {
                return false;
            }
            addresses.removeIf(a -> a.link().equals(name));
            routes.removeIf(r -> name.equals(r.device()));
            if (l.peer != null) {
                l.peerNs.links.remove(l.peer.name);
                l.peerNs.addresses.removeIf(a -> a.link().equals(l.peer.name));
                l.peerNs.routes.removeIf(r -> l.peer.name.equals(r.device()));
            }
            return true;
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
            throw new UnsupportedOperationException();
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

        final List<AddressInfo> addresses = new ArrayList<>();

        @Override
        public void addAddress(InterfaceName link, IpPrefix address) {
            Link l = need(link);
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
            // routes through a deleted device go with it, as in the kernel
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
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean deleteNeighbour(Neighbour neighbour) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Neighbour> neighbours(InterfaceName link) {
            return List.of();
        }

        @Override
        public void addFdb(FdbEntry entry) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean deleteFdb(FdbEntry entry) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<FdbEntry> fdb(InterfaceName link) {
            return List.of();
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
        public AutoCloseable subscribe(Consumer<LinkEvent> listener) {
            return () -> { };
        }

        @Override
        public void replaceTable(FirewallTable table) {
            tables.put(table.name(), table);
        }

        @Override
        public boolean deleteTable(String name) {
            return tables.remove(name) != null;
        }

        @Override
        public List<String> tables() {
            return List.copyOf(tables.keySet());
        }

        @Override
        public List<String> describe(String name) {
            return tables.get(name).rules().stream().map(Object::toString).toList();
        }

        String snapshot() {
            StringBuilder sb = new StringBuilder("ns " + ns.displayName() + "\n");
            links.values().forEach(l -> sb.append("  link ").append(l).append('\n'));
            addresses.stream().map(a -> a.link() + " " + a.prefix()).sorted()
                    .forEach(a -> sb.append("  addr ").append(a).append('\n'));
            routes.stream().map(Route::toString).sorted().forEach(r -> sb.append("  route ").append(r).append('\n'));
            rules.stream().map(Object::toString).sorted().forEach(r -> sb.append("  rule ").append(r).append('\n'));
            sb.append("  sysctl ").append(sysctls).append('\n');
            tables.values().forEach(t -> sb.append("  table ").append(t).append('\n'));
            return sb.toString();
        }
    }

    /** A link's mutable state. */
    static final class Link {
        final InterfaceName name;
        final int index;
        final String kind;
        int mtu;
        MacAddress mac;
        boolean up;
        boolean tx = true;
        String alias;
        Link peer;
        Ns peerNs;

        Link(InterfaceName name, int index, String kind, int mtu, MacAddress mac) {
            this.name = name;
            this.index = index;
            this.kind = kind;
            this.mtu = mtu;
            this.mac = mac;
        }

        LinkInfo info() {
            return new LinkInfo(index, name, kind, mtu, mac, up, 0, peer == null ? 0 : peer.index, alias, null);
        }

        @Override
        public String toString() {
            return name + " " + kind + " mtu " + mtu + " " + mac + (up ? " up" : " down") + (tx ? "" : " txoff")
                    + (alias == null ? "" : " alias " + alias) + (peer == null ? "" : " peer " + peer.name);
        }
    }

    Ns add(NetNamespace ns) {
        return namespaces.computeIfAbsent(ns, Ns::new);
    }

    Ns existing(NetNamespace ns) {
        Ns n = namespaces.get(ns);
        if (n == null) {
            throw new NotFoundException("namespace " + ns.displayName() + " does not exist");
        }
        return n;
    }

    /** The namespace dies: its links go, and veth peers elsewhere with them. */
    void destroy(NetNamespace ns) {
        Ns n = namespaces.remove(ns);
        if (n != null) {
            for (Link l : List.copyOf(n.links.values())) {
                n.delete(l.name);
            }
        }
    }

    final Namespaces nsApi = new Namespaces() {
        @Override
        public NetNamespace create(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public NetNamespace ensure(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean delete(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean exists(NetNamespace ns) {
            return namespaces.containsKey(ns);
        }

        @Override
        public List<String> listNamed() {
            return List.of();
        }

        @Override
        public <T> T callIn(NetNamespace ns, Callable<T> work) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String readSysctl(NetNamespace ns, String key) {
            String v = existing(ns).sysctls.get(key);
            if (v == null) {
                throw new NotFoundException("no sysctl " + key);
            }
            return v + "\n";
        }

        @Override
        public String writeSysctl(NetNamespace ns, String key, String value) {
            String old = readSysctl(ns, key);
            existing(ns).sysctls.put(key, value);
            return old;
        }
    };

    @Override
    public Namespaces namespaces() {
        return nsApi;
    }

    @Override
    public Links links(NetNamespace ns) {
        return existing(ns);
    }

    @Override
    public Firewall firewall(NetNamespace ns) {
        return existing(ns);
    }

    @Override
    public void close() {
    }

    String snapshot() {
        StringBuilder sb = new StringBuilder();
        namespaces.values().forEach(n -> sb.append(n.snapshot()));
        return sb.toString();
    }
}
