package io.overlaykit.core.spec;

import java.net.InetAddress;
import java.util.List;

/**
 * A container on the overlay: either one OverlayKit runs ({@code image}, {@code command}) or an
 * {@code existing} one it only wires. {@code ip} is its address in the overlay subnet; {@code ip6} its IPv6
 * address when the spec has an IPv6 subnet (null: derived from {@code ip}, see {@link OverlaySpec#ipv6}).
 */
public record ContainerSpec(String name, InetAddress ip, String image, List<String> command, boolean existing,
                            InetAddress ip6) {

    /** Copies {@code command}; null is empty. Checked as part of the whole spec ({@link OverlaySpec#validate()}). */
    public ContainerSpec {
        command = command == null ? List.of() : List.copyOf(command);
    }

    /** A container whose IPv6 address (if the spec has IPv6) is derived from its IPv4 one. */
    public ContainerSpec(String name, InetAddress ip, String image, List<String> command, boolean existing) {
        this(name, ip, image, command, existing, null);
    }
}
