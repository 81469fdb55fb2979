package io.overlaykit.netlink;

import static io.overlaykit.netlink.internal.Rtnl.*;

import io.overlaykit.core.AddressInfo;
import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.Neighbour;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.PolicyRule;
import io.overlaykit.core.Route;
import io.overlaykit.netlink.internal.Errno;
import io.overlaykit.netlink.internal.LibC;
import io.overlaykit.netlink.internal.NlMessage;
import io.overlaykit.netlink.internal.NlWriter;
import io.overlaykit.netlink.internal.RtnlMessages;
import io.overlaykit.netlink.internal.RtnlMessages.RawAddress;
import io.overlaykit.netlink.internal.RtnlMessages.RawNeigh;
import io.overlaykit.netlink.internal.RtnlMessages.RawRoute;
import io.overlaykit.netlink.internal.RtnlMessages.RawRule;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;

/** Addresses, routes, neighbours, FDB entries and policy rules for {@link RtnetlinkLinks}. */
final class Routing {
    private final RtnetlinkLinks links;

    Routing(RtnetlinkLinks links) {
        this.links = links;
    }

    private static int family(InetAddress a) {
        return a instanceof Inet4Address ? LibC.AF_INET : LibC.AF_INET6;
    }

    /** True when {@code e} says the object was already absent. */
    private static boolean gone(RuntimeException e, int... alsoGone) {
        int errno = NetlinkException.errnoOf(e);
        if (errno == Errno.ENOENT || errno == Errno.ENODEV || errno == Errno.ESRCH || errno == Errno.EADDRNOTAVAIL) {
            return true;
        }
        for (int x : alsoGone) {
            if (errno == x) {
                return true;
            }
        }
        return false;
    }

    /**
     * Index to name for a listing: for one link its own index and name (one GET), for all links one
     * link dump; the caller's filter is the returned index, 0 for all.
     */
    private record Scope(int only, IntFunction<String> nameOf) {
    }

    private Scope scope(InterfaceName link) {
        if (link == null) {
            Map<Integer, String> names = links.names();
            return new Scope(0, names::get);
        }
        int index = links.indexOf(link);
        return scope(index, link);
    }

    private static Scope scope(int index, InterfaceName link) {
        String name = link.value();
        return new Scope(index, i -> i == index ? name : null);
    }

    // ---- addresses ----

    void address(int type, int flags, InterfaceName link, IpPrefix p) {
        String op = (flags == RtnlMessages.CREATE_EXCL ? "add" : "replace") + " address " + p + " on '" + link + "'";
        links.call(RtnlMessages.addr(type, flags, p.address(), p.length(), links.indexOf(link)), op);
    }

    boolean deleteAddress(InterfaceName link, IpPrefix p) {
        var l = links.find(link);
        if (l.isEmpty()) {
            return false;
        }
        try {
            links.call(RtnlMessages.addr(RTM_DELADDR, RtnlMessages.PLAIN, p.address(), p.length(), l.get().index()),
                    "delete address " + p + " from '" + link + "'");
            return true;
        } catch (RuntimeException e) {
            if (gone(e)) {
                return false;
            }
            throw e;
        }
    }

    List<AddressInfo> addresses(InterfaceName link) {
        Scope scope = scope(link);
        int only = scope.only();
        List<AddressInfo> out = new ArrayList<>();
        for (NlMessage m : links.dump(RtnlMessages.dump(RTM_GETADDR, 0, IFADDRMSG_LEN), "list addresses")) {
            if (m.type() != RTM_NEWADDR) {
                continue;
            }
            RawAddress a = RtnlMessages.decodeAddress(m);
            if ((only != 0 && a.index() != only) || a.address() == null) {
                continue;
            }
            String name = scope.nameOf().apply(a.index());
            out.add(new AddressInfo(a.index(), name == null ? null : InterfaceName.of(name),
                    new IpPrefix(a.address(), a.prefixLength())));
        }
        return out;
    }

    // ---- routes ----

    void route(int type, int flags, Route r, String verb) {
        links.call(routeMessage(type, flags, r), verb + " route " + r);
    }

