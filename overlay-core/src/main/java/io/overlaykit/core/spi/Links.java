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
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Links, addresses, routes, neighbours and FDB entries of one namespace. Create methods fail with
 * {@link io.overlaykit.core.ConflictException} when the name is taken; {@code ensure} methods compare an
 * existing link with the request and either leave it, or fail naming what differs. Delete methods
 * return false when the object was already gone.
 */
public interface Links {

    NetNamespace namespace();

    LinkInfo create(VethPair veth);

    LinkInfo create(Bridge bridge);

    LinkInfo create(VxlanTunnel vxlan);

    LinkInfo ensure(VethPair veth);

    LinkInfo ensure(Bridge bridge);

    LinkInfo ensure(VxlanTunnel vxlan);

    Optional<LinkInfo> find(InterfaceName name);

    /** @throws io.overlaykit.core.NotFoundException when there is no such link */
    LinkInfo get(InterfaceName name);

    List<LinkInfo> list();

    boolean delete(InterfaceName name);

    void setUp(InterfaceName name);

    void setDown(InterfaceName name);

    void setMtu(InterfaceName name, int mtu);

    void setMac(InterfaceName name, MacAddress mac);

    /** Enslaves {@code name} to {@code master}; null releases it. */
    void setMaster(InterfaceName name, InterfaceName master);

    void setAlias(InterfaceName name, String alias);

    void rename(InterfaceName name, InterfaceName newName);

    /** Moves a link to another namespace (keeping its name). */
    void moveTo(InterfaceName name, NetNamespace target);

    void addAddress(InterfaceName link, IpPrefix address);

    void replaceAddress(InterfaceName link, IpPrefix address);

    boolean deleteAddress(InterfaceName link, IpPrefix address);

    /** Addresses of {@code link}, or of every link when null. */
    List<AddressInfo> addresses(InterfaceName link);

    void addRoute(Route route);

    void replaceRoute(Route route);

    boolean deleteRoute(Route route);

    /** Routes of one table (IPv4 and IPv6). */
    List<Route> routes(int table);

    void addNeighbour(Neighbour neighbour);

    boolean deleteNeighbour(Neighbour neighbour);

    List<Neighbour> neighbours(InterfaceName link);

    /** Appends an FDB entry (NTF_SELF, permanent); several entries for one MAC make a flood list. */
    void addFdb(FdbEntry entry);

    boolean deleteFdb(FdbEntry entry);

    List<FdbEntry> fdb(InterfaceName link);

    /** Turns TX checksum offload off (needed on veths whose peer is a userspace-datapath port). */
    void disableTxChecksum(InterfaceName link);

    /** Whether TX checksum offload is on. */
    boolean txChecksum(InterfaceName link);

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
        public enum Type {
            LINK_ADDED, LINK_CHANGED, LINK_REMOVED, ADDRESS_ADDED, ADDRESS_REMOVED,
            /** Events were lost (the subscription fell behind the kernel): re-read the state you track. */
            OVERFLOW
        }

        /** The signal that events were lost and the listener should resynchronise. */
        public static LinkEvent overflow() {
            return new LinkEvent(Type.OVERFLOW, null, null);
        }
    }
}
