/**
 * Open vSwitch without {@code ovs-vsctl}: {@link io.overlaykit.ovs.OvsdbClient}, an OVSDB JSON-RPC
 * client (RFC 7047) over Unix sockets, TCP or mutual TLS with monitors, a local
 * {@link io.overlaykit.ovs.TableCache} and reconnects; {@link io.overlaykit.ovs.Transaction}, a typed
 * builder of operations; and {@link io.overlaykit.ovs.OvsSwitch}, the OVS implementation of
 * {@link io.overlaykit.core.spi.OverlaySwitch}.
 */
package io.overlaykit.ovs;
