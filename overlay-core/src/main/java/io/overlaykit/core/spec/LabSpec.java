package io.overlaykit.core.spec;

import java.net.InetAddress;

/** Settings read only by the virtual lab: the address of its {@code outside} namespace. */
public record LabSpec(InetAddress outside) {
}
