package io.overlaykit.netlink;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.netlink.internal.Sys;
import io.overlaykit.netlink.internal.SysCallException;

/**
 * TX checksum offload of the links of one namespace for {@link RtnetlinkLinks}: rtnetlink does not carry
 * offloads, so this is SIOCETHTOOL on an AF_INET datagram socket opened inside the namespace (the ioctl
 * acts on the socket's namespace).
 */
final class Offloads {
    private static final int ETHTOOL_GTXCSUM = 0x16;
    private static final int ETHTOOL_STXCSUM = 0x17;

    private final RtnetlinkLinks links;

    Offloads(RtnetlinkLinks links) {
        this.links = links;
    }

    void disableTxChecksum(InterfaceName link) {
        setTxChecksum(link, false);
    }

    void setTxChecksum(InterfaceName link, boolean on) {
        ethtool(link, ETHTOOL_STXCSUM, on ? 1 : 0, "turn tx checksum offload " + (on ? "on" : "off") + " on '"
                + link + "'");
    }

    boolean txChecksum(InterfaceName link) {
        return ethtool(link, ETHTOOL_GTXCSUM, 0, "read tx checksum offload of '" + link + "'") != 0;
    }

    private int ethtool(InterfaceName link, int cmd, int data, String op) {
        return links.namespaces().callIn(links.namespace(), () -> {
            try {
                return Sys.ethtoolInCurrentNamespace(link.value(), cmd, data);
            } catch (SysCallException e) {
                throw NetlinkException.typed(op, links.label(), e.errno(), null, e);
            }
        });
    }
}
