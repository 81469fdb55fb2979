package io.overlaykit.netlink;

import static io.overlaykit.netlink.internal.Rtnl.*;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.spi.NetOp;
import io.overlaykit.netlink.NetOpBatch.Step;
import io.overlaykit.netlink.internal.LinkKind;
import io.overlaykit.netlink.internal.NetlinkBatch.Request;
import io.overlaykit.netlink.internal.NlWriter;
import io.overlaykit.netlink.internal.RtnlMessages;
import io.overlaykit.netlink.internal.RtnlMessages.RawLink;
import io.overlaykit.netlink.internal.VxlanMapping;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Turns {@link NetOp}s into netlink messages: the one encoding of each change, for batches and for the
 * single-request methods of {@link RtnetlinkLinks}. Links are addressed by name where the kernel allows it
 * (RTM_SETLINK, RTM_DELLINK); where it wants an ifindex (addresses, routes, neighbours, FDB, a master), the
 * {@link LinkTable} gives it.
 */
final class NetOpCompiler {
    private final RtnetlinkLinks links;
    private final LinkTable table;
    private final List<Integer> fds;

    /** Name to ifindex while compiling; {@link #index} returns null for a link that does not exist. */
    interface LinkTable {
        Integer index(InterfaceName name);

        /** The ifindex to ask for when creating {@code name} (0: the kernel chooses). */
        int create(InterfaceName name);

        void delete(InterfaceName name);
    }

    /**
     * For a batch: the links of one dump taken before it, changed as the batch changes them, with the next
     * free ifindex for each link it creates, so later ops of the batch can address them without a read.
     */
    static LinkTable snapshot(List<RawLink> existing) {
        Map<String, Integer> indexes = new HashMap<>();
        int max = 0;
        for (RawLink l : existing) {
            indexes.put(l.name(), l.index());
            max = Math.max(max, l.index());
        }
        int first = max + 1;
        return new LinkTable() {
            private int next = first;

            @Override
            public Integer index(InterfaceName name) {
                return indexes.get(name.value());
            }

            @Override
            public int create(InterfaceName name) {
                indexes.put(name.value(), next);
                return next++;
            }

            @Override
            public void delete(InterfaceName name) {
                indexes.remove(name.value());
            }
        };
    }

    /** For a batch in which no op needs an ifindex: nothing is known, the kernel picks the ifindex of new links. */
    static final LinkTable NO_INDEXES = new LinkTable() {
        @Override
        public Integer index(InterfaceName name) {
            return null;
        }

        @Override
        public int create(InterfaceName name) {
            return 0;
        }

        @Override
        public void delete(InterfaceName name) {
        }
    };

    /**
     * For one op on its own: a GET per name it needs, except for {@code known} (a link just read, or null);
     * the kernel picks the ifindex of a new link.
     */
    static LinkTable lookups(RtnetlinkLinks links, LinkInfo known) {
        return new LinkTable() {
            @Override
            public Integer index(InterfaceName name) {
                if (known != null && known.name().equals(name)) {
                    return known.index();
                }
                return links.find(name).map(LinkInfo::index).orElse(null);
            }

            @Override
            public int create(InterfaceName name) {
                return 0;
            }

            @Override
            public void delete(InterfaceName name) {
            }
        };
    }

    /** @param fds collects the namespace descriptors the messages carry; the caller closes them after sending */
    NetOpCompiler(RtnetlinkLinks links, LinkTable table, List<Integer> fds) {
        this.links = links;
        this.table = table;
        this.fds = fds;
    }

    /** The op's step; a failure found before sending (no such link or namespace) becomes a refused step. */
    Step compile(NetOp op) {
        try {
            return compileOrThrow(op);
        } catch (RuntimeException e) {
            return Step.refused(e);
        }
    }

