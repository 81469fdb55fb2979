package io.overlaykit.samples;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.OverlaySwitch;
import java.net.InetAddress;
import java.util.Objects;

/**
 * One machine of the seed walkthrough: its namespace (a lab host's, or the real root namespace), its
 * underlay (VTEP) address and the link holding it, its switch backend, the container it runs, and the
 * overlay addresses of that container and of the host's own gateway.
 *
 * @param name         host name, e.g. {@code hostA}
 * @param namespace    the namespace that plays the host's root namespace
 * @param underlay     the VTEP address, e.g. {@code 192.0.2.2}
 * @param uplink       the link holding {@code underlay} ({@code eth0}, or {@code br-phy} with OVS)
 * @param overlaySwitch the bridge backend: OVS or Linux bridge
 * @param container    name of the container this host runs
 * @param containerIp  the container's address in the overlay, e.g. {@code 172.16.0.10/24}
 * @param gateway      this host's gateway address in the overlay (distinct per host), e.g. {@code 172.16.0.1/24}
 */
public record SeedHost(String name, NetNamespace namespace, InetAddress underlay, InterfaceName uplink,
                       OverlaySwitch overlaySwitch, String container, IpPrefix containerIp, IpPrefix gateway) {
    public SeedHost {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(underlay, "underlay");
        Objects.requireNonNull(uplink, "uplink");
        Objects.requireNonNull(overlaySwitch, "overlaySwitch");
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(containerIp, "containerIp");
        Objects.requireNonNull(gateway, "gateway");
    }
}