    private NlWriter routeMessage(int type, int flags, Route r) {
        int family = r.destination() != null ? (r.destination().isIpv4() ? LibC.AF_INET : LibC.AF_INET6)
                : r.gateway() != null ? family(r.gateway()) : LibC.AF_INET;
        int oif = r.device() == null ? 0 : links.indexOf(r.device());
        IpPrefix dst = r.destination() == null ? null : r.destination().network();
        return RtnlMessages.route(type, flags, family, dst == null ? null : dst.address(),
                dst == null ? 0 : dst.length(), r.gateway(), oif, r.onLink(), r.table(), r.metric());
    }

    boolean deleteRoute(Route r) {
        try {
            links.call(routeMessage(RTM_DELROUTE, RtnlMessages.PLAIN, r), "delete route " + r);
            return true;
        } catch (NotFoundException e) {
            if (r.device() != null && links.find(r.device()).isEmpty()) {
                return false; // the device is gone, and its routes with it
            }
            if (gone(e)) {
                return false;
            }
            throw e;
        } catch (RuntimeException e) {
            if (gone(e)) {
                return false;
            }
            throw e;
        }
    }

    List<Route> routes(int table) {
        Map<Integer, String> names = links.names();
        List<Route> out = new ArrayList<>();
        for (NlMessage m : links.dump(RtnlMessages.dump(RTM_GETROUTE, 0, RTMSG_LEN), "list routes")) {
            if (m.type() != RTM_NEWROUTE) {
                continue;
            }
            RawRoute r = RtnlMessages.decodeRoute(m);
            if (r.table() != table || r.type() != RTN_UNICAST || (r.flags() & RTM_F_CLONED) != 0) {
                continue;
            }
            String dev = names.get(r.oif());
            IpPrefix dst = r.dst() == null ? null : new IpPrefix(r.dst(), r.dstLen());
            if (dst == null && r.gateway() == null && dev == null) {
                continue; // multipath routes are not modelled
            }
            out.add(new Route(dst, r.gateway(), dev == null ? null : InterfaceName.of(dev),
                    (r.flags() & RTNH_F_ONLINK) != 0, r.table(), r.priority()));
        }
        return out;
    }

    // ---- neighbours ----

    void addNeighbour(Neighbour n) {
        links.call(RtnlMessages.neigh(RTM_NEWNEIGH, RtnlMessages.CREATE_REPLACE, family(n.address()),
                links.indexOf(n.device()), NUD_PERMANENT, 0, n.address(), n.mac().toBytes(), null),
                "add neighbour " + n);
    }

    boolean deleteNeighbour(Neighbour n) {
        var l = links.find(n.device());
        if (l.isEmpty()) {
            return false;
        }
        try {
            links.call(RtnlMessages.neigh(RTM_DELNEIGH, RtnlMessages.PLAIN, family(n.address()), l.get().index(), 0, 0,
                    n.address(), null, null), "delete neighbour " + n);
            return true;
        } catch (RuntimeException e) {
            if (gone(e)) {
                return false;
            }
            throw e;
        }
    }

    List<Neighbour> neighbours(InterfaceName link) {
        Scope scope = scope(link);
        int only = scope.only();
        List<Neighbour> out = new ArrayList<>();
        for (NlMessage m : links.dump(RtnlMessages.dump(RTM_GETNEIGH, 0, NDMSG_LEN), "list neighbours")) {
            if (m.type() != RTM_NEWNEIGH) {
                continue;
            }
            RawNeigh n = RtnlMessages.decodeNeigh(m);
            boolean ip = n.family() == LibC.AF_INET || n.family() == LibC.AF_INET6;
            if (!ip || (only != 0 && n.index() != only) || n.dst() == null || n.lladdr() == null
                    || n.lladdr().length != 6 || scope.nameOf().apply(n.index()) == null) {
                continue;
            }
            out.add(new Neighbour(InterfaceName.of(scope.nameOf().apply(n.index())), n.dst(),
                    MacAddress.ofBytes(n.lladdr())));
        }
        return out;
    }

    // ---- FDB ----

