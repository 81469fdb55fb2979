package io.overlaykit.core.spec;

import java.net.InetAddress;
import java.util.List;

/**
 * A container on the overlay: either one OverlayKit runs ({@code image}, {@code command}) or an
 * {@code existing} one it only wires. {@code ip} is its address in the overlay subnet.
 */
public record ContainerSpec(String name, InetAddress ip, String image, List<String> command, boolean existing) {

    public ContainerSpec {
        command = command == null ? List.of() : List.copyOf(command);
    }
}
