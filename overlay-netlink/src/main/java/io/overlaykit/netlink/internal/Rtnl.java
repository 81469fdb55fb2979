package io.overlaykit.netlink.internal;

/** Numbers from linux/netlink.h, rtnetlink.h, if_link.h, if_addr.h, neighbour.h and fib_rules.h. */
public final class Rtnl {
    private Rtnl() {
    }

    // netlink.h
    public static final int NETLINK_ROUTE = 0;
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;
    public static final int NLMSG_HDRLEN = 16;
    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;
    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_MULTI = 0x2;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_DUMP_INTR = 0x10;
    public static final int NLM_F_DUMP = 0x300;
    public static final int NLM_F_REPLACE = 0x100;
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;
    public static final int NLM_F_APPEND = 0x800;
    /** In an NLMSG_ERROR: the request was not echoed back. */
    public static final int NLM_F_CAPPED = 0x100;
    /** In an NLMSG_ERROR: extended-ACK attributes follow. */
    public static final int NLM_F_ACK_TLVS = 0x200;
    public static final int NLMSGERR_ATTR_MSG = 1;
    public static final int NLA_F_NESTED = 0x8000;
    public static final int NLA_TYPE_MASK = 0x3FFF;

    // rtnetlink.h message types
    public static final int RTM_NEWLINK = 16;
    public static final int RTM_DELLINK = 17;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_SETLINK = 19;
    public static final int RTM_NEWADDR = 20;
    public static final int RTM_DELADDR = 21;
    public static final int RTM_GETADDR = 22;
    public static final int RTM_NEWROUTE = 24;
    public static final int RTM_DELROUTE = 25;
    public static final int RTM_GETROUTE = 26;
    public static final int RTM_NEWNEIGH = 28;
    public static final int RTM_DELNEIGH = 29;
    public static final int RTM_GETNEIGH = 30;
    public static final int RTM_NEWRULE = 32;
    public static final int RTM_DELRULE = 33;
    public static final int RTM_GETRULE = 34;
    public static final int RTMGRP_LINK = 0x1;
    public static final int RTMGRP_IPV4_IFADDR = 0x10;
    public static final int RTMGRP_IPV6_IFADDR = 0x100;

    /** True for the rtnetlink GET types (RTM_GETLINK, RTM_GETADDR, ...): each family's third type. */
    public static boolean isGet(int type) {
        return type >= RTM_NEWLINK && type < 100 && (type & 3) == 2;
    }

    // struct sizes
    public static final int IFINFOMSG_LEN = 16;
    public static final int IFADDRMSG_LEN = 8;
    public static final int RTMSG_LEN = 12;
    public static final int NDMSG_LEN = 12;
    public static final int FIB_RULE_HDR_LEN = 12;

    // if_link.h
    public static final int IFF_UP = 0x1;
    public static final int IFLA_ADDRESS = 1;
    public static final int IFLA_IFNAME = 3;
    public static final int IFLA_MTU = 4;
    public static final int IFLA_LINK = 5;
    public static final int IFLA_MASTER = 10;
    /** Protocol-specific link information; for AF_BRIDGE, the bridge port's IFLA_BRPORT_* attributes (nested). */
    public static final int IFLA_PROTINFO = 12;
    public static final int IFLA_LINKINFO = 18;
    public static final int IFLA_IFALIAS = 20;
    public static final int IFLA_NET_NS_FD = 28;
    public static final int IFLA_INFO_KIND = 1;
    public static final int IFLA_INFO_DATA = 2;
    public static final int IFLA_INFO_SLAVE_KIND = 4;
    public static final int IFLA_INFO_SLAVE_DATA = 5;
    /** if_link.h IFLA_BRPORT_*: a bridge port suppresses ARP/ND for the neighbours it knows (u8, since 4.15). */
    public static final int IFLA_BRPORT_NEIGH_SUPPRESS = 32;
    public static final int VETH_INFO_PEER = 1;

    // if_addr.h
    public static final int IFA_ADDRESS = 1;
    public static final int IFA_LOCAL = 2;
    public static final int IFA_LABEL = 3;

    // route
    public static final int RTA_DST = 1;
    public static final int RTA_OIF = 4;
    public static final int RTA_GATEWAY = 5;
    public static final int RTA_PRIORITY = 6;
    public static final int RTA_MULTIPATH = 9;
    public static final int RTA_TABLE = 15;
    /** struct rtnexthop: u16 length, u8 flags, u8 hops (weight - 1), s32 ifindex, then attributes. */
    public static final int RTNH_LEN = 8;
    public static final int RTN_UNICAST = 1;
    public static final int RTPROT_BOOT = 3;
    public static final int RT_SCOPE_UNIVERSE = 0;
    public static final int RT_SCOPE_LINK = 253;
    public static final int RT_SCOPE_NOWHERE = 255;
    public static final int RT_TABLE_UNSPEC = 0;
    public static final int RTNH_F_ONLINK = 0x4;
    public static final int RTM_F_CLONED = 0x200;

    // neighbour.h
    public static final int NDA_DST = 1;
    public static final int NDA_LLADDR = 2;
    public static final int NDA_VNI = 7;
    public static final int NDA_PROTOCOL = 12;
    /**
     * The routing-protocol number OverlayKit puts on the neighbour entries it programs ({@code ip -d neigh} shows
     * {@code protocol 79}), so that an entry can be told as ours by tools that did not make it. Unassigned in
     * iproute2's {@code rt_protos}.
     */
    public static final int RTPROT_OVERLAYKIT = 79;
    public static final int NUD_INCOMPLETE = 0x01;
    public static final int NUD_REACHABLE = 0x02;
    public static final int NUD_STALE = 0x04;
    public static final int NUD_DELAY = 0x08;
    public static final int NUD_PROBE = 0x10;
    public static final int NUD_FAILED = 0x20;
    public static final int NUD_NOARP = 0x40;
    public static final int NUD_PERMANENT = 0x80;
    public static final int NTF_SELF = 0x2;
    public static final int NTF_MASTER = 0x4;

    // fib_rules.h
    public static final int FRA_SRC = 2;
    public static final int FRA_PRIORITY = 6;
    public static final int FRA_FWMARK = 10;
    public static final int FRA_TABLE = 15;
    public static final int FRA_FWMASK = 16;
    public static final int FR_ACT_TO_TBL = 1;
}
