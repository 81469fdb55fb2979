package io.overlaykit.core.spi;

import io.overlaykit.core.AddressInfo;
import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.Neighbour;
import io.overlaykit.core.PolicyRule;
import io.overlaykit.core.Route;
import java.util.List;
import java.util.Optional;

/**
 * What one namespace holds, read once: links, addresses, routes of every table, policy rules, neighbour
 * entries (with their state: {@link Neighbour#isPermanent()} tells the static ones) and FDB entries of its
 * VXLAN devices. Immutable; the planner reads nothing else of the
 * namespace. {@link Links#observe} fills it with one dump per kind.
 */
public record NamespaceView(List<LinkInfo> links, List<AddressInfo> addresses, List<Route> routes,
                            List<PolicyRule> rules, List<Neighbour> neighbours, List<FdbEntry> fdb) {

    /** A namespace with nothing in it (a container not started yet: its namespace will be new). */
    public static final NamespaceView EMPTY = new NamespaceView(List.of(), List.of(), List.of(), List.of(),
            List.of(), List.of());

    /** Copies every list, none of which may be null. */
    public NamespaceView {
        links = List.copyOf(links);
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
        rules = List.copyOf(rules);
        neighbours = List.copyOf(neighbours);
        fdb = List.copyOf(fdb);
    }

    /** The link called {@code name}. */
    public Optional<LinkInfo> link(InterfaceName name) {
        return links.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /** The link with ifindex {@code index}. */
    public Optional<LinkInfo> link(int index) {
        return links.stream().filter(l -> l.index() == index).findFirst();
    }

    /** Addresses on the link called {@code name}. */
    public List<AddressInfo> addresses(InterfaceName name) {
        return addresses.stream().filter(a -> name.equals(a.link())).toList();
    }

    /** Links enslaved to the link with ifindex {@code masterIndex}. */
    public List<LinkInfo> portsOf(int masterIndex) {
        return links.stream().filter(l -> l.masterIndex() == masterIndex).toList();
    }

    /** FDB entries of the link called {@code device}. */
    public List<FdbEntry> fdb(InterfaceName device) {
        return fdb.stream().filter(e -> e.device().equals(device)).toList();
    }

    /** Neighbour entries on the link called {@code device}. */
    public List<Neighbour> neighbours(InterfaceName device) {
        return neighbours.stream().filter(n -> n.device().equals(device)).toList();
    }

    /** Routes of one table. */
    public List<Route> routes(int table) {
        return routes.stream().filter(r -> r.table() == table).toList();
    }
}
