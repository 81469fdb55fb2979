package io.overlaykit.netlink.internal;

import static io.overlaykit.netlink.internal.Rtnl.*;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds rtnetlink requests and decodes replies into raw records: the pure codec layer, with no I/O and
 * no knowledge of namespaces, so every message can be checked against captured kernel bytes.
 */
public final class RtnlMessages {
    private static final int REQ = NLM_F_REQUEST | NLM_F_ACK;
    public static final int CREATE_EXCL = REQ | NLM_F_CREATE | NLM_F_EXCL;
    public static final int CREATE_REPLACE = REQ | NLM_F_CREATE | NLM_F_REPLACE;
    public static final int CREATE_APPEND = REQ | NLM_F_CREATE | NLM_F_APPEND;
    public static final int PLAIN = REQ;

    private RtnlMessages() {
    }

    /** A dump request: a zeroed family header whose first byte is {@code family}. */
    public static NlWriter dump(int type, int family, int headerLength) {
        NlWriter w = new NlWriter(type, NLM_F_REQUEST | NLM_F_DUMP).u8(family);
        return w.zeros(headerLength - 1);
    }

    private static NlWriter ifinfo(int type, int flags, int index, int ifFlags, int change) {
        return new NlWriter(type, flags).u8(0).u8(0).u16(0).u32(index).u32(ifFlags).u32(change);
    }

    /** RTM_GETLINK for one link by name. */
    public static NlWriter getLink(String name) {
        return ifinfo(RTM_GETLINK, PLAIN, 0, 0, 0).attrString(IFLA_IFNAME, name);
    }

    /** RTM_GETLINK for one link by index. */
    public static NlWriter getLink(int index) {
        return ifinfo(RTM_GETLINK, PLAIN, index, 0, 0);
    }

    /** RTM_NEWLINK creating a link of {@code kind} with its kind-specific {@code data}. */
    public static NlWriter newLink(LinkKind kind, String name, Integer mtu, Map<String, ?> data) {
        return newLink(kind, 0, name, mtu, data);
    }

    /** {@link #newLink} asking for ifindex {@code index} (0: the kernel chooses; taken: EBUSY). */
    public static NlWriter newLink(LinkKind kind, int index, String name, Integer mtu, Map<String, ?> data) {
        NlWriter w = ifinfo(RTM_NEWLINK, CREATE_EXCL, index, 0, 0).attrString(IFLA_IFNAME, name);
        if (mtu != null) {
            w.attrU32(IFLA_MTU, mtu);
        }
        kind.encode(w, data);
        return w;
    }

    /**
     * RTM_NEWLINK creating a veth pair; the peer (a nested ifinfomsg plus attributes) is created in the
     * namespace of {@code peerNsFd} when it is not negative.
     */
    public static NlWriter newVeth(String name, Integer mtu, String peerName, int peerNsFd, byte[] peerMac) {
        return newVeth(0, name, mtu, 0, peerName, peerNsFd, peerMac);
    }

    /**
     * {@link #newVeth} asking for ifindex {@code index} for this end and {@code peerIndex} for the peer (0:
     * the kernel chooses; the kernel takes the peer's only when this end's is given too).
     */
    public static NlWriter newVeth(int index, String name, Integer mtu, int peerIndex, String peerName, int peerNsFd,
                                   byte[] peerMac) {
        NlWriter w = ifinfo(RTM_NEWLINK, CREATE_EXCL, index, 0, 0).attrString(IFLA_IFNAME, name);
        if (mtu != null) {
            w.attrU32(IFLA_MTU, mtu);
        }
        int info = w.begin(IFLA_LINKINFO);
        w.attrString(IFLA_INFO_KIND, LinkKind.VETH.kind());
        int data = w.begin(IFLA_INFO_DATA);
        int peer = w.begin(VETH_INFO_PEER);
        w.u8(0).u8(0).u16(0).u32(peerIndex).u32(0).u32(0);
        w.attrString(IFLA_IFNAME, peerName);
        if (peerNsFd >= 0) {
            w.attrU32(IFLA_NET_NS_FD, peerNsFd);
        }
        if (mtu != null) {
            w.attrU32(IFLA_MTU, mtu);
        }
        if (peerMac != null) {
            w.attr(IFLA_ADDRESS, peerMac);
        }
        w.end(peer);
        w.end(data);
        w.end(info);
        return w;
    }

