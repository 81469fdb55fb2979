/**
 * The virtual lab: several simulated hosts on one machine for integration tests, the demo and benchmarks.
 *
 * <p>{@link io.overlaykit.testkit.Lab} builds hosts as network namespaces on an underlay wire, optionally
 * with per-host Open vSwitch daemons and a private podman service; {@link io.overlaykit.testkit.WithLab}
 * gives a JUnit 5 test class a ready lab. Everything carries the lab's prefix, is recorded under
 * {@code /run/overlaykit-lab/PREFIX/} before it is made, and is removed on close, on JVM exit, or by the next
 * start's sweeper after a crash.
 *
 * <p>The lab is built with the SDK itself: namespaces, links, addresses and offloads through overlay-netlink,
 * the OVS database ({@code init}, {@code br-phy}) through overlay-ovs, the test image and container removal
 * through overlay-podman. Processes remain only for the daemons (ovsdb-server, ovs-vswitchd, the podman
 * service, started in a namespace with {@code ip netns exec}), {@code ovsdb-tool create}, {@link
 * io.overlaykit.testkit.Lab#exec} (a test oracle), and the teardown of a run whose podman service is already
 * gone (podman in direct mode, {@code umount -l} of its storage).
 */
package io.overlaykit.testkit;
