package io.overlaykit.core.spi;

import io.overlaykit.core.AddressInfo;
import io.overlaykit.core.Bridge;
import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.Neighbour;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.PolicyRule;
import io.overlaykit.core.Route;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.BatchException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Links, addresses, routes, neighbours and FDB entries of one namespace. Create methods fail with
 * {@link io.overlaykit.core.ConflictException} when the name is taken; {@code ensure} methods compare an
 * existing link with the request and either leave it, or fail naming what differs. Delete methods
 * return false when the object was already gone.
 */
public interface Links {

    /** The namespace these links live in. */
    NetNamespace namespace();

    /** Creates the pair (the peer directly in its namespace, when one is given) and returns this end as read back. */
    LinkInfo create(VethPair veth);

    /** Creates a Linux bridge and returns it as read back. */
    LinkInfo create(Bridge bridge);

    /** Creates a kernel VXLAN device and returns it as read back. */
    LinkInfo create(VxlanTunnel vxlan);

    /**
     * Creates a kernel WireGuard link ({@link NetOp.CreateWireGuard}): no keys, no peers, down.
     *
     * @param name the link's name
     * @param mtu its MTU (null: the kernel's default)
     * @param alias the tag that marks it as ours (null: none)
     * @return the link as created
     */
    LinkInfo createWireGuard(InterfaceName name, Integer mtu, String alias);

    /** Creates the pair, or returns the existing one when it matches; otherwise fails naming what differs. */
    LinkInfo ensure(VethPair veth);

    /** Creates the bridge, or returns the existing one when it matches; otherwise fails naming what differs. */
    LinkInfo ensure(Bridge bridge);

    /**
     * Creates the VXLAN device, or returns the existing one when it matches; otherwise fails naming what differs.
     */
    LinkInfo ensure(VxlanTunnel vxlan);

    /** The link named {@code name}, or empty. */
    Optional<LinkInfo> find(InterfaceName name);

    /** @throws io.overlaykit.core.NotFoundException when there is no such link */
    LinkInfo get(InterfaceName name);

    /** Every link of the namespace, including kinds OverlayKit does not model. */
    List<LinkInfo> list();

    /** Deletes the link (a veth takes its peer with it); false when it was already gone. */
    boolean delete(InterfaceName name);

    /** Sets the link administratively up. */
    void setUp(InterfaceName name);

    /** Sets the link administratively down. */
    void setDown(InterfaceName name);

    /** Sets the link's MTU in bytes. */
    void setMtu(InterfaceName name, int mtu);

    /** Sets the link's Ethernet address. */
    void setMac(InterfaceName name, MacAddress mac);

    /** Enslaves {@code name} to {@code master}; null releases it. */
    void setMaster(InterfaceName name, InterfaceName master);

    /** Sets the link alias, the tag that marks a link as ours for teardown and crash sweeps. */
    void setAlias(InterfaceName name, String alias);

    /** Renames the link to {@code newName}. */
    void rename(InterfaceName name, InterfaceName newName);

    /** Moves a link to another namespace (keeping its name). */
    void moveTo(InterfaceName name, NetNamespace target);

    /** Adds an address; fails with a conflict when it is there already. */
    void addAddress(InterfaceName link, IpPrefix address);

    /** Adds the address, or updates it when it is there already. */
    void replaceAddress(InterfaceName link, IpPrefix address);

    /** Deletes an address; false when it was already gone. */
    boolean deleteAddress(InterfaceName link, IpPrefix address);

    /** Addresses of {@code link}, or of every link when null. */
    List<AddressInfo> addresses(InterfaceName link);

    /** Adds a route; fails with a conflict when one for the same destination exists in its table. */
    void addRoute(Route route);

    /** Adds the route, or replaces the one for the same destination in its table. */
    void replaceRoute(Route route);

    /** Deletes a route; false when it was already gone. */
    boolean deleteRoute(Route route);

    /** Routes of one table (IPv4 and IPv6). */
    List<Route> routes(int table);

    /** Adds a permanent ARP/NDP entry. */
    void addNeighbour(Neighbour neighbour);

    /** Deletes an ARP/NDP entry; false when it was already gone. */
    boolean deleteNeighbour(Neighbour neighbour);

    /** The ARP/NDP entries of {@code link}, in whatever state the kernel keeps them. */
    List<Neighbour> neighbours(InterfaceName link);

    /** Appends an FDB entry (NTF_SELF, permanent); several entries for one MAC make a flood list. */
    void addFdb(FdbEntry entry);

    /** Deletes one FDB entry; false when it was already gone. */
    boolean deleteFdb(FdbEntry entry);

    /** The FDB entries of VXLAN device {@code link}. */
    List<FdbEntry> fdb(InterfaceName link);

    /**
     * Sets the {@code neigh_suppress} flag of a bridge port ({@link NetOp.SetNeighSuppress}). The default
     * refuses: a backend without bridge ports has nothing to set.
     */
    default void setNeighSuppress(InterfaceName port, boolean on) {
        throw new UnsupportedOperationException("neigh_suppress is not supported by " + getClass().getName());
    }

