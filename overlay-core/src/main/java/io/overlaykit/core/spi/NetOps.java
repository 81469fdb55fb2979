package io.overlaykit.core.spi;

/** Runs one {@link NetOp} through the single-request methods of {@link Links} (the default batch executor). */
final class NetOps {
    private NetOps() {
    }

    static void run(Links links, NetOp op) {
        if (op instanceof NetOp.CreateVeth o) {
            links.create(o.veth());
        } else if (op instanceof NetOp.CreateBridge o) {
            links.create(o.bridge());
        } else if (op instanceof NetOp.CreateVxlan o) {
            links.create(o.vxlan());
        } else if (op instanceof NetOp.CreateWireGuard o) {
            links.createWireGuard(o.name(), o.mtu(), o.alias());
        } else if (op instanceof NetOp.DeleteLink o) {
            links.delete(o.link());
        } else if (op instanceof NetOp.SetUp o) {
            if (o.up()) {
                links.setUp(o.link());
            } else {
                links.setDown(o.link());
            }
        } else if (op instanceof NetOp.SetMtu o) {
            links.setMtu(o.link(), o.mtu());
        } else if (op instanceof NetOp.SetMac o) {
            links.setMac(o.link(), o.mac());
        } else if (op instanceof NetOp.SetMaster o) {
            links.setMaster(o.link(), o.master());
        } else if (op instanceof NetOp.SetAlias o) {
            links.setAlias(o.link(), o.alias());
        } else if (op instanceof NetOp.AddAddress o) {
            links.addAddress(o.link(), o.address());
        } else if (op instanceof NetOp.DeleteAddress o) {
            links.deleteAddress(o.link(), o.address());
        } else if (op instanceof NetOp.AddRoute o) {
            links.addRoute(o.route());
        } else if (op instanceof NetOp.DeleteRoute o) {
            links.deleteRoute(o.route());
        } else if (op instanceof NetOp.AddRule o) {
            links.addRule(o.rule());
        } else if (op instanceof NetOp.DeleteRule o) {
            links.deleteRule(o.rule());
        } else if (op instanceof NetOp.AddNeighbour o) {
            links.addNeighbour(o.neighbour());
        } else if (op instanceof NetOp.DeleteNeighbour o) {
            links.deleteNeighbour(o.neighbour());
        } else if (op instanceof NetOp.AddFdb o) {
            links.addFdb(o.entry());
        } else if (op instanceof NetOp.DeleteFdb o) {
            links.deleteFdb(o.entry());
        } else if (op instanceof NetOp.SetTxChecksum o) {
            links.setTxChecksum(o.link(), o.on());
        } else if (op instanceof NetOp.SetNeighSuppress o) {
            links.setNeighSuppress(o.link(), o.on());
        } else {
            throw new IllegalArgumentException("unknown op " + op);
        }
    }
}
