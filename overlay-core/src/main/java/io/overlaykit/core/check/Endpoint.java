package io.overlaykit.core.check;

import io.overlaykit.core.NetNamespace;
import java.net.InetAddress;
import java.util.Objects;

/**
 * Something a connectivity check probes from and to: a namespace (a container's, a lab host's) and the
 * address it answers on there. {@code name} labels the endpoint in reports.
 */
public record Endpoint(String name, NetNamespace namespace, InetAddress address) {
    /** Requires every component. */
    public Endpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(address, "address");
    }

    @Override
    public String toString() {
        return name + "(" + address.getHostAddress() + " in " + namespace.displayName() + ")";
    }
}