    public static NlWriter delLink(int index) {
        return ifinfo(RTM_DELLINK, PLAIN, index, 0, 0);
    }

    /** RTM_DELLINK addressed by name (ifindex 0, IFLA_IFNAME). */
    public static NlWriter delLinkNamed(String name) {
        return ifinfo(RTM_DELLINK, PLAIN, 0, 0, 0).attrString(IFLA_IFNAME, name);
    }

    /** RTM_SETLINK changing only IFF_UP. */
    public static NlWriter setUp(int index, boolean up) {
        return ifinfo(RTM_SETLINK, PLAIN, index, up ? IFF_UP : 0, IFF_UP);
    }

    /**
     * RTM_SETLINK that addresses the link by name (ifindex 0, IFLA_IFNAME): one round trip, no GET
     * first; the caller adds the attribute to change. Not for a rename, whose IFLA_IFNAME is the new name.
     */
    public static NlWriter setLinkNamed(String name, int ifFlags, int change) {
        return ifinfo(RTM_SETLINK, PLAIN, 0, ifFlags, change).attrString(IFLA_IFNAME, name);
    }

    /** RTM_SETLINK with one attribute; the caller adds it. */
    public static NlWriter setLink(int index) {
        return ifinfo(RTM_SETLINK, PLAIN, index, 0, 0);
    }

    /** RTM_NEWADDR / RTM_DELADDR for {@code address/prefixLength} on link {@code index}. */
    public static NlWriter addr(int type, int flags, InetAddress address, int prefixLength, int index) {
        int family = address instanceof Inet4Address ? LibC.AF_INET : LibC.AF_INET6;
        return new NlWriter(type, flags).u8(family).u8(prefixLength).u8(0).u8(0).u32(index)
                .attrAddress(IFA_LOCAL, address).attrAddress(IFA_ADDRESS, address);
    }

    /** One path of a multipath route: gateway (or null), ifindex (or 0), weight 1..256, RTNH_F_* flags. */
    public record RawNextHop(InetAddress gateway, int ifindex, int weight, int flags) {
    }

    /** A route message; for RTM_DELROUTE protocol, scope and type are left for the kernel to match. */
    public static NlWriter route(int type, int flags, int family, InetAddress dst, int dstLen, InetAddress gateway,
                                 int oif, boolean onLink, int table, Integer metric) {
        return route(type, flags, family, dst, dstLen, gateway, oif, onLink, table, metric, List.of());
    }

    /** {@link #route} with the paths of a multipath route (RTA_MULTIPATH) when {@code nexthops} is not empty. */
    public static NlWriter route(int type, int flags, int family, InetAddress dst, int dstLen, InetAddress gateway,
                                 int oif, boolean onLink, int table, Integer metric, List<RawNextHop> nexthops) {
        boolean del = type == RTM_DELROUTE;
        int scope = del ? RT_SCOPE_NOWHERE : (gateway == null && oif > 0 ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE);
        NlWriter w = new NlWriter(type, flags).u8(family).u8(dstLen).u8(0).u8(0)
                .u8(table < 256 ? table : RT_TABLE_UNSPEC).u8(del ? 0 : RTPROT_BOOT).u8(scope)
                .u8(del ? 0 : RTN_UNICAST).u32(onLink ? RTNH_F_ONLINK : 0);
        w.attrU32(RTA_TABLE, table);
        if (dst != null && dstLen > 0) {
            w.attrAddress(RTA_DST, dst);
        }
        if (gateway != null) {
            w.attrAddress(RTA_GATEWAY, gateway);
        }
        if (oif > 0) {
            w.attrU32(RTA_OIF, oif);
        }
        if (metric != null) {
            w.attrU32(RTA_PRIORITY, metric);
        }
        if (!nexthops.isEmpty()) {
            int mp = w.beginPlain(RTA_MULTIPATH); // iproute2 sends it without NLA_F_NESTED
            for (RawNextHop h : nexthops) {
                int nh = w.beginStruct();
                w.u16(0).u8(h.flags()).u8(h.weight() - 1).u32(h.ifindex());
                if (h.gateway() != null) {
                    w.attrAddress(RTA_GATEWAY, h.gateway());
                }
                w.end(nh);
            }
            w.end(mp);
        }
        return w;
    }

