package io.overlaykit.netlink;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.wireguard.UapiWireGuard;
import io.overlaykit.core.spi.RequestHook;
import io.overlaykit.core.spi.WireGuardDevice;
import io.overlaykit.core.spi.WireGuardDevices;
import io.overlaykit.netlink.internal.Errno;
import io.overlaykit.netlink.internal.NlWriter;
import io.overlaykit.netlink.internal.WireGuardCodec;
import java.nio.file.Files;
import java.util.Optional;

/**
 * The WireGuard interfaces of a {@link NetlinkStack}'s hosts, wherever they come from: an interface with a
 * {@code wireguard-go} UAPI socket is served through that socket (as before this class existed); any other is
 * taken as a kernel WireGuard link and served through the generic-netlink {@code wireguard} family of its
 * namespace (GET_DEVICE dumps, SET_DEVICE replacing every peer). Where that family exists, a plan may create
 * the kernel link itself ({@link #canCreate}). Without it (no WireGuard in the kernel, as on the CI machine)
 * this behaves exactly as the UAPI client alone: nothing is found that has no socket, and nothing is created.
 * Keys travel only inside request bytes, never in messages.
 */
final class NetlinkWireGuard implements WireGuardDevices {
    private final LinuxNamespaces namespaces;
    private final UapiWireGuard uapi;

    NetlinkWireGuard(LinuxNamespaces namespaces, UapiWireGuard uapi) {
        this.namespaces = namespaces;
        this.uapi = uapi;
    }

    private boolean userspace(InterfaceName name) {
        return Files.exists(uapi.socket(name));
    }

    @Override
    public Optional<WireGuardDevice> read(NetNamespace ns, InterfaceName name) {
        if (userspace(name)) {
            Optional<WireGuardDevice> d = uapi.read(ns, name);
            if (d.isPresent()) {
                return d;
            }
            // a socket whose daemon is gone: the interface may still be a kernel link
        }
        GenericNetlink genl = namespaces.genl(ns);
        Optional<Integer> family = genl.family(WireGuardCodec.FAMILY);
        if (family.isEmpty()) {
            return Optional.empty();
        }
        String op = "read wireguard '" + name + "'";
        try {
            return Optional.of(WireGuardCodec.parseDevice(genl.dump(WireGuardCodec.getDevice(family.get(),
                    name.value()), op), name.value()));
        } catch (RuntimeException e) {
            int errno = NetlinkException.errnoOf(e);
            if (errno == Errno.ENODEV || errno == Errno.EOPNOTSUPP) {
                return Optional.empty(); // no such link, or a link of another kind
            }
            throw e;
        }
    }

    @Override
    public void configure(NetNamespace ns, InterfaceName name, WireGuardDevice config) {
        if (userspace(name)) {
            uapi.configure(ns, name, config);
            return;
        }
        GenericNetlink genl = namespaces.genl(ns);
        int family = genl.family(WireGuardCodec.FAMILY).orElseThrow(() -> new BackendException("cannot configure "
                + "WireGuard interface " + name + " in namespace " + genl.label() + ": it has no UAPI socket "
                + uapi.socket(name) + " and the kernel has no generic-netlink family \"wireguard\""));
        String op = "configure wireguard '" + name + "': port " + config.listenPort() + ", "
                + config.peers().size() + " peers";
        for (NlWriter m : WireGuardCodec.setDevice(family, name.value(), config)) {
            genl.call(m, op, RequestHook.Access.WRITE);
        }
    }

    @Override
    public String requirement(InterfaceName name) {
        return "a running `wireguard-go " + name + "` in the host's namespace (UAPI socket " + uapi.socket(name)
                + "), or a kernel with WireGuard (generic-netlink family \"wireguard\"; the SDK then creates the "
                + "link itself)";
    }

    /** Whether the kernel of {@code ns} has the generic-netlink {@code wireguard} family (one cached lookup). */
    @Override
    public boolean canCreate(NetNamespace ns) {
        return namespaces.genl(ns).family(WireGuardCodec.FAMILY).isPresent();
    }
}
