/**
 * WireGuard configured from the JVM without a helper process: {@link io.overlaykit.core.wireguard.UapiWireGuard}
 * speaks the userspace {@code wireguard-go}'s UAPI socket protocol. Kernel WireGuard (generic netlink) lives in
 * overlay-netlink, which serves interfaces that have a UAPI socket through this client.
 */
package io.overlaykit.core.wireguard;
