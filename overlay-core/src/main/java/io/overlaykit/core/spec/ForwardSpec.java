package io.overlaykit.core.spec;

/**
 * An ingress forward: connections to {@code listen} on this host reach {@code target} in the overlay.
 * {@code dnat} uses kernel NAT (tcp or udp, keeps the client address); {@code userspace} is a TCP
 * forwarder in the JVM, optionally sending a PROXY protocol v2 header.
 */
public record ForwardSpec(Endpoint listen, Endpoint target, Mode mode, Protocol protocol, boolean proxyProtocol) {

    /** How a forward is carried out. */
    public enum Mode {
        /** Kernel NAT (nftables DNAT): TCP or UDP, the target sees the client's address. */
        DNAT,
        /** A TCP forwarder in the JVM ({@code overlay serve}), optionally with a PROXY protocol v2 header. */
        USERSPACE
    }

    /** Transport protocol of a forward. */
    public enum Protocol {
        /** TCP. */
        TCP,
        /** UDP ({@link Mode#DNAT} only). */
        UDP
    }

    /** A null {@code mode} is {@link Mode#DNAT}, a null {@code protocol} {@link Protocol#TCP}. */
    public ForwardSpec {
        mode = mode == null ? Mode.DNAT : mode;
        protocol = protocol == null ? Protocol.TCP : protocol;
    }

    /** A TCP kernel-DNAT forward. */
    public static ForwardSpec dnat(String listen, String target) {
        return new ForwardSpec(Endpoint.parse(listen), Endpoint.parse(target), Mode.DNAT, Protocol.TCP, false);
    }

    @Override
    public String toString() {
        return mode.name().toLowerCase(java.util.Locale.ROOT) + " " + protocol.name().toLowerCase(java.util.Locale.ROOT)
                + " " + listen + " -> " + target + (proxyProtocol ? " (proxy protocol)" : "");
    }
}
