package io.overlaykit.core;

import io.overlaykit.core.spi.Links;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * An in-memory {@link Links} with the kernel's rules that matter to a switch: names are unique,
 * deleting a bridge releases its ports, deleting a link drops its FDB, appending an identical FDB entry
 * fails (EEXIST). Counts creates per name so tests can assert "created once".
 */
final class InMemoryLinks implements Links {
    private final NetNamespace ns = NetNamespace.named("oklsw-fake");
    private final Map<InterfaceName, LinkInfo> links = new LinkedHashMap<>();
    private final Map<InterfaceName, List<FdbEntry>> fdb = new LinkedHashMap<>();
    private final Map<InterfaceName, Integer> creates = new LinkedHashMap<>();
    private int nextIndex = 2;
    int fdbAppends;

    /** Adds a link of another kind (a veth host end, a NIC), down and without a master. */
    LinkInfo addLink(String name, String kind) {
        return put(new LinkInfo(nextIndex++, InterfaceName.of(name), kind, 1500, null, false, 0, 0, null, null));
    }

    int createCount(String name) {
        return creates.getOrDefault(InterfaceName.of(name), 0);
    }

    private LinkInfo put(LinkInfo info) {
        if (links.containsKey(info.name())) {
            throw new ConflictException("link " + info.name() + " exists (EEXIST)");
        }
        links.put(info.name(), info);
        creates.merge(info.name(), 1, Integer::sum);
        return info;
    }

    private LinkInfo update(InterfaceName name, UnaryOperator<LinkInfo> change) {
        LinkInfo next = change.apply(get(name));
        links.put(name, next);
        return next;
    }

    @Override
    public NetNamespace namespace() {
        return ns;
    }

    @Override
    public LinkInfo create(VethPair veth) {
        throw new UnsupportedOperationException();
    }

    @Override
    public LinkInfo create(Bridge bridge) {
        return put(new LinkInfo(nextIndex++, bridge.name(), "bridge", bridge.mtu() == null ? 1500 : bridge.mtu(),
                null, false, 0, 0, bridge.alias(), null));
    }

    @Override
    public LinkInfo create(VxlanTunnel vxlan) {
        return put(new LinkInfo(nextIndex++, vxlan.name(), "vxlan", vxlan.mtu() == null ? 1500 : vxlan.mtu(),
                null, false, 0, 0, vxlan.alias(), vxlan));
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
        return Optional.ofNullable(links.get(name));
    }

    @Override
    public LinkInfo get(InterfaceName name) {
        return find(name).orElseThrow(() -> new NotFoundException("no link " + name));
    }

    @Override
    public List<LinkInfo> list() {
        return List.copyOf(links.values());
    }

    @Override
    public boolean delete(InterfaceName name) {
        LinkInfo gone = links.remove(name);
        if (gone == null) {
            return false;
        }
        fdb.remove(name);
        for (LinkInfo l : List.copyOf(links.values())) {
            if (l.masterIndex() == gone.index()) {
                update(l.name(), i -> with(i, i.up(), 0, i.mtu(), i.alias()));
            }
        }
        return true;
    }

    private static LinkInfo with(LinkInfo i, boolean up, int master, int mtu, String alias) {
        return new LinkInfo(i.index(), i.name(), i.kind(), mtu, i.mac(), up, master, i.peerIndex(), alias, i.vxlan());
    }

    @Override
    public void setUp(InterfaceName name) {
        update(name, i -> with(i, true, i.masterIndex(), i.mtu(), i.alias()));
    }

    @Override
    public void setDown(InterfaceName name) {
        update(name, i -> with(i, false, i.masterIndex(), i.mtu(), i.alias()));
    }

    @Override
    public void setMtu(InterfaceName name, int mtu) {
        update(name, i -> with(i, i.up(), i.masterIndex(), mtu, i.alias()));
    }

    @Override
    public void setMac(InterfaceName name, MacAddress mac) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setMaster(InterfaceName name, InterfaceName master) {
        int index = master == null ? 0 : get(master).index();
        update(name, i -> with(i, i.up(), index, i.mtu(), i.alias()));
    }

    @Override
    public void setAlias(InterfaceName name, String alias) {
        update(name, i -> with(i, i.up(), i.masterIndex(), i.mtu(), alias));
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
        throw new UnsupportedOperationException();
    }

    @Override
    public void replaceAddress(InterfaceName link, IpPrefix address) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean deleteAddress(InterfaceName link, IpPrefix address) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<AddressInfo> addresses(InterfaceName link) {
        return List.of();
    }

    @Override
    public void addRoute(Route route) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void replaceRoute(Route route) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean deleteRoute(Route route) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Route> routes(int table) {
        return List.of();
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
        get(entry.device());
        List<FdbEntry> entries = fdb.computeIfAbsent(entry.device(), k -> new ArrayList<>());
        if (entries.contains(entry)) {
            throw new ConflictException("fdb " + entry + " exists (EEXIST)");
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
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean txChecksum(InterfaceName link) {
        return true;
    }

    @Override
    public AutoCloseable subscribe(Consumer<LinkEvent> listener) {
        throw new UnsupportedOperationException();
    }
}
