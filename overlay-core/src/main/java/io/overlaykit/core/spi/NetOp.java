package io.overlaykit.core.spi;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.Neighbour;
import io.overlaykit.core.PolicyRule;
import io.overlaykit.core.Route;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.VxlanTunnel;
import java.util.Objects;

/**
 * One change to the links, addresses, routes, rules, neighbours or FDB of one namespace, as data: the unit
 * that {@link Links#execute} runs in batches. Each op is exactly one request to the kernel (no read, no
 * compare): the planner decided from a snapshot that it is needed. A create of something that exists fails
 * with {@link io.overlaykit.core.ConflictException}; a delete of something already gone succeeds.
 */
public sealed interface NetOp {

    /** The link this op acts on (for messages and grouping). */
    InterfaceName link();

    /** Creates a veth pair; its peer is created directly in its namespace when the pair names one. */
    record CreateVeth(VethPair veth) implements NetOp {
        /** Requires {@code veth}. */
        public CreateVeth {
            Objects.requireNonNull(veth, "veth");
        }

        @Override
        public InterfaceName link() {
            return veth.name();
        }
    }

    /** Creates a Linux bridge. */
    record CreateBridge(Bridge bridge) implements NetOp {
        /** Requires {@code bridge}. */
        public CreateBridge {
            Objects.requireNonNull(bridge, "bridge");
        }

        @Override
        public InterfaceName link() {
            return bridge.name();
        }
    }

    /** Creates a kernel VXLAN device. */
    record CreateVxlan(VxlanTunnel vxlan) implements NetOp {
        /** Requires {@code vxlan}. */
        public CreateVxlan {
            Objects.requireNonNull(vxlan, "vxlan");
        }

        @Override
        public InterfaceName link() {
            return vxlan.name();
        }
    }

    /**
     * Creates a kernel WireGuard link (rtnetlink kind {@code wireguard}), without keys or peers: those are set
     * through {@link WireGuardDevices#configure}. Only where {@link WireGuardDevices#canCreate} says the kernel
     * has WireGuard.
     *
     * @param name the link's name
     * @param mtu its MTU (null: the kernel's default)
     * @param alias the tag that marks it as ours (null: none)
     */
    record CreateWireGuard(InterfaceName name, Integer mtu, String alias) implements NetOp {
        /** Requires {@code name}; checks the MTU when one is given ({@link io.overlaykit.core.Mtu#check}). */
        public CreateWireGuard {
            Objects.requireNonNull(name, "name");
            if (mtu != null) {
                io.overlaykit.core.Mtu.check("link " + name + " mtu", mtu);
            }
        }

        @Override
        public InterfaceName link() {
            return name;
        }
    }

    /** Deletes a link (both ends, for a veth). */
    record DeleteLink(InterfaceName link) implements NetOp {
        /** Requires {@code link}. */
        public DeleteLink {
            Objects.requireNonNull(link, "link");
        }
    }

    /** Sets a link up or down. */
    record SetUp(InterfaceName link, boolean up) implements NetOp {
        /** Requires {@code link}. */
        public SetUp {
            Objects.requireNonNull(link, "link");
        }
    }

    /** Sets a link's MTU. */
    record SetMtu(InterfaceName link, int mtu) implements NetOp {
        /** Requires {@code link}; checks the MTU ({@link io.overlaykit.core.Mtu#check}). */
        public SetMtu {
            Objects.requireNonNull(link, "link");
            io.overlaykit.core.Mtu.check("link " + link + " mtu", mtu);
        }
    }

    /** Sets a link's MAC address. */
    record SetMac(InterfaceName link, MacAddress mac) implements NetOp {
        /** Requires {@code link} and {@code mac}. */
        public SetMac {
            Objects.requireNonNull(link, "link");
            Objects.requireNonNull(mac, "mac");
        }
    }

    /** Enslaves a link to {@code master}; a null master releases it. */
    record SetMaster(InterfaceName link, InterfaceName master) implements NetOp {
        /** Requires {@code link}. */
        public SetMaster {
            Objects.requireNonNull(link, "link");
        }
    }