    void addFdb(FdbEntry e) {
        // the all-zero MAC is a flood list: append one more remote instead of replacing the entry
        int flags = e.isFlood() ? RtnlMessages.CREATE_APPEND : RtnlMessages.CREATE_REPLACE;
        links.call(RtnlMessages.neigh(RTM_NEWNEIGH, flags, LibC.AF_BRIDGE, links.indexOf(e.device()), NUD_PERMANENT,
                NTF_SELF, e.remote(), e.mac().toBytes(), e.vni()), (e.isFlood() ? "append" : "add") + " fdb " + e);
    }

    boolean deleteFdb(FdbEntry e) {
        var l = links.find(e.device());
        if (l.isEmpty()) {
            return false;
        }
        // a VXLAN device acknowledges deleting a remote it does not have, so look first
        boolean present = fdb(scope(l.get().index(), e.device())).stream().anyMatch(x -> x.mac().equals(e.mac())
                && Objects.equals(x.remote(), e.remote())
                && (e.vni() == null || x.vni() == null || e.vni().equals(x.vni())));
        if (!present) {
            return false;
        }
        try {
            links.call(RtnlMessages.neigh(RTM_DELNEIGH, RtnlMessages.PLAIN, LibC.AF_BRIDGE, l.get().index(),
                    NUD_PERMANENT, NTF_SELF, e.remote(), e.mac().toBytes(), e.vni()), "delete fdb " + e);
            return true;
        } catch (RuntimeException ex) {
            if (gone(ex)) {
                return false;
            }
            throw ex;
        }
    }

    List<FdbEntry> fdb(InterfaceName link) {
        return fdb(scope(link));
    }

    private List<FdbEntry> fdb(Scope scope) {
        int only = scope.only();
        List<FdbEntry> out = new ArrayList<>();
        for (NlMessage m : links.dump(RtnlMessages.dump(RTM_GETNEIGH, LibC.AF_BRIDGE, NDMSG_LEN), "list fdb")) {
            if (m.type() != RTM_NEWNEIGH) {
                continue;
            }
            RawNeigh n = RtnlMessages.decodeNeigh(m);
            if (n.family() != LibC.AF_BRIDGE || (only != 0 && n.index() != only) || n.lladdr() == null
                    || n.lladdr().length != 6 || scope.nameOf().apply(n.index()) == null) {
                continue;
            }
            out.add(new FdbEntry(InterfaceName.of(scope.nameOf().apply(n.index())), MacAddress.ofBytes(n.lladdr()), n.dst(),
                    n.vni()));
        }
        return out;
    }

    // ---- policy rules ----

    private NlWriter ruleMessage(int type, int flags, PolicyRule r) {
        int family = r.isIpv6() ? LibC.AF_INET6 : LibC.AF_INET;
        IpPrefix from = r.from() == null ? null : r.from().network();
        return RtnlMessages.rule(type, flags, family, from == null ? null : from.address(),
                from == null ? 0 : from.length(), r.table(), r.priority(), r.fwmark());
    }

    void addRule(PolicyRule r) {
        links.call(ruleMessage(RTM_NEWRULE, RtnlMessages.CREATE_EXCL, r), "add rule " + r);
    }

    boolean deleteRule(PolicyRule r) {
        try {
            links.call(ruleMessage(RTM_DELRULE, RtnlMessages.PLAIN, r), "delete rule " + r);
            return true;
        } catch (RuntimeException e) {
            if (gone(e)) {
                return false;
            }
            throw e;
        }
    }

    List<PolicyRule> rules() {
        List<PolicyRule> out = new ArrayList<>();
        for (NlMessage m : links.dump(RtnlMessages.dump(RTM_GETRULE, 0, FIB_RULE_HDR_LEN), "list rules")) {
            if (m.type() != RTM_NEWRULE) {
                continue;
            }
            RawRule r = RtnlMessages.decodeRule(m);
            if (r.action() != FR_ACT_TO_TBL || r.table() <= 0) {
                continue;
            }
            IpPrefix from = r.src() == null ? null : new IpPrefix(r.src(), r.srcLen());
            out.add(new PolicyRule(r.priority(), r.fwmark(), from, r.table()));
        }
        return out;
    }
}
