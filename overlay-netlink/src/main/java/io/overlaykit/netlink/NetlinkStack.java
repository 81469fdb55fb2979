package io.overlaykit.netlink;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.Firewall;
import io.overlaykit.core.spi.NetworkStack;
import io.overlaykit.netlink.internal.NsExecutor;
import io.overlaykit.netlink.internal.nft.Nft;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
    private final Map<NetNamespace, RtnetlinkLinks> links = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private NetlinkStack(LinuxNamespaces namespaces) {
        this.namespaces = namespaces;
        namespaces.onDelete(this::forget);
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

    @Override
    public RtnetlinkLinks links(NetNamespace ns) {
        if (closed) {
            throw new IllegalStateException("NetlinkStack is closed");
        }
        RtnetlinkLinks cached = links.get(ns);
        if (cached != null && !cached.isClosed() && cached.nsInode() == inodeOrMinusOne(ns)) {
            return cached; // one stat of the namespace file
        }
        // a new handle: a good moment to close those of containers that are gone
        LinuxNamespaces.sweepDeadProcesses(links, RtnetlinkLinks::close);
        long inode = namespaces.inodeOf(ns);
        return links.compute(ns, (k, old) -> {
            if (old != null && !old.isClosed() && old.nsInode() == inode) {
                return old;
            }
            if (old != null) {
                old.close();
            }
            return RtnetlinkLinks.open(namespaces, k);
        });
    }

    private static long inodeOrMinusOne(NetNamespace ns) {
        try {
            return NsExecutor.inodeOf(ns.path());
        } catch (UncheckedIOException e) {
            return -1;
        }
    }

    /** Which namespaces have a cached handle (for tests). */
    Set<NetNamespace> cachedNamespaces() {
        return Set.copyOf(links.keySet());
    }

    @Override
    public Firewall firewall(NetNamespace ns) {
        if (closed) {
            throw new IllegalStateException("NetlinkStack is closed");
        }
        // Stateless: each call makes a fresh libnftables context inside the namespace.
        return new NftablesFirewall(namespaces, ns);
    }

    private void forget(NetNamespace ns) {
        RtnetlinkLinks l = links.remove(ns);
        if (l != null) {
            l.close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        links.values().forEach(RtnetlinkLinks::close);
        links.clear();
        namespaces.close();
    }
}
