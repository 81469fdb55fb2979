package io.overlaykit.netlink;

import static io.overlaykit.netlink.internal.Rtnl.*;

import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.Neighbour;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.PolicyRule;
import io.overlaykit.core.Route;
import io.overlaykit.netlink.internal.Errno;
import io.overlaykit.netlink.internal.LibC;
import io.overlaykit.netlink.internal.NlWriter;
import io.overlaykit.netlink.internal.RtnlMessages;
import io.overlaykit.netlink.internal.RtnlMessages.RawNextHop;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * The rtnetlink request for each change of addresses, routes, neighbours, FDB entries and policy rules,
 * from OverlayKit's value types and the ifindex of the links they name: one place for these encodings, used
 * by the single-request methods of {@link RtnetlinkLinks} and by its batches ({@link NetOpBatch}). Also the
 * one rule for which errno of a delete means "already gone".
 */
final class Requests {
    private Requests() {
    }

    /** Resolves a link name to its ifindex; throws {@link NotFoundException} when there is no such link. */
    @FunctionalInterface
    interface Indexes {
        int of(InterfaceName link);
    }

    /** True when a delete's errno says the object was already absent. */
    static boolean gone(int errno) {
        return errno == Errno.ENOENT || errno == Errno.ENODEV || errno == Errno.ESRCH || errno == Errno.EADDRNOTAVAIL;
    }

    static int family(InetAddress a) {
        return a instanceof Inet4Address ? LibC.AF_INET : LibC.AF_INET6;
    }

    static NlWriter address(int type, int flags, IpPrefix p, int index) {
        return RtnlMessages.addr(type, flags, p.address(), p.length(), index);
    }

    static String addressOp(int type, int flags, InterfaceName link, IpPrefix p) {
        if (type == RTM_DELADDR) {
            return "delete address " + p + " from '" + link + "'";
        }
        return (flags == RtnlMessages.CREATE_EXCL ? "add" : "replace") + " address " + p + " on '" + link + "'";
    }

    /** A route message; the device and every nexthop's device are resolved through {@code indexes}. */
    static NlWriter route(int type, int flags, Route r, Indexes indexes) {
        InetAddress someGateway = r.gateway() != null ? r.gateway()
                : r.nexthops().stream().map(Route.NextHop::gateway).filter(g -> g != null).findFirst().orElse(null);
        int family = r.destination() != null ? (r.destination().isIpv4() ? LibC.AF_INET : LibC.AF_INET6)
                : someGateway != null ? family(someGateway) : LibC.AF_INET;
        int oif = r.device() == null ? 0 : indexes.of(r.device());
        List<RawNextHop> hops = r.nexthops().stream().map(h -> new RawNextHop(h.gateway(),
                h.device() == null ? 0 : indexes.of(h.device()), h.weight(), h.onLink() ? RTNH_F_ONLINK : 0)).toList();
        IpPrefix dst = r.destination() == null ? null : r.destination().network();
        return RtnlMessages.route(type, flags, family, dst == null ? null : dst.address(),
                dst == null ? 0 : dst.length(), r.gateway(), oif, r.onLink(), r.table(), r.metric(), hops);
    }

    static String routeOp(String verb, Route r) {
        return verb + " route " + r;
    }

    /** A permanent neighbour entry (replacing whatever entry the address has), tagged as ours (NDA_PROTOCOL). */
    static NlWriter addNeighbour(Neighbour n, int index) {
        return RtnlMessages.neigh(RTM_NEWNEIGH, RtnlMessages.CREATE_REPLACE, family(n.address()), index,
                NUD_PERMANENT, 0, n.address(), n.mac().toBytes(), null).attrU8(NDA_PROTOCOL, RTPROT_OVERLAYKIT);
    }

    static NlWriter deleteNeighbour(Neighbour n, int index) {
        return RtnlMessages.neigh(RTM_DELNEIGH, RtnlMessages.PLAIN, family(n.address()), index, 0, 0, n.address(),
                null, null);
    }

    /**
     * A permanent NTF_SELF entry; the all-zero MAC is a flood list, so it is appended rather than replaced. A
     * bridge's entry ({@link FdbEntry#master()}) is NTF_MASTER and static (NUD_NOARP: with NUD_PERMANENT the
     * bridge would take the MAC as its own and deliver its frames locally), replacing a learned one.
     */
    static NlWriter addFdb(FdbEntry e, int index) {
        if (e.master()) {
            return RtnlMessages.neigh(RTM_NEWNEIGH, RtnlMessages.CREATE_REPLACE, LibC.AF_BRIDGE, index, NUD_NOARP,
                    NTF_MASTER, null, e.mac().toBytes(), null);
        }
        int flags = e.isFlood() ? RtnlMessages.CREATE_APPEND : RtnlMessages.CREATE_REPLACE;
        return RtnlMessages.neigh(RTM_NEWNEIGH, flags, LibC.AF_BRIDGE, index, NUD_PERMANENT, NTF_SELF, e.remote(),
                e.mac().toBytes(), e.vni());
    }

    static String addFdbOp(FdbEntry e) {
        return (e.isFlood() ? "append" : "add") + " fdb " + e;
    }

    static NlWriter deleteFdb(FdbEntry e, int index) {
        if (e.master()) {
            return RtnlMessages.neigh(RTM_DELNEIGH, RtnlMessages.PLAIN, LibC.AF_BRIDGE, index, NUD_NOARP, NTF_MASTER,
                    null, e.mac().toBytes(), null);
        }
        return RtnlMessages.neigh(RTM_DELNEIGH, RtnlMessages.PLAIN, LibC.AF_BRIDGE, index, NUD_PERMANENT, NTF_SELF,
                e.remote(), e.mac().toBytes(), e.vni());
    }

    static NlWriter rule(int type, int flags, PolicyRule r) {
        int family = r.isIpv6() ? LibC.AF_INET6 : LibC.AF_INET;
        IpPrefix from = r.from() == null || r.from().length() == 0 ? null : r.from().network(); // ::/0 = all
        return RtnlMessages.rule(type, flags, family, from == null ? null : from.address(),
                from == null ? 0 : from.length(), r.table(), r.priority(), r.fwmark());
    }
}
