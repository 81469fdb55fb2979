package io.overlaykit.core;

import java.net.InetAddress;
import java.util.Objects;

/** A static (permanent) ARP or NDP entry: {@code address} is at {@code mac} on {@code device}. */
public record Neighbour(InterfaceName device, InetAddress address, MacAddress mac) {
    public Neighbour {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(mac, "mac");
    }

    @Override
    public String toString() {
        return address.getHostAddress() + " lladdr " + mac + " dev " + device;
    }
}
