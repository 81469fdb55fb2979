package io.overlaykit.netlink;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.spi.NetOp;
import io.overlaykit.netlink.internal.LinkKind;
import io.overlaykit.netlink.internal.RtnlMessages.RawLink;
import io.overlaykit.netlink.internal.Sys;
import io.overlaykit.netlink.internal.SysCallException;
import io.overlaykit.netlink.internal.VxlanMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What differs between link kinds for {@link RtnetlinkLinks}: creating one on its own (the messages come
 * from {@link NetOpCompiler}: a veth with its peer made directly in the peer's namespace, a bridge, a vxlan
 * from its attribute table; then what a create message cannot carry), and decoding a kernel link into a
 * {@link LinkInfo} (vxlan attributes with their parent device resolved to a name).
 */
final class LinkKinds {
    private final RtnetlinkLinks links;

    LinkKinds(RtnetlinkLinks links) {
        this.links = links;
    }

    LinkInfo create(VethPair veth) {
        return create(new NetOp.CreateVeth(veth), veth.name());
    }

    LinkInfo create(Bridge bridge) {
        return create(new NetOp.CreateBridge(bridge), bridge.name());
    }

    LinkInfo create(VxlanTunnel vxlan) {
        return create(new NetOp.CreateVxlan(vxlan), vxlan.name());
    }

    LinkInfo createWireGuard(InterfaceName name, Integer mtu, String alias) {
        return create(new NetOp.CreateWireGuard(name, mtu, alias), name);
    }

    /**
     * Sends the create, then what a create message cannot carry (the alias); a failure of the latter removes
     * the half-made link. Returns the link as the kernel made it.
     */
    private LinkInfo create(NetOp op, InterfaceName name) {
        List<Integer> fds = new ArrayList<>();
        NetOpBatch.Step step;
        try {
            step = new NetOpCompiler(links, NetOpCompiler.lookups(links, null), fds).compileOrThrow(op);
            links.channel().call(step.main().message(), step.main().operation());
        } finally {
            fds.forEach(Sys::closeQuietly);
        }
        try {
            if (step.extra() != null) {
                links.channel().call(step.extra().message(), step.extra().operation());
            }
            return links.get(name);
        } catch (RuntimeException e) {
            try {
                links.delete(name);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Opens {@code target} for IFLA_NET_NS_FD; the caller closes the descriptor. */
    int openNamespace(NetNamespace target, String op) {
        if (!links.namespaces().exists(target)) {
            throw new NotFoundException(op + ": namespace " + target.displayName() + " does not exist ("
                    + target.path() + ")");
        }
        try {
            return Sys.openReadOnly(target.path().toString());
        } catch (SysCallException e) {
            throw NetlinkException.typed(op + " (open " + target.path() + ")", links.label(), e.errno(), null, e);
        }
    }

    /**
     * Decodes a kernel link; {@code names} (index to name) resolves a vxlan's parent device, or, when
     * null, each index is looked up on its own.
     */
    LinkInfo toInfo(RawLink l, Map<Integer, String> names) {
        VxlanTunnel vx = null;
        if (LinkKind.VXLAN.kind().equals(l.kind())) {
            vx = VxlanMapping.fromAttributes(l.name(), l.kindData(), l.mtu(), l.alias(), idx -> {
                if (names != null) {
                    return names.get(idx);
                }
                return links.find(idx).map(i -> i.name().value()).orElse(null);
            });
        }
        MacAddress mac = l.mac() != null && l.mac().length == 6 ? MacAddress.ofBytes(l.mac()) : null;
        // the kernel sends IFLA_LINK only when it differs from the link itself; for a veth whose peer lives
        // in another namespace it may equal our own index by coincidence, so take it as it is
        int peer = l.link();
        return new LinkInfo(l.index(), InterfaceName.of(l.name()), l.kind(), l.mtu(), mac, l.up(), l.master(), peer,
                l.alias(), vx, l.neighSuppress());
    }
}
