package io.overlaykit.core.spi;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * One nftables table of ours (family {@code inet}), described as data: the backend turns it into
 * chains and rules. A table is replaced whole, so it is the unit of apply and of undo.
 */
public record FirewallTable(String name, List<Rule> rules) {

    /** Requires {@code name}; copies {@code rules}. */
    public FirewallTable {
        Objects.requireNonNull(name, "name");
        rules = List.copyOf(rules);
    }

    /** A rule kind the backend knows how to render. */
    public sealed interface Rule permits Masquerade, Dnat, Connmark, ForwardAccept, Untracked, UdpOnlyFrom {
    }

    /**
     * Source NAT to the outgoing interface's address for packets from {@code source} leaving through
     * {@code outInterface} (null: any), except those headed to {@code exceptDestination} (null: none).
     * With {@code onlyDnatted}, only connections that were destination-NATed (hairpin).
     */
    public record Masquerade(IpPrefix source, InterfaceName outInterface, IpPrefix exceptDestination,
                             boolean onlyDnatted) implements Rule {
    }

    /** Destination NAT in prerouting and output: {@code listen:port} becomes {@code target:targetPort}. */
    public record Dnat(Protocol protocol, InetAddress listen, int port, InetAddress target, int targetPort)
            implements Rule {
    }

    /**
     * New connections arriving on {@code inInterface} from link-layer source {@code fromMac} get
     * connection mark {@code mark}; packets of marked connections leaving this namespace get
     * {@code mark} as packet mark, so a policy route can send replies back the way the request came.
     */
    public record Connmark(InterfaceName inInterface, io.overlaykit.core.MacAddress fromMac, int mark)
            implements Rule {
    }

    /**
     * Forward filter: packets between {@code subnet} and anything else are accepted only when they are
     * of connections the subnet started, or DNATed to it; everything else crossing into the subnet is
     * dropped. {@code bridge} is the overlay-side interface.
     */
    public record ForwardAccept(IpPrefix subnet, InterfaceName bridge) implements Rule {
    }

    /**
     * Packets arriving on {@code inInterface} skip connection tracking (raw priority, before conntrack).
     * For a Linux bridge in a namespace where br_netfilter is active: the frames it switches between its
     * ports would otherwise be tracked a second time and clash with the NAT entries of the routed pass.
     */
    public record Untracked(InterfaceName inInterface) implements Rule {
    }

    /**
     * UDP packets to local port {@code port} are dropped unless they come from one of {@code sources} (a WireGuard
     * port that only the overlay's other hosts may reach); an empty list drops them all.
     */
    public record UdpOnlyFrom(int port, java.util.List<java.net.InetAddress> sources) implements Rule {
        /** Copies {@code sources}. */
        public UdpOnlyFrom {
            sources = java.util.List.copyOf(sources);
        }
    }

    /** A transport protocol a rule matches. */
    public enum Protocol {
        /** TCP. */
        TCP,
        /** UDP. */
        UDP
    }
}
