package io.overlaykit.core.plan;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.spi.NetOp;
import java.util.List;
import java.util.stream.Collectors;

/** How changes read in a printed plan; one place, so the plan, status and progress lines agree. */
final class Describe {
    private Describe() {
    }

    static String op(NetOp op) {
        if (op instanceof NetOp.CreateVeth o) {
            var v = o.veth();
            return "create veth " + v.name() + " <-> " + v.peerName()
                    + (v.peerNamespace() == null ? "" : " (peer in its namespace)")
                    + (v.mtu() == null ? "" : " mtu " + v.mtu()) + (v.peerMac() == null ? "" : " mac " + v.peerMac());
        } else if (op instanceof NetOp.CreateBridge o) {
            return "create bridge " + o.bridge().name() + (o.bridge().mtu() == null ? "" : " mtu " + o.bridge().mtu());
        } else if (op instanceof NetOp.CreateVxlan o) {
            VxlanTunnel t = o.vxlan();
            return "create vxlan " + t.name() + " vni " + t.vni()
                    + (t.local() == null ? "" : " local " + t.local().getHostAddress())
                    + (t.device() == null ? "" : " dev " + t.device()) + " dstport " + t.dstPort()
                    + (t.mtu() == null ? "" : " mtu " + t.mtu());
        } else if (op instanceof NetOp.CreateWireGuard o) {
            return "create wireguard " + o.name() + (o.mtu() == null ? "" : " mtu " + o.mtu());
        } else if (op instanceof NetOp.DeleteLink o) {
            return "delete link " + o.link();
        } else if (op instanceof NetOp.SetUp o) {
            return "set " + o.link() + (o.up() ? " up" : " down");
        } else if (op instanceof NetOp.SetMtu o) {
            return "set mtu " + o.mtu() + " on " + o.link();
        } else if (op instanceof NetOp.SetMac o) {
            return "set address " + o.mac() + " on " + o.link();
        } else if (op instanceof NetOp.SetMaster o) {
            return o.master() == null ? "release " + o.link() + " from its master"
                    : "enslave " + o.link() + " to " + o.master();
        } else if (op instanceof NetOp.SetAlias o) {
            return "set alias " + o.alias() + " on " + o.link();
        } else if (op instanceof NetOp.AddAddress o) {
            return "add address " + o.address() + " to " + o.link();
        } else if (op instanceof NetOp.DeleteAddress o) {
            return "delete address " + o.address() + " from " + o.link();
        } else if (op instanceof NetOp.AddRoute o) {
            return "add route " + o.route();
        } else if (op instanceof NetOp.DeleteRoute o) {
            return "delete route " + o.route();
        } else if (op instanceof NetOp.AddRule o) {
            return "add rule " + o.rule();
        } else if (op instanceof NetOp.DeleteRule o) {
            return "delete rule " + o.rule();
        } else if (op instanceof NetOp.AddNeighbour o) {
            return "add neighbour " + o.neighbour();
        } else if (op instanceof NetOp.DeleteNeighbour o) {
            return "delete neighbour " + o.neighbour();
        } else if (op instanceof NetOp.AddFdb o) {
            return "append fdb " + o.entry();
        } else if (op instanceof NetOp.DeleteFdb o) {
            return "delete fdb " + o.entry();
        } else if (op instanceof NetOp.SetNeighSuppress o) {
            return "set bridge port " + o.link() + " neigh_suppress " + (o.on() ? "on" : "off");
        } else if (op instanceof NetOp.SetTxChecksum o) {
            return "tx checksum offload " + (o.on() ? "on" : "off") + " on " + o.link();
        }
        return op.toString();
    }

    static String tunnels(List<VxlanTunnel> tunnels) {
        return tunnels.stream().map(t -> "vxlan " + t.name() + " vni " + t.vni()
                + (t.remote() == null ? "" : " to " + t.remote().getHostAddress()) + ":" + t.dstPort())
                .collect(Collectors.joining(", "));
    }

    static String names(List<InterfaceName> names) {
        return names.stream().map(InterfaceName::value).collect(Collectors.joining(", "));
    }
}
