package io.overlaykit.core.spi;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.NetNamespace;
import java.util.Optional;

/**
 * Where a host's WireGuard interfaces are configured: the userspace {@code wireguard-go}'s UAPI socket
 * ({@code /var/run/wireguard/IFNAME.sock}), or the kernel's generic-netlink {@code wireguard} family. The SDK never
 * starts a WireGuard daemon: the interface must exist (the host runs {@code wireguard-go IFNAME}, or the kernel
 * has WireGuard).
 */
public interface WireGuardDevices {

    /** The interface's configuration and peer state; empty when no WireGuard interface of that name is reachable. */
    Optional<WireGuardDevice> read(NetNamespace ns, InterfaceName name);

    /** Sets the private key and port and replaces every peer with {@code config}'s. */
    void configure(NetNamespace ns, InterfaceName name, WireGuardDevice config);

    /** What a host needs so that {@link #read} finds interface {@code name}, for refusals that say what is missing. */
    String requirement(InterfaceName name);

    /**
     * Whether the kernel of {@code ns} can make WireGuard links itself, so that a plan creates the interface
     * ({@link NetOp.CreateWireGuard}, tagged as ours and removed by teardown) instead of refusing a missing one.
     * False by default: interfaces come from elsewhere (a running {@code wireguard-go}).
     *
     * @param ns the host's namespace
     * @return true when a kernel WireGuard link can be created there and then configured through this
     */
    default boolean canCreate(NetNamespace ns) {
        return false;
    }
}
