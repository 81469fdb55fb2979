package io.overlaykit.netlink;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.spi.RequestHook;
import io.overlaykit.netlink.internal.Errno;
import io.overlaykit.netlink.internal.LibC;
import io.overlaykit.netlink.internal.Sys;
import io.overlaykit.netlink.internal.SysCallException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TX checksum offload of the links of one namespace for {@link RtnetlinkLinks}: rtnetlink does not carry
 * offloads, so this is SIOCETHTOOL on an AF_INET datagram socket opened inside the namespace (the ioctl
 * acts on the socket's namespace). Each ioctl is one {@link RequestHook.Backend#ETHTOOL} request.
 */
final class Offloads {
    private static final int ETHTOOL_GTXCSUM = 0x16;
    private static final int ETHTOOL_STXCSUM = 0x17;

    private final RtnlChannel channel;

    Offloads(RtnlChannel channel) {
        this.channel = channel;
    }

    /** Turns TX checksum offload on or off; {@code on} undoes an earlier off. */
    void setTxChecksum(InterfaceName link, boolean on) {
        channel.callIn(() -> {
            setInNamespace(link, on);
            return null;
        });
    }

    boolean txChecksum(InterfaceName link) {
        return channel.callIn(() -> {
            int fd = Sys.socket(LibC.AF_INET, LibC.SOCK_DGRAM, 0);
            try {
                return read(fd, link);
            } finally {
                Sys.closeQuietly(fd);
            }
        });
    }

    /**
     * The offload state of every link of {@code names} that exists and has it, in one visit to the namespace
     * (one ioctl per link).
     */
    Map<InterfaceName, Boolean> txChecksums(Collection<InterfaceName> names) {
        return channel.callIn(() -> {
            Map<InterfaceName, Boolean> out = new LinkedHashMap<>();
            int fd = Sys.socket(LibC.AF_INET, LibC.SOCK_DGRAM, 0);
            try {
                for (InterfaceName n : names) {
                    try {
                        out.put(n, read(fd, n));
                    } catch (RuntimeException e) {
                        int errno = NetlinkException.errnoOf(e);
                        if (errno != Errno.ENODEV && errno != Errno.EOPNOTSUPP) {
                            throw e;
                        }
                        // no such link, or a kind without the ethtool call: left out
                    }
                }
            } finally {
                Sys.closeQuietly(fd);
            }
            return out;
        });
    }

    static String setOp(InterfaceName link, boolean on) {
        return "turn tx checksum offload " + (on ? "on" : "off") + " on '" + link + "'";
    }

    /** One STXCSUM shown to the hook first; call it on the namespace's thread. */
    void setInNamespace(InterfaceName link, boolean on) {
        channel.hook().beforeRequest(RequestHook.Backend.ETHTOOL, RequestHook.Access.WRITE, setOp(link, on));
        setWithoutHook(link, on);
    }

    /** One STXCSUM, for a batch that has shown it to the hook itself; on the namespace's thread. */
    void setWithoutHook(InterfaceName link, boolean on) {
        String op = setOp(link, on);
        int fd = Sys.socket(LibC.AF_INET, LibC.SOCK_DGRAM, 0);
        try {
            Sys.ethtoolValue(fd, link.value(), ETHTOOL_STXCSUM, on ? 1 : 0);
        } catch (SysCallException e) {
            throw NetlinkException.typed(op, channel.label(), e.errno(), null, e);
        } finally {
            Sys.closeQuietly(fd);
        }
    }

    private boolean read(int fd, InterfaceName link) {
        String op = "read tx checksum offload of '" + link + "'";
        channel.hook().beforeRequest(RequestHook.Backend.ETHTOOL, RequestHook.Access.READ, op);
        try {
            return Sys.ethtoolValue(fd, link.value(), ETHTOOL_GTXCSUM, 0) != 0;
        } catch (SysCallException e) {
            throw NetlinkException.typed(op, channel.label(), e.errno(), null, e);
        }
    }
}
