package io.overlaykit.core.internal.forward;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.Namespaces;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Validated settings of one TCP forward, as the engine needs them. {@code namespaces} may be null only
 * when both namespaces are the current one; {@code idleTimeoutNanos} 0 means no idle timeout; with more
 * than one selector thread, each has its own listening socket on the same port ({@code SO_REUSEPORT}).
 */
public record ForwardSettings(
        InetSocketAddress listen,
        InetSocketAddress target,
        NetNamespace listenNamespace,
        NetNamespace targetNamespace,
        Namespaces namespaces,
        long connectTimeoutNanos,
        long idleTimeoutNanos,
        int maxConnections,
        int bufferSize,
        int backlog,
        boolean proxyProtocol,
        int selectorThreads) {

    public ForwardSettings {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(listenNamespace, "listenNamespace");
        Objects.requireNonNull(targetNamespace, "targetNamespace");
    }

    /** Short label for messages: {@code 127.0.0.1:8080 in hostA -> 10.1.0.5:80 in hostB}. */
    String label(InetSocketAddress bound) {
        return hostPort(bound) + (listenNamespace.isCurrent() ? "" : " in " + listenNamespace.displayName())
                + " -> " + hostPort(target)
                + (targetNamespace.isCurrent() ? "" : " in " + targetNamespace.displayName());
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
