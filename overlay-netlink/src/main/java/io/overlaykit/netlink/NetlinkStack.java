package io.overlaykit.netlink;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.Firewall;
import io.overlaykit.core.spi.NetworkStack;
import io.overlaykit.core.spi.OverlaySwitch;
import io.overlaykit.core.spi.RequestHook;
import io.overlaykit.core.spi.WireGuardDevices;
import io.overlaykit.core.wireguard.UapiWireGuard;
import io.overlaykit.netlink.internal.nft.Nft;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The Linux kernel's network stack through rtnetlink and JNA: namespaces, and per namespace a cached
 * {@link RtnetlinkLinks} handle. Deleting a namespace through {@link #namespaces()} closes its handle
 * first (an open netlink socket would keep the namespace alive). A cached handle is replaced when its
 * namespace file now names another namespace (a re-created namespace, a reused pid), and handles of
 * processes that are gone are closed. Never starts a process.
 *
 * <pre>{@code
 * try (NetlinkStack stack = NetlinkStack.open()) {
 *     NetNamespace ns = stack.namespaces().create("hostA");
 *     stack.links(ns).create(Bridge.named("br0"));
 * }
 * }</pre>
 */
public final class NetlinkStack implements NetworkStack {
    private final LinuxNamespaces namespaces;
    private final NetlinkWireGuard wireguard;
    private volatile boolean closed;

    private NetlinkStack(LinuxNamespaces namespaces) {
        this.namespaces = namespaces;
        this.wireguard = new NetlinkWireGuard(namespaces, new UapiWireGuard(UapiWireGuard.DEFAULT_DIR));
        Nft.reserveLowDescriptors(); // before this stack's handles push descriptor numbers past 1024
    }

    /** Opens a stack; sockets are created lazily per namespace. */
    public static NetlinkStack open() {
        return new NetlinkStack(new LinuxNamespaces());
    }

    /**
     * Opens a stack whose work inside a namespace fails with {@link io.overlaykit.core.OverlayTimeoutException}
     * after {@code callTimeout} (default {@link LinuxNamespaces#DEFAULT_CALL_TIMEOUT}).
     */
    public static NetlinkStack open(Duration callTimeout) {
        return new NetlinkStack(new LinuxNamespaces(callTimeout));
    }

    @Override
    public LinuxNamespaces namespaces() {
        return namespaces;
    }

    /** The cached handle of {@code ns} (kept by {@link LinuxNamespaces}, the one per-namespace cache). */
    @Override
    public RtnetlinkLinks links(NetNamespace ns) {
        ensureOpen();
        return namespaces.links(ns);
    }

    /** Which namespaces have a cached handle (for tests). */
    Set<NetNamespace> cachedNamespaces() {
        return namespaces.cachedNamespaces();
    }

    @Override
    public Firewall firewall(NetNamespace ns) {
        ensureOpen();
        // Stateless: each call makes a fresh libnftables context inside the namespace.
        return new NftablesFirewall(namespaces, ns);
    }

    /**
     * A {@link LinuxBridgeSwitch} on the links of {@code ns}: the switch of hosts whose spec says
     * {@code "switch": "linux"}.
     */
    @Override
    public Optional<OverlaySwitch> linuxSwitch(NetNamespace ns) {
        return Optional.of(new LinuxBridgeSwitch(links(ns)));
    }

    /**
     * The WireGuard interfaces of this stack's hosts: one with a {@code wireguard-go} UAPI socket in
     * {@code /var/run/wireguard} through that socket; otherwise a kernel WireGuard link through the
     * generic-netlink {@code wireguard} family of its namespace, which a plan creates itself where the kernel
     * has the family. Requests through generic netlink pass the {@link #requestHook} like all others.
     */
    @Override
    public WireGuardDevices wireguard() {
        return wireguard;
    }

    /**
     * Routes every request of this stack through {@code hook}: each netlink message (READ for a GET or a
     * dump, WRITE otherwise), each libnftables command, sysctl access and ethtool call. Applies to every
     * namespace handle, those open already and those opened later; null removes it.
     */
    @Override
    public void requestHook(RequestHook hook) {
        namespaces.requestHook(hook);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("NetlinkStack is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        namespaces.close();
    }
}