    Step compileOrThrow(NetOp op) {
        if (op instanceof NetOp.CreateVeth o) {
            var v = o.veth();
            String what = "create veth '" + v.name() + "'";
            int fd = -1;
            // a peer "elsewhere" that is this very namespace lands here too: it needs an ifindex from us as well,
            // or the kernel's choice could take one we give a later link of the batch
            boolean peerHere = v.peerNamespace() == null || v.peerNamespace().equals(links.namespace());
            if (v.peerNamespace() != null) {
                fd = links.kinds().openNamespace(v.peerNamespace(), what);
                fds.add(fd);
            }
            int index = created(v.name());
            int peerIndex = peerHere ? created(v.peerName()) : 0;
            return create(new Request(RtnlMessages.newVeth(index, v.name().value(), v.mtu(), peerIndex,
                    v.peerName().value(), fd, v.peerMac() == null ? null : v.peerMac().toBytes()), what),
                    v.name(), v.alias());
        } else if (op instanceof NetOp.CreateBridge o) {
            var b = o.bridge();
            int index = created(b.name());
            return create(new Request(RtnlMessages.newLink(LinkKind.BRIDGE, index, b.name().value(), b.mtu(), Map.of()),
                    "create bridge '" + b.name() + "'"), b.name(), b.alias());
        } else if (op instanceof NetOp.CreateVxlan o) {
            var v = o.vxlan();
            int device = v.device() == null ? 0 : index(v.device());
            int index = created(v.name());
            return create(new Request(RtnlMessages.newLink(LinkKind.VXLAN, index, v.name().value(), v.mtu(),
                    VxlanMapping.toAttributes(v, device)), "create vxlan '" + v.name() + "'"), v.name(), v.alias());
        } else if (op instanceof NetOp.CreateWireGuard o) {
            int index = created(o.name());
            return create(new Request(RtnlMessages.newLink(LinkKind.WIREGUARD, index, o.name().value(), o.mtu(),
                    Map.of()), "create wireguard '" + o.name() + "'"), o.name(), o.alias());
        } else if (op instanceof NetOp.DeleteLink o) {
            table.delete(o.link());
            return Step.message(new Request(RtnlMessages.delLinkNamed(o.link().value()),
                    "delete link '" + o.link() + "'"), true);
        } else if (op instanceof NetOp.SetUp o) {
            return Step.message(new Request(RtnlMessages.setLinkNamed(o.link().value(), o.up() ? IFF_UP : 0, IFF_UP),
                    "set link '" + o.link() + "' " + (o.up() ? "up" : "down")), false);
        } else if (op instanceof NetOp.SetMtu o) {
            return setLink(o.link(), w -> w.attrU32(IFLA_MTU, o.mtu()), "set mtu " + o.mtu() + " on link '" + o.link() + "'");
        } else if (op instanceof NetOp.SetMac o) {
            return setLink(o.link(), w -> w.attr(IFLA_ADDRESS, o.mac().toBytes()),
                    "set mac " + o.mac() + " on link '" + o.link() + "'");
        } else if (op instanceof NetOp.SetMaster o) {
            int master = o.master() == null ? 0 : index(o.master());
            return setLink(o.link(), w -> w.attrU32(IFLA_MASTER, master), o.master() == null
                    ? "release link '" + o.link() + "' from its master"
                    : "set master of '" + o.link() + "' to '" + o.master() + "'");
        } else if (op instanceof NetOp.SetAlias o) {
            return setLink(o.link(), w -> w.attrString(IFLA_IFALIAS, o.alias()), "set alias of link '" + o.link() + "'");
        } else if (op instanceof NetOp.AddAddress o) {
            return Step.message(new Request(Requests.address(RTM_NEWADDR, RtnlMessages.CREATE_EXCL, o.address(),
                    index(o.link())), Requests.addressOp(RTM_NEWADDR, RtnlMessages.CREATE_EXCL, o.link(), o.address())),
                    false);
        } else if (op instanceof NetOp.DeleteAddress o) {
            Integer index = table.index(o.link());
            return index == null ? Step.nothing() : Step.message(new Request(Requests.address(RTM_DELADDR,
                    RtnlMessages.PLAIN, o.address(), index), Requests.addressOp(RTM_DELADDR, 0, o.link(), o.address())),
                    true);
        } else if (op instanceof NetOp.AddRoute o) {
            return Step.message(new Request(Requests.route(RTM_NEWROUTE, RtnlMessages.CREATE_EXCL, o.route(),
                    this::index), Requests.routeOp("add", o.route())), false);
        } else if (op instanceof NetOp.DeleteRoute o) {
            boolean deviceGone = o.route().device() != null && table.index(o.route().device()) == null
                    || o.route().nexthops().stream().anyMatch(h -> h.device() != null && table.index(h.device()) == null);
            if (deviceGone) {
                return Step.nothing(); // a device is gone, and its routes with it
            }
            return Step.message(new Request(Requests.route(RTM_DELROUTE, RtnlMessages.PLAIN, o.route(), this::index),
                    Requests.routeOp("delete", o.route())), true);
        } else if (op instanceof NetOp.AddRule o) {
            return Step.message(new Request(Requests.rule(RTM_NEWRULE, RtnlMessages.CREATE_EXCL, o.rule()),
                    "add rule " + o.rule()), false);
        } else if (op instanceof NetOp.DeleteRule o) {
            return Step.message(new Request(Requests.rule(RTM_DELRULE, RtnlMessages.PLAIN, o.rule()),
                    "delete rule " + o.rule()), true);
        } else if (op instanceof NetOp.AddNeighbour o) {
            return Step.message(new Request(Requests.addNeighbour(o.neighbour(), index(o.neighbour().device())),
                    "add neighbour " + o.neighbour()), false);
        } else if (op instanceof NetOp.DeleteNeighbour o) {
            Integer index = table.index(o.neighbour().device());
            return index == null ? Step.nothing() : Step.message(new Request(Requests.deleteNeighbour(o.neighbour(),
                    index), "delete neighbour " + o.neighbour()), true);
        } else if (op instanceof NetOp.AddFdb o) {
            return Step.message(new Request(Requests.addFdb(o.entry(), index(o.entry().device())),
                    Requests.addFdbOp(o.entry())), false);
        } else if (op instanceof NetOp.DeleteFdb o) {
            Integer index = table.index(o.entry().device());
            return index == null ? Step.nothing()
                    : Step.message(new Request(Requests.deleteFdb(o.entry(), index), "delete fdb " + o.entry()), true);
        } else if (op instanceof NetOp.SetNeighSuppress o) {
            return Step.message(new Request(RtnlMessages.setBridgePortFlag(index(o.link()), IFLA_BRPORT_NEIGH_SUPPRESS,
                    o.on()), neighSuppressOp(o)), false);
        } else if (op instanceof NetOp.SetTxChecksum o) {
            return Step.ethtool(o);
        }
        throw new IllegalArgumentException("unknown op " + op);
    }

    static String neighSuppressOp(NetOp.SetNeighSuppress o) {
        return "set neigh_suppress " + (o.on() ? "on" : "off") + " on bridge port '" + o.link() + "'";
    }

    /** A create, with an RTM_SETLINK for the alias when there is one (RTM_NEWLINK ignores IFLA_IFALIAS). */
    private static Step create(Request create, InterfaceName name, String alias) {
        if (alias == null) {
            return Step.create(create, null);
        }
        return Step.create(create, new Request(RtnlMessages.setLinkNamed(name.value(), 0, 0)
                .attrString(IFLA_IFALIAS, alias), "set alias of link '" + name + "'"));
    }

    /** One RTM_SETLINK addressed by name (the kernel resolves it when it gets there, after earlier creates). */
    private static Step setLink(InterfaceName link, UnaryOperator<NlWriter> attribute, String what) {
        return Step.message(new Request(attribute.apply(RtnlMessages.setLinkNamed(link.value(), 0, 0)), what), false);
    }

    private int created(InterfaceName name) {
        return table.create(name);
    }

    private int index(InterfaceName name) {
        Integer index = table.index(name);
        if (index == null) {
            throw new NotFoundException("link '" + name + "' not found in namespace " + links.label());
        }
        return index;
    }
}
