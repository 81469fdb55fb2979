package io.overlaykit.core.spi;

import io.overlaykit.core.NetNamespace;
import java.util.Optional;

/**
 * The kernel's network stack as one handle: namespaces, and per namespace its links, addresses,
 * routes, neighbours and firewall. Handles for a namespace are opened lazily, cached and closed with
 * the stack.
 */
public interface NetworkStack extends AutoCloseable {

    /** Creating, entering and deleting namespaces, and their sysctls. */
    Namespaces namespaces();

    /** Link, address, route and neighbour operations inside {@code ns}. */
    Links links(NetNamespace ns);

    /** The nftables tables of {@code ns}. */
    Firewall firewall(NetNamespace ns);

    /**
     * The kernel's own switch in {@code ns} (a Linux bridge with kernel VXLAN), for specs with
     * {@code "switch": "linux"}; empty when this stack has none. Core knows no backend: a host without a
     * switch of its own takes this one.
     */
    default Optional<OverlaySwitch> linuxSwitch(NetNamespace ns) {
        return Optional.empty();
    }

    /**
     * Routes every request this backend sends through {@code hook} (counting, fault injection); null or
     * {@link RequestHook#NONE} removes it. The default ignores the hook: backends that can tell override it.
     */
    default void requestHook(RequestHook hook) {
    }

    /** Closes every per-namespace handle; idempotent. */
    @Override
    void close();

    /**
     * Where the WireGuard interfaces of hosts on this stack are configured, unless a host is given its own
     * ({@code Host.Builder.wireguard}). The default: only {@code wireguard-go}'s UAPI sockets in
     * {@code /var/run/wireguard}; a stack that can reach the kernel's WireGuard overrides it.
     *
     * @return the WireGuard devices of this stack's hosts
     */
    default WireGuardDevices wireguard() {
        return new io.overlaykit.core.wireguard.UapiWireGuard(
                io.overlaykit.core.wireguard.UapiWireGuard.DEFAULT_DIR);
    }
}