    /** Sets a link's alias (the tag that marks it as ours). */
    record SetAlias(InterfaceName link, String alias) implements NetOp {
        /** Requires {@code link} and {@code alias}. */
        public SetAlias {
            Objects.requireNonNull(link, "link");
            Objects.requireNonNull(alias, "alias");
        }
    }

    /** Adds an address to a link. */
    record AddAddress(InterfaceName link, IpPrefix address) implements NetOp {
        /** Requires {@code link} and {@code address}. */
        public AddAddress {
            Objects.requireNonNull(link, "link");
            Objects.requireNonNull(address, "address");
        }
    }

    /** Deletes an address from a link. */
    record DeleteAddress(InterfaceName link, IpPrefix address) implements NetOp {
        /** Requires {@code link} and {@code address}. */
        public DeleteAddress {
            Objects.requireNonNull(link, "link");
            Objects.requireNonNull(address, "address");
        }
    }

    /** Adds a route. */
    record AddRoute(Route route) implements NetOp {
        /** Requires {@code route}. */
        public AddRoute {
            Objects.requireNonNull(route, "route");
        }

        @Override
        public InterfaceName link() {
            return route.device();
        }
    }

    /** Deletes a route. */
    record DeleteRoute(Route route) implements NetOp {
        /** Requires {@code route}. */
        public DeleteRoute {
            Objects.requireNonNull(route, "route");
        }

        @Override
        public InterfaceName link() {
            return route.device();
        }
    }

    /** Adds a policy-routing rule. */
    record AddRule(PolicyRule rule) implements NetOp {
        /** Requires {@code rule}. */
        public AddRule {
            Objects.requireNonNull(rule, "rule");
        }

        @Override
        public InterfaceName link() {
            return null;
        }
    }

    /** Deletes a policy-routing rule. */
    record DeleteRule(PolicyRule rule) implements NetOp {
        /** Requires {@code rule}. */
        public DeleteRule {
            Objects.requireNonNull(rule, "rule");
        }

        @Override
        public InterfaceName link() {
            return null;
        }
    }

    /** Adds a permanent neighbour (ARP/NDP) entry. */
    record AddNeighbour(Neighbour neighbour) implements NetOp {
        /** Requires {@code neighbour}. */
        public AddNeighbour {
            Objects.requireNonNull(neighbour, "neighbour");
        }

        @Override
        public InterfaceName link() {
            return neighbour.device();
        }
    }

    /** Deletes a neighbour entry. */
    record DeleteNeighbour(Neighbour neighbour) implements NetOp {
        /** Requires {@code neighbour}. */
        public DeleteNeighbour {
            Objects.requireNonNull(neighbour, "neighbour");
        }

        @Override
        public InterfaceName link() {
            return neighbour.device();
        }
    }

    /** Appends a permanent FDB entry (several for one MAC make a flood list). */
    record AddFdb(FdbEntry entry) implements NetOp {
        /** Requires {@code entry}. */
        public AddFdb {
            Objects.requireNonNull(entry, "entry");
        }

        @Override
        public InterfaceName link() {
            return entry.device();
        }
    }

    /** Deletes an FDB entry. */
    record DeleteFdb(FdbEntry entry) implements NetOp {
        /** Requires {@code entry}. */
        public DeleteFdb {
            Objects.requireNonNull(entry, "entry");
        }

        @Override
        public InterfaceName link() {
            return entry.device();
        }
    }

    /**
     * Sets the {@code neigh_suppress} flag of a Linux bridge port (AF_BRIDGE {@code IFLA_BRPORT_NEIGH_SUPPRESS}):
     * with it, the bridge answers ARP and neighbour solicitations for addresses it has a neighbour entry and an FDB
     * entry behind this port for, and does not flood those requests out of this port. A kernel that does not offer
     * the flag refuses it; executors take that refusal as done (the observed flag then stays off).
     */
    record SetNeighSuppress(InterfaceName link, boolean on) implements NetOp {
        /** Requires {@code link}. */
        public SetNeighSuppress {
            Objects.requireNonNull(link, "link");
        }
    }

    /** Turns TX checksum offload of a link on or off (off where a userspace datapath reads its frames). */
    record SetTxChecksum(InterfaceName link, boolean on) implements NetOp {
        /** Requires {@code link}. */
        public SetTxChecksum {
            Objects.requireNonNull(link, "link");
        }
    }
}
