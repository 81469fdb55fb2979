package io.overlaykit.core;

import java.net.InetAddress;

/**
 * A route: {@code destination} (null for the default route) via an optional {@code gateway} and/or out
 * of {@code device}, in routing {@code table} (254 = main).
 *
 * <pre>{@code Route.defaultVia("172.16.0.1")}</pre>
 */
public record Route(IpPrefix destination, InetAddress gateway, InterfaceName device, boolean onLink,
                    int table, Integer metric) {
    /** The kernel's main routing table ({@code RT_TABLE_MAIN}). */
    public static final int MAIN_TABLE = 254;

    public Route {
        if (destination == null && gateway == null && device == null) {
            throw new InvalidSpecException("route", "default", "needs a gateway or a device");
        }
        if (table < 1) {
            throw new InvalidSpecException("route table", table, "must be a positive table id");
        }
        if (destination != null && gateway != null
                && destination.isIpv4() != (gateway instanceof java.net.Inet4Address)) {
            throw new InvalidSpecException("route gateway", gateway.getHostAddress(),
                    "address family differs from destination " + destination);
        }
    }

    /** The default route via {@code gateway} in the main table. */
    public static Route defaultVia(String gateway) {
        return new Route(null, IpPrefix.parseAddress(gateway), null, false, MAIN_TABLE, null);
    }

    /** The default route via {@code gateway} in the main table. */
    public static Route defaultVia(InetAddress gateway) {
        return new Route(null, gateway, null, false, MAIN_TABLE, null);
    }

    /** A directly connected route: {@code destination} out of {@code device}. */
    public static Route onLink(IpPrefix destination, InterfaceName device) {
        return new Route(destination.network(), null, device, false, MAIN_TABLE, null);
    }

    /** This route in routing table {@code table} (a positive id). */
    public Route inTable(int table) {
        return new Route(destination, gateway, device, onLink, table, metric);
    }

    /** This route out of {@code device}. */
    public Route viaDevice(InterfaceName device) {
        return new Route(destination, gateway, device, onLink, table, metric);
    }

    /** This route with the {@code onlink} flag: the gateway is reachable on the device without a subnet route. */
    public Route withOnLink(boolean onLink) {
        return new Route(destination, gateway, device, onLink, table, metric);
    }

    /** True for a default route (no destination, or a /0). */
    public boolean isDefault() {
        return destination == null || destination.length() == 0;
    }

    @Override
    public String toString() {
        return (isDefault() ? "default" : destination.toString())
                + (gateway == null ? "" : " via " + gateway.getHostAddress())
                + (device == null ? "" : " dev " + device)
                + (onLink ? " onlink" : "")
                + (table == MAIN_TABLE ? "" : " table " + table)
                + (metric == null ? "" : " metric " + metric);
    }
}
