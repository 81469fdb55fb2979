/**
 * The backend interfaces (service provider interface) that overlay-core plans against. Each is
 * implemented by one backend module and free of that backend's types: {@link NetworkStack},
 * {@link Namespaces}, {@link Links} and {@link Firewall} by overlay-netlink; {@link OverlaySwitch} by
 * overlay-ovs (Open vSwitch) and by core itself on top of {@link Links} (Linux bridge + kernel VXLAN);
 * {@link ContainerRuntime} by overlay-podman.
 */
package io.overlaykit.core.spi;
