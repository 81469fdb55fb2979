package io.overlaykit.core.spec;

import io.overlaykit.core.InterfaceName;
import java.net.InetAddress;
import java.util.List;

/**
 * One host of the overlay: its VTEP address ({@code underlay}), its own gateway address in the overlay
 * (distinct per host), the uplink for egress (null: the link holding {@code underlay}), whether
 * containers masquerade out of it, its containers and its ingress forwards; {@code gateway6} is its IPv6
 * gateway address when the spec has an IPv6 subnet (null: derived, see {@link OverlaySpec#ipv6});
 * {@code publicKey}: its WireGuard public key (base64) when it is given rather than derived from the psk
 * (null: derived).
 */
public record HostSpec(String name, InetAddress underlay, InetAddress gateway, InterfaceName uplink,
                       boolean egress, List<ContainerSpec> containers, List<ForwardSpec> forwards,
                       InetAddress gateway6, String publicKey) {

    /** Copies {@code containers} and {@code forwards}; null is empty. Checked as part of the whole spec. */
    public HostSpec {
        containers = containers == null ? List.of() : List.copyOf(containers);
        forwards = forwards == null ? List.of() : List.copyOf(forwards);
    }

    /** A host whose IPv6 gateway (if the spec has IPv6) is derived from its IPv4 one. */
    public HostSpec(String name, InetAddress underlay, InetAddress gateway, InterfaceName uplink, boolean egress,
                    List<ContainerSpec> containers, List<ForwardSpec> forwards) {
        this(name, underlay, gateway, uplink, egress, containers, forwards, null, null);
    }

    /** The forwards of one mode: {@code USERSPACE} ones are what the {@code serve} command runs. */
    public List<ForwardSpec> forwards(ForwardSpec.Mode mode) {
        return forwards.stream().filter(f -> f.mode() == mode).toList();
    }

    /** The container called {@code containerName}, if this host has it. */
    public java.util.Optional<ContainerSpec> container(String containerName) {
        return containers.stream().filter(c -> c.name().equals(containerName)).findFirst();
    }
}
