/**
 * The backend interfaces (service provider interface) that overlay-core plans against. Each is
 * implemented by one backend module and free of that backend's types: {@link NetworkStack},
 * {@link Namespaces}, {@link Links} and {@link Firewall} by overlay-netlink; {@link OverlaySwitch} by
 * overlay-ovs (Open vSwitch), overlay-ovn (OVN) and by overlay-netlink (Linux bridge + kernel VXLAN);
 * {@link ContainerRuntime} by overlay-podman.
 */
package io.overlaykit.core.spi;