    /** Turns TX checksum offload off (needed on veths whose peer is a userspace-datapath port). */
    void disableTxChecksum(InterfaceName link);

    /** Whether TX checksum offload is on. */
    boolean txChecksum(InterfaceName link);

    /**
     * Turns TX checksum offload on or off. The default can only turn it off; backends that can turn it back
     * on (to undo) override it.
     */
    default void setTxChecksum(InterfaceName link, boolean on) {
        if (on) {
            throw new UnsupportedOperationException("turning tx checksum offload on is not supported by "
                    + getClass().getName());
        }
        disableTxChecksum(link);
    }

    /** TX checksum offload of several links at once ({@code true}: on); links that do not exist are left out. */
    default Map<InterfaceName, Boolean> txChecksums(Collection<InterfaceName> links) {
        Map<InterfaceName, Boolean> out = new LinkedHashMap<>();
        Set<InterfaceName> present = new HashSet<>();
        list().forEach(l -> present.add(l.name()));
        for (InterfaceName n : links) {
            if (present.contains(n)) {
                out.put(n, txChecksum(n));
            }
        }
        return out;
    }

    /**
     * Everything of this namespace the planner looks at, read once. The default makes one read per kind
     * with the methods above (neighbours and FDB per link); backends override it with one dump per kind.
     */
    default NamespaceView observe() {
        List<LinkInfo> links = list();
        Map<Integer, InterfaceName> byIndex = new HashMap<>();
        links.forEach(l -> byIndex.put(l.index(), l.name()));
        List<AddressInfo> addresses = new ArrayList<>();
        for (AddressInfo a : addresses(null)) {
            addresses.add(a.link() != null ? a : new AddressInfo(a.linkIndex(), byIndex.get(a.linkIndex()), a.prefix()));
        }
        List<PolicyRule> rules;
        try {
            rules = rules();
        } catch (UnsupportedOperationException e) {
            rules = List.of();
        }
        Set<Integer> tables = new TreeSet<>();
        tables.add(Route.MAIN_TABLE);
        rules.forEach(r -> tables.add(r.table()));
        List<Route> routes = new ArrayList<>();
        for (int t : tables) {
            routes.addAll(routes(t));
        }
        List<Neighbour> neighbours = new ArrayList<>();
        List<FdbEntry> fdb = new ArrayList<>();
        for (LinkInfo l : links) {
            neighbours.addAll(neighbours(l.name()));
            if (l.isKind("vxlan")) {
                fdb.addAll(fdb(l.name()));
            } else {
                fdb(l.name()).stream().filter(FdbEntry::master).forEach(fdb::add); // a bridge's static entries
            }
        }
        return new NamespaceView(links, addresses, routes, rules, neighbours, fdb);
    }

    /**
     * Runs {@code ops} in order, one request each, without reading in between. When one fails, the
     * {@link BatchException} says which ops took effect (a backend that pipelines may have applied some
     * after the failing one) so the caller can undo exactly those. The default runs them one by one with
     * the methods above and stops at the first failure.
     */
    default void execute(List<NetOp> ops) {
        for (int i = 0; i < ops.size(); i++) {
            try {
                NetOps.run(this, ops.get(i));
            } catch (RuntimeException e) {
                Set<Integer> applied = new TreeSet<>();
                for (int j = 0; j < i; j++) {
                    applied.add(j);
                }
                throw new BatchException(ops.get(i) + " in " + namespace().displayName() + " failed: "
                        + e.getMessage(), e, applied, i);
            }
        }
    }

    /**
     * Adds a policy-routing rule (FIB rule).
     *
     * @throws io.overlaykit.core.ConflictException when the same rule exists
     */
    default void addRule(PolicyRule rule) {
        throw new UnsupportedOperationException("policy rules are not supported by " + getClass().getName());
    }

    /** Deletes a policy-routing rule; returns false when there was no such rule. */
    default boolean deleteRule(PolicyRule rule) {
        throw new UnsupportedOperationException("policy rules are not supported by " + getClass().getName());
    }

    /** Policy-routing rules (IPv4 and IPv6) that look up a table, including the kernel's defaults. */
    default List<PolicyRule> rules() {
        throw new UnsupportedOperationException("policy rules are not supported by " + getClass().getName());
    }

    /** Delivers link and address changes to {@code listener} until the returned handle is closed. */
    AutoCloseable subscribe(Consumer<LinkEvent> listener);

    /** A change seen on a subscription; an {@link Type#OVERFLOW} event carries neither link nor address. */
    record LinkEvent(Type type, LinkInfo link, AddressInfo address) {
        /** What changed. */
        public enum Type {
            /** A link appeared. */
            LINK_ADDED,
            /** A link's settings or state changed. */
            LINK_CHANGED,
            /** A link went away. */
            LINK_REMOVED,
            /** An address was added. */
            ADDRESS_ADDED,
            /** An address was removed. */
            ADDRESS_REMOVED,
            /** Events were lost (the subscription fell behind the kernel): re-read the state you track. */
            OVERFLOW
        }

        /** The signal that events were lost and the listener should resynchronise. */
        public static LinkEvent overflow() {
            return new LinkEvent(Type.OVERFLOW, null, null);
        }
    }
}