    /** A neighbour or FDB message (ndmsg plus NDA_DST, NDA_LLADDR, NDA_VNI when given). */
    public static NlWriter neigh(int type, int flags, int family, int index, int state, int ntfFlags,
                                 InetAddress dst, byte[] lladdr, Integer vni) {
        NlWriter w = new NlWriter(type, flags).u8(family).u8(0).u16(0).u32(index).u16(state).u8(ntfFlags).u8(0);
        if (lladdr != null) {
            w.attr(NDA_LLADDR, lladdr);
        }
        if (dst != null) {
            w.attrAddress(NDA_DST, dst);
        }
        if (vni != null) {
            w.attrU32(NDA_VNI, vni);
        }
        return w;
    }

    /** A FIB rule message (fib_rule_hdr, action "to table"). */
    public static NlWriter rule(int type, int flags, int family, InetAddress src, int srcLen, int table,
                                int priority, Integer fwmark) {
        NlWriter w = new NlWriter(type, flags).u8(family).u8(0).u8(src == null ? 0 : srcLen).u8(0)
                .u8(table < 256 ? table : RT_TABLE_UNSPEC).u8(0).u8(0).u8(FR_ACT_TO_TBL).u32(0);
        w.attrU32(FRA_PRIORITY, priority);
        if (fwmark != null) {
            w.attrU32(FRA_FWMARK, fwmark).attrU32(FRA_FWMASK, 0xFFFF_FFFF);
        }
        if (src != null) {
            w.attrAddress(FRA_SRC, src);
        }
        w.attrU32(FRA_TABLE, table);
        return w;
    }

    // ---- decoding ----

    /**
     * A link as the kernel reports it (RTM_NEWLINK). {@code neighSuppress}: for a bridge port, its
     * {@code neigh_suppress} flag from the port's slave data; null for other links or a kernel that does not send it.
     */
    public record RawLink(int index, String name, int flags, int change, String kind, int mtu, byte[] mac,
                          int master, int link, String alias, Map<String, Object> kindData, Boolean neighSuppress) {
        public boolean up() {
            return (flags & IFF_UP) != 0;
        }
    }

    public static RawLink decodeLink(NlMessage m) {
        NlAttrs a = m.attrs(IFINFOMSG_LEN);
        NlAttrs info = a.nested(IFLA_LINKINFO);
        String kind = info.string(IFLA_INFO_KIND);
        Map<String, Object> data = Map.of();
        if (LinkKind.VXLAN.kind().equals(kind)) {
            data = LinkKind.VXLAN.decode(info.nested(IFLA_INFO_DATA));
        }
        Integer mtu = a.u32(IFLA_MTU);
        Integer master = a.u32(IFLA_MASTER);
        Integer link = a.u32(IFLA_LINK);
        Boolean neighSuppress = null;
        if ("bridge".equals(info.string(IFLA_INFO_SLAVE_KIND))) {
            Integer flag = info.nested(IFLA_INFO_SLAVE_DATA).u8(IFLA_BRPORT_NEIGH_SUPPRESS);
            neighSuppress = flag == null ? null : flag != 0;
        }
        return new RawLink(m.u32(4), a.string(IFLA_IFNAME), m.u32(8), m.u32(12), kind, mtu == null ? 0 : mtu,
                a.bytes(IFLA_ADDRESS), master == null ? 0 : master, link == null ? 0 : link, a.string(IFLA_IFALIAS),
                data, neighSuppress);
    }

