/**
 * Open vSwitch without {@code ovs-vsctl}: {@link io.overlaykit.ovs.OvsdbClient}, an OVSDB JSON-RPC
 * client (RFC 7047) over Unix sockets, TCP or mutual TLS with monitors, a local
 * {@link io.overlaykit.ovs.TableCache} kept current by them (re-synced after every reconnect) and a request
 * hook; {@link io.overlaykit.ovs.Transaction}, a typed builder of operations; and
 * {@link io.overlaykit.ovs.OvsSwitch}, the OVS implementation of {@link io.overlaykit.core.spi.OverlaySwitch},
 * which reads an {@link io.overlaykit.ovs.OvsView} of that cache (no request per call), plans with
 * {@link io.overlaykit.ovs.OvsPortPlanner} into {@link io.overlaykit.ovs.PortChange}s and sends them as one
 * guarded transaction.
 */
package io.overlaykit.ovs;
