/**
 * The virtual lab: several simulated hosts on one machine for integration tests, the demo and benchmarks.
 *
 * <p>{@link io.overlaykit.testkit.Lab} builds hosts as network namespaces on an underlay wire, optionally
 * with per-host Open vSwitch daemons and a private podman service; {@link io.overlaykit.testkit.WithLab}
 * gives a JUnit 5 test class a ready lab. Everything carries the lab's prefix, is recorded under
 * {@code /run/overlaykit-lab/PREFIX/} before it is made, and is removed on close, on JVM exit, or by the next
 * start's sweeper after a crash.
 *
 * <p>Until the netlink, ovs and podman modules are merged, the lab drives {@code ip}, {@code ethtool},
 * {@code ovs-vsctl} and {@code podman} through one internal class ({@code internal.Cli}) so the calls can be
 * swapped for SDK calls in one place.
 */
package io.overlaykit.testkit;