    /**
     * AF_BRIDGE RTM_SETLINK of the bridge port with ifindex {@code index} ({@code bridge link set dev PORT
     * neigh_suppress on}): its IFLA_PROTINFO carries the one IFLA_BRPORT attribute. The kernel takes an
     * IFLA_PROTINFO without NLA_F_NESTED as a bare port state, so it is always sent nested.
     */
    public static NlWriter setBridgePortFlag(int index, int attribute, boolean on) {
        NlWriter w = new NlWriter(RTM_SETLINK, PLAIN).u8(LibC.AF_BRIDGE).u8(0).u16(0).u32(index).u32(0).u32(0);
        int protinfo = w.begin(IFLA_PROTINFO);
        w.attrU8(attribute, on ? 1 : 0);
        w.end(protinfo);
        return w;
    }

    /** An address (RTM_NEWADDR). */
    public record RawAddress(int index, int family, int prefixLength, InetAddress address, String label) {
    }

    public static RawAddress decodeAddress(NlMessage m) {
        NlAttrs a = m.attrs(IFADDRMSG_LEN);
        InetAddress addr = a.has(IFA_LOCAL) ? a.address(IFA_LOCAL) : a.address(IFA_ADDRESS);
        return new RawAddress(m.u32(4), m.u8(0), m.u8(1), addr, a.string(IFA_LABEL));
    }

    /** A route (RTM_NEWROUTE); {@code nexthops} holds the paths of a multipath route, else it is empty. */
    public record RawRoute(int family, int dstLen, int table, int protocol, int scope, int type, int flags,
                           InetAddress dst, InetAddress gateway, int oif, Integer priority, List<RawNextHop> nexthops) {
    }

    public static RawRoute decodeRoute(NlMessage m) {
        NlAttrs a = m.attrs(RTMSG_LEN);
        Integer table = a.u32(RTA_TABLE);
        Integer oif = a.u32(RTA_OIF);
        return new RawRoute(m.u8(0), m.u8(1), table != null ? table : m.u8(4), m.u8(5), m.u8(6), m.u8(7),
                m.u32(8), a.address(RTA_DST), a.address(RTA_GATEWAY), oif == null ? 0 : oif, a.u32(RTA_PRIORITY),
                nexthops(a.raw(RTA_MULTIPATH)));
    }

    /** The rtnexthop structs of an RTA_MULTIPATH value; stops at a malformed one. */
    private static List<RawNextHop> nexthops(ByteBuffer b) {
        if (b == null) {
            return List.of();
        }
        List<RawNextHop> out = new ArrayList<>();
        int off = b.position();
        int end = b.limit();
        while (off + RTNH_LEN <= end) {
            int len = b.getShort(off) & 0xFFFF;
            if (len < RTNH_LEN || off + len > end) {
                break;
            }
            NlAttrs attrs = NlAttrs.parse(b, off + RTNH_LEN, off + len);
            out.add(new RawNextHop(attrs.address(RTA_GATEWAY), b.getInt(off + 4), (b.get(off + 3) & 0xFF) + 1,
                    b.get(off + 2) & 0xFF));
            off += (len + 3) & ~3;
        }
        return List.copyOf(out);
    }

    /** A neighbour or FDB entry (RTM_NEWNEIGH). */
    public record RawNeigh(int family, int index, int state, int flags, InetAddress dst, byte[] lladdr, Integer vni) {
    }

    public static RawNeigh decodeNeigh(NlMessage m) {
        NlAttrs a = m.attrs(NDMSG_LEN);
        return new RawNeigh(m.u8(0), m.u32(4), m.u16(8), m.u8(10), a.address(NDA_DST), a.bytes(NDA_LLADDR),
                a.u32(NDA_VNI));
    }

    /** A FIB rule (RTM_NEWRULE). */
    public record RawRule(int family, int srcLen, int action, int table, int priority, Integer fwmark,
                          InetAddress src) {
    }

    public static RawRule decodeRule(NlMessage m) {
        NlAttrs a = m.attrs(FIB_RULE_HDR_LEN);
        Integer table = a.u32(FRA_TABLE);
        Integer prio = a.u32(FRA_PRIORITY);
        return new RawRule(m.u8(0), m.u8(2), m.u8(7), table != null ? table : m.u8(4), prio == null ? 0 : prio,
                a.u32(FRA_FWMARK), a.address(FRA_SRC));
    }
}
