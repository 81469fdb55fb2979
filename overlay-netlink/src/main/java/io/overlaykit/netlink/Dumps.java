package io.overlaykit.netlink;

import static io.overlaykit.netlink.internal.Rtnl.*;

import io.overlaykit.core.AddressInfo;
import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.Neighbour;
import io.overlaykit.core.PolicyRule;
import io.overlaykit.core.Route;
import io.overlaykit.core.spi.NamespaceView;
import io.overlaykit.netlink.internal.LibC;
import io.overlaykit.netlink.internal.NlMessage;
import io.overlaykit.netlink.internal.RtnlMessages;
import io.overlaykit.netlink.internal.RtnlMessages.RawAddress;
import io.overlaykit.netlink.internal.RtnlMessages.RawLink;
import io.overlaykit.netlink.internal.RtnlMessages.RawNeigh;
import io.overlaykit.netlink.internal.RtnlMessages.RawNextHop;
import io.overlaykit.netlink.internal.RtnlMessages.RawRoute;
import io.overlaykit.netlink.internal.RtnlMessages.RawRule;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The read side of {@link RtnetlinkLinks}: one dump per kind (links, addresses, routes of every table,
 * policy rules, neighbours, the AF_BRIDGE FDB), decoded into OverlayKit's value types, and
 * {@link #observe()}, which makes each of those dumps exactly once and resolves every ifindex against the one
 * link dump. The per-link listings of the {@code Links} API filter the same dumps.
 */
final class Dumps {
    private static final System.Logger LOG = System.getLogger(Dumps.class.getName());

    private final RtnlChannel channel;
    /** For decoding links ({@link LinkKinds}) and resolving a named link to its ifindex. */
    private final RtnetlinkLinks links;

    Dumps(RtnlChannel channel, RtnetlinkLinks links) {
        this.channel = channel;
        this.links = links;
    }

    /**
     * Everything {@link NamespaceView} holds, by six dumps: links (bridge ports with their {@code neigh_suppress}
     * flag, from their slave data), addresses, routes, rules, neighbours (the bridges' own included), FDB.
     */
    NamespaceView observe() {
        List<RawLink> raw = rawLinks();
        Map<Integer, String> names = new HashMap<>();
        Set<Integer> vxlans = new HashSet<>();
        for (RawLink l : raw) {
            names.put(l.index(), l.name());
            if ("vxlan".equals(l.kind())) {
                vxlans.add(l.index());
            }
        }
        List<LinkInfo> infos = raw.stream().map(l -> links.toInfo(l, names)).toList();
        List<FdbEntry> fdb = new ArrayList<>();
        // the VXLAN devices' own entries (NTF_SELF: flood lists and static remotes), and the bridges' static
        // entries (no NTF_SELF, NUD_NOARP) on any port: the ones a planner programs. The bridges' learned
        // (NUD_REACHABLE, NUD_STALE) and local (NUD_PERMANENT: the ports' own MACs) entries are left out
        for (RawNeigh n : rawFdb()) {
            boolean self = (n.flags() & NTF_SELF) != 0;
            boolean keep = self ? vxlans.contains(n.index()) : isStatic(n);
            FdbEntry e = keep ? toFdb(n, names::get) : null;
            if (e != null) {
                fdb.add(e);
            }
        }
        return new NamespaceView(infos, addresses(0, names::get), routes(null, names), rules(),
                neighbours(0, names::get), fdb);
    }

    // ---- links ----

    List<RawLink> rawLinks() {
        List<RawLink> raw = new ArrayList<>();
        for (NlMessage m : channel.dump(RtnlMessages.dump(RTM_GETLINK, 0, IFINFOMSG_LEN), "list links")) {
            if (m.type() == RTM_NEWLINK) {
                raw.add(RtnlMessages.decodeLink(m));
            }
        }
        return raw;
    }

    /** Every link, decoded (one dump). */
    List<LinkInfo> links() {
        List<RawLink> raw = rawLinks();
        Map<Integer, String> names = new HashMap<>();
        raw.forEach(l -> names.put(l.index(), l.name()));
        return raw.stream().map(l -> links.toInfo(l, names)).toList();
    }

    /** The link with ifindex {@code index} (a GET), or empty. */
    Optional<RawLink> link(int index) {
        try {
            List<NlMessage> r = channel.call(RtnlMessages.getLink(index), "get link #" + index);
            return r.isEmpty() ? Optional.empty() : Optional.of(RtnlMessages.decodeLink(r.get(0)));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** Index to name of every link, for decoding references. */
    Map<Integer, String> names() {
        Map<Integer, String> names = new HashMap<>();
        rawLinks().forEach(l -> names.put(l.index(), l.name()));
        return names;
    }

    /** For the listings of one link: its index and name only, without a link dump. */
    private record Scope(int only, IntFunction<String> nameOf) {
    }

    /** One link (a GET for its index), or every link (a link dump for the names) when {@code link} is null. */
    private Scope scope(InterfaceName link) {
        if (link == null) {
            return new Scope(0, names()::get);
        }
        int index = links.indexOf(link);
        return new Scope(index, i -> i == index ? link.value() : null);
    }

    // ---- addresses ----

    /** Addresses of {@code link}, or of every link when null. */
    List<AddressInfo> addresses(InterfaceName link) {
        Scope s = scope(link);
        return addresses(s.only(), s.nameOf());
    }

    /** Addresses of the link with index {@code only} (0: every link), named by {@code nameOf}. */
    List<AddressInfo> addresses(int only, IntFunction<String> nameOf) {
        List<AddressInfo> out = new ArrayList<>();
        for (NlMessage m : channel.dump(RtnlMessages.dump(RTM_GETADDR, 0, IFADDRMSG_LEN), "list addresses")) {
            if (m.type() != RTM_NEWADDR) {
                continue;
            }
            RawAddress a = RtnlMessages.decodeAddress(m);
            if ((only != 0 && a.index() != only) || a.address() == null) {
                continue;
            }
            String name = nameOf.apply(a.index());
            out.add(new AddressInfo(a.index(), name == null ? null : InterfaceName.of(name),
                    new IpPrefix(a.address(), a.prefixLength())));
        }
        return out;
    }

    // ---- routes ----

    /**
     * Unicast routes of {@code table} (null: every table), IPv4 and IPv6, multipath ones with their nexthops;
     * the kernel's local, broadcast and multicast routes and cached clones are left out.
     */
    List<Route> routes(Integer table, Map<Integer, String> names) {
        List<Route> out = new ArrayList<>();
        for (NlMessage m : channel.dump(RtnlMessages.dump(RTM_GETROUTE, 0, RTMSG_LEN), "list routes")) {
            if (m.type() != RTM_NEWROUTE) {
                continue;
            }
            RawRoute r = RtnlMessages.decodeRoute(m);
            boolean ip = r.family() == LibC.AF_INET || r.family() == LibC.AF_INET6;
            if (!ip || (table != null && r.table() != table) || r.type() != RTN_UNICAST
                    || (r.flags() & RTM_F_CLONED) != 0 || r.table() < 1) {
                continue;
            }
            Route route = toRoute(r, names);
            if (route != null) {
                out.add(route);
            }
        }
        return out;
    }

    private Route toRoute(RawRoute r, Map<Integer, String> names) {
        IpPrefix dst = r.dst() == null ? null : new IpPrefix(r.dst(), r.dstLen());
        if (!r.nexthops().isEmpty()) {
            List<Route.NextHop> hops = new ArrayList<>();
            for (RawNextHop h : r.nexthops()) {
                String dev = names.get(h.ifindex());
                if (h.gateway() == null && dev == null) {
                    LOG.log(Level.DEBUG, "{0}: nexthop without gateway or known device in a route to {1}",
                            channel.label(), dst);
                    continue;
                }
                hops.add(new Route.NextHop(h.gateway(), dev == null ? null : InterfaceName.of(dev), h.weight(),
                        (h.flags() & RTNH_F_ONLINK) != 0));
            }
            if (!hops.isEmpty()) {
                return new Route(dst, null, null, false, r.table(), r.priority(), hops);
            }
        }
        String dev = names.get(r.oif());
        if (dst == null && r.gateway() == null && dev == null) {
            // e.g. a route through a nexthop object with the kernel's compat mode off: nothing to model
            LOG.log(Level.DEBUG, "{0}: default route without gateway or known device in table {1} left out",
                    channel.label(), r.table());
            return null;
        }
        return new Route(dst, r.gateway(), dev == null ? null : InterfaceName.of(dev),
                (r.flags() & RTNH_F_ONLINK) != 0, r.table(), r.priority());
    }

    // ---- policy rules ----

    /**
     * Rules that look up a table (IPv4 and IPv6), the kernel's defaults included; the multicast-routing
     * families' rules (RTNL_FAMILY_IPMR, IP6MR) that the same dump returns are left out.
     */
    private static final IpPrefix ANY6 = IpPrefix.parse("::/0");

    List<PolicyRule> rules() {
        List<PolicyRule> out = new ArrayList<>();
        for (NlMessage m : channel.dump(RtnlMessages.dump(RTM_GETRULE, 0, FIB_RULE_HDR_LEN), "list rules")) {
            if (m.type() != RTM_NEWRULE) {
                continue;
            }
            RawRule r = RtnlMessages.decodeRule(m);
            boolean ip = r.family() == LibC.AF_INET || r.family() == LibC.AF_INET6;
            if (!ip || r.action() != FR_ACT_TO_TBL || r.table() <= 0) {
                continue;
            }
            IpPrefix from = r.src() == null ? null : new IpPrefix(r.src(), r.srcLen());
            if (from == null && r.family() == LibC.AF_INET6) {
                from = ANY6; // "from all" of the IPv6 family: told apart from the IPv4 rule of the same shape
            }
            out.add(new PolicyRule(r.priority(), r.fwmark(), from, r.table()));
        }
        return out;
    }

    // ---- neighbours ----

    /** Neighbour entries of {@code link}, or of every link when null. */
    List<Neighbour> neighbours(InterfaceName link) {
        Scope s = scope(link);
        return neighbours(s.only(), s.nameOf());
    }

    /**
     * IPv4 and IPv6 neighbour entries with a MAC address, in whatever state (one AF_UNSPEC dump covers both
     * tables), of the link with index {@code only} (0: every link that {@code nameOf} knows).
     */
    List<Neighbour> neighbours(int only, IntFunction<String> nameOf) {
        List<Neighbour> out = new ArrayList<>();
        for (NlMessage m : channel.dump(RtnlMessages.dump(RTM_GETNEIGH, 0, NDMSG_LEN), "list neighbours")) {
            if (m.type() != RTM_NEWNEIGH) {
                continue;
            }
            RawNeigh n = RtnlMessages.decodeNeigh(m);
            boolean ip = n.family() == LibC.AF_INET || n.family() == LibC.AF_INET6;
            String name = nameOf.apply(n.index());
            if (!ip || (only != 0 && n.index() != only) || n.dst() == null || n.lladdr() == null
                    || n.lladdr().length != 6 || name == null) {
                continue;
            }
            out.add(new Neighbour(InterfaceName.of(name), n.dst(), MacAddress.ofBytes(n.lladdr()), state(n.state())));
        }
        return out;
    }

    static Neighbour.State state(int nud) {
        if ((nud & NUD_PERMANENT) != 0) {
            return Neighbour.State.PERMANENT;
        }
        if ((nud & NUD_NOARP) != 0) {
            return Neighbour.State.NOARP;
        }
        if ((nud & NUD_REACHABLE) != 0) {
            return Neighbour.State.REACHABLE;
        }
        if ((nud & NUD_STALE) != 0) {
            return Neighbour.State.STALE;
        }
        if ((nud & NUD_DELAY) != 0) {
            return Neighbour.State.DELAY;
        }
        if ((nud & NUD_PROBE) != 0) {
            return Neighbour.State.PROBE;
        }
        if ((nud & NUD_FAILED) != 0) {
            return Neighbour.State.FAILED;
        }
        return (nud & NUD_INCOMPLETE) != 0 ? Neighbour.State.INCOMPLETE : Neighbour.State.NONE;
    }

    // ---- FDB ----

    /** Every AF_BRIDGE entry of the namespace (the devices' own and the bridges'), one dump. */
    List<RawNeigh> rawFdb() {
        List<RawNeigh> out = new ArrayList<>();
        for (NlMessage m : channel.dump(RtnlMessages.dump(RTM_GETNEIGH, LibC.AF_BRIDGE, NDMSG_LEN), "list fdb")) {
            if (m.type() == RTM_NEWNEIGH) {
                RawNeigh n = RtnlMessages.decodeNeigh(m);
                if (n.family() == LibC.AF_BRIDGE) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    /** FDB entries (the device's own and the bridge's) of {@code link}, or of every link when null. */
    List<FdbEntry> fdb(InterfaceName link) {
        Scope s = scope(link);
        return fdb(s.only(), s.nameOf());
    }

    /** FDB entries (any kind) of the link with index {@code only} (0: every link {@code nameOf} knows). */
    List<FdbEntry> fdb(int only, IntFunction<String> nameOf) {
        List<FdbEntry> out = new ArrayList<>();
        for (RawNeigh n : rawFdb()) {
            FdbEntry e = only == 0 || n.index() == only ? toFdb(n, nameOf) : null;
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    /** A bridge's static entry ({@code bridge fdb add ... master static}): NUD_NOARP, not local (NUD_PERMANENT). */
    private static boolean isStatic(RawNeigh n) {
        return (n.state() & NUD_NOARP) != 0 && (n.state() & NUD_PERMANENT) == 0;
    }

    /**
     * The entry, or null when it has no MAC or names an unknown link; an entry without NTF_SELF is the bridge's
     * ({@link FdbEntry#master()}).
     */
    private static FdbEntry toFdb(RawNeigh n, IntFunction<String> nameOf) {
        String name = nameOf.apply(n.index());
        if (n.lladdr() == null || n.lladdr().length != 6 || name == null) {
            return null;
        }
        MacAddress mac = MacAddress.ofBytes(n.lladdr());
        boolean master = (n.flags() & NTF_SELF) == 0 && n.dst() == null && n.vni() == null && !mac.equals(MacAddress.ZERO);
        return new FdbEntry(InterfaceName.of(name), mac, n.dst(), n.vni(), master);
    }
}
