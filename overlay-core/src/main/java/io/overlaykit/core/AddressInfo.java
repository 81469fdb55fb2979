package io.overlaykit.core;

/** An address as read back from the kernel: {@code prefix} on the link with {@code linkIndex}. */
public record AddressInfo(int linkIndex, InterfaceName link, IpPrefix prefix) {
}
