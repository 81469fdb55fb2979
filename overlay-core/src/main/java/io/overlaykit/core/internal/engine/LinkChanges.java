package io.overlaykit.core.internal.engine;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spi.NetOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The link changes that several parts of a plan need, each with its inverse from the observed value. */
final class LinkChanges {
    private LinkChanges() {
    }

    static Change.Net net(Target t, NetOp op, NetOp undo) {
        return new Change.Net(t, op, undo);
    }

    /** MTU {@code mtu} on a link that exists (or is created by this plan, with that MTU already). */
    static List<Change> mtu(PlanContext ctx, Target t, InterfaceName link, int mtu) {
        Optional<LinkInfo> l = ctx.observed(t, link);
        if (l.isEmpty() || l.get().mtu() == mtu) {
            return List.of();
        }
        return List.of(net(t, new NetOp.SetMtu(link, mtu), new NetOp.SetMtu(link, l.get().mtu())));
    }

    /** Sets links up that are down (or created by this plan, which makes them down). */
    static List<Change> up(PlanContext ctx, Target t, InterfaceName... links) {
        List<Change> out = new ArrayList<>();
        for (InterfaceName link : links) {
            Optional<LinkInfo> l = ctx.observed(t, link);
            if (l.isEmpty() || !l.get().up()) {
                out.add(net(t, new NetOp.SetUp(link, true), new NetOp.SetUp(link, false)));
            }
        }
        return out;
    }

    /** Adds {@code address} to a link unless it has it. */
    static List<Change> address(PlanContext ctx, Target t, InterfaceName link, IpPrefix address) {
        boolean has = !ctx.isCreated(t, link) && ctx.snap.namespace(t).addresses(link).stream()
                .anyMatch(a -> a.prefix().equals(address));
        return has ? List.of() : List.of(net(t, new NetOp.AddAddress(link, address), new NetOp.DeleteAddress(link, address)));
    }

    /** A link deleted without undo: a leftover of ours that is in the way or no longer wanted. */
    static Change deleteLeftover(Target t, InterfaceName link) {
        return net(t, new NetOp.DeleteLink(link), null);
    }
}
