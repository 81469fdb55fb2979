package io.overlaykit.core;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * A route: {@code destination} (null for the default route) via an optional {@code gateway} and/or out
 * of {@code device}, in routing {@code table} (254 = main). A multipath (ECMP) route has neither gateway
 * nor device but two or more {@code nexthops}; every other route has none.
 *
 * <pre>{@code Route.defaultVia("172.16.0.1")}</pre>
 */
public record Route(IpPrefix destination, InetAddress gateway, InterfaceName device, boolean onLink,
                    int table, Integer metric, List<NextHop> nexthops) {
    /** The kernel's main routing table ({@code RT_TABLE_MAIN}). */
    public static final int MAIN_TABLE = 254;

    /** One path of a multipath route ({@code ip route ... nexthop via G dev D weight W}). */
    public record NextHop(InetAddress gateway, InterfaceName device, int weight, boolean onLink) {
        /**
         * {@code gateway} or {@code device} may be null, not both.
         * @throws InvalidSpecException if both are null or {@code weight} is outside 1..256
         */
        public NextHop {
            if (gateway == null && device == null) {
                throw new InvalidSpecException("route nexthop", "empty", "needs a gateway or a device");
            }
            if (weight < 1 || weight > 256) {
                throw new InvalidSpecException("route nexthop weight", weight, "must be 1 to 256");
            }
        }

        @Override
        public String toString() {
            return "nexthop" + (gateway == null ? "" : " via " + gateway.getHostAddress())
                    + (device == null ? "" : " dev " + device) + " weight " + weight + (onLink ? " onlink" : "");
        }
    }

    /** A route with a single path (no nexthops). */
    public Route(IpPrefix destination, InetAddress gateway, InterfaceName device, boolean onLink, int table,
                 Integer metric) {
        this(destination, gateway, device, onLink, table, metric, List.of());
    }

    /**
     * {@code destination}, {@code gateway}, {@code device} and {@code metric} may be null; a null {@code nexthops} is
     * empty (and the list is copied).
     * @throws InvalidSpecException if a multipath route also has a gateway, a device or {@code onLink}; if a
     *     route has no destination, gateway, device nor nexthops; if {@code table} is not positive; or if the
     *     gateway's address family differs from the destination's
     */
    public Route {
        nexthops = nexthops == null ? List.of() : List.copyOf(nexthops);
        if (!nexthops.isEmpty() && (gateway != null || device != null || onLink)) {
            throw new InvalidSpecException("route", String.valueOf(destination),
                    "a multipath route has its gateways and devices in its nexthops only");
        }
        if (destination == null && gateway == null && device == null && nexthops.isEmpty()) {
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

    /** A multipath route to {@code destination} (null: default) over {@code nexthops}, in the main table. */
    public static Route multipath(IpPrefix destination, List<NextHop> nexthops) {
        if (Objects.requireNonNull(nexthops, "nexthops").isEmpty()) {
            throw new InvalidSpecException("route nexthops", "[]", "a multipath route needs nexthops");
        }
        return new Route(destination, null, null, false, MAIN_TABLE, null, nexthops);
    }

    /** This route in routing table {@code table} (a positive id). */
    public Route inTable(int table) {
        return new Route(destination, gateway, device, onLink, table, metric, nexthops);
    }

    /** This route out of {@code device}. */
    public Route viaDevice(InterfaceName device) {
        return new Route(destination, gateway, device, onLink, table, metric, nexthops);
    }

    /** This route with the {@code onlink} flag: the gateway is reachable on the device without a subnet route. */
    public Route withOnLink(boolean onLink) {
        return new Route(destination, gateway, device, onLink, table, metric, nexthops);
    }

    /** True for a multipath route (its paths are in {@link #nexthops()}). */
    public boolean isMultipath() {
        return !nexthops.isEmpty();
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
                + (metric == null ? "" : " metric " + metric)
                + nexthops.stream().map(h -> " " + h).collect(java.util.stream.Collectors.joining());
    }
}
