package io.overlaykit.netlink;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.Firewall;
import io.overlaykit.core.spi.NetworkStack;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Linux kernel's network stack through rtnetlink and JNA: namespaces, and per namespace a cached
 * {@link RtnetlinkLinks} handle. Deleting a namespace through {@link #namespaces()} closes its handle
 * first (an open netlink socket would keep the namespace alive). Never starts a process.
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
    }

    /** Opens a stack; sockets are created lazily per namespace. */
    public static NetlinkStack open() {
        return new NetlinkStack(new LinuxNamespaces());
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
        return links.compute(ns, (k, old) -> old != null && !old.isClosed() ? old : RtnetlinkLinks.open(namespaces, k));
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
