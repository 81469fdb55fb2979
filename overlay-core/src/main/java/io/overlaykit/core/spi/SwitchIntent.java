package io.overlaykit.core.spi;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.Vni;
import io.overlaykit.core.plan.Target;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * What one host's switch should look like, in the spec's terms: a bridge tagged with the owner (the spec
 * name), a tunnel to each peer host, and the ports to plug in. The switch backend turns it into the steps
 * of its own part of the plan ({@link OverlaySwitch#plan}).
 *
 * @param bridge  name, MTU and link alias of the overlay bridge
 * @param local   this host's VTEP address (the tunnels' source)
 * @param device  the underlay device the tunnels are pinned to
 * @param layer3Device whether {@code device} is a layer-3 link (a WireGuard interface: no MAC, no bridge port),
 *                which a switch whose own tunnels need an L2 underlay must route around
 * @param peers   one entry per other host
 * @param ports   links to plug into the bridge (container veth host ends, the gateway port)
 * @param addresses every overlay address of the spec's containers, on any host, with its MAC: what a switch
 *                that answers ARP and neighbour solicitations itself (neighbour suppression) answers for
 */
public record SwitchIntent(String owner, Bridge bridge, Vni vni, int udpPort, InetAddress local,
                           InterfaceName device, boolean layer3Device, List<Peer> peers, List<Port> ports,
                           List<Address> addresses) {

    /** Requires {@code owner}, {@code bridge} and {@code vni}; copies the lists (null {@code addresses}: none). */
    public SwitchIntent {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(bridge, "bridge");
        Objects.requireNonNull(vni, "vni");
        peers = List.copyOf(peers);
        ports = List.copyOf(ports);
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }

    /** An intent without the spec's addresses (a switch then answers no ARP itself). */
    public SwitchIntent(String owner, Bridge bridge, Vni vni, int udpPort, InetAddress local, InterfaceName device,
                        boolean layer3Device, List<Peer> peers, List<Port> ports) {
        this(owner, bridge, vni, udpPort, local, device, layer3Device, peers, ports, List.of());
    }

    /** An intent whose tunnels ride an ordinary (layer-2) underlay device. */
    public SwitchIntent(String owner, Bridge bridge, Vni vni, int udpPort, InetAddress local, InterfaceName device,
                        List<Peer> peers, List<Port> ports) {
        this(owner, bridge, vni, udpPort, local, device, false, peers, ports);
    }

    /** This intent with {@code addresses} as the spec's addresses. */
    public SwitchIntent withAddresses(List<Address> addresses) {
        return new SwitchIntent(owner, bridge, vni, udpPort, local, device, layer3Device, peers, ports, addresses);
    }

    /**
     * An overlay address (IPv4 or IPv6) of a spec container: which host runs it, and its MAC.
     */
    public record Address(String host, InetAddress ip, io.overlaykit.core.MacAddress mac) {
        /** Requires every component. */
        public Address {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(ip, "ip");
            Objects.requireNonNull(mac, "mac");
        }
    }

    /**
     * Another host of the overlay: the tunnel towards it ({@code tunnel} is the name an OVS-style port takes),
     * the step id its part of the plan gets, and the MAC addresses the spec places behind it ({@code macs}: its
     * containers and its gateway), for backends that program static forwarding entries instead of flooding.
     */
    public record Peer(String host, InetAddress remote, InterfaceName tunnel, String stepId,
                       java.util.List<io.overlaykit.core.MacAddress> macs) {
        /** Requires all but {@code macs} (null: none known); copies {@code macs}. */
        public Peer {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(remote, "remote");
            Objects.requireNonNull(tunnel, "tunnel");
            Objects.requireNonNull(stepId, "stepId");
            macs = macs == null ? List.of() : List.copyOf(macs);
        }

        /** A peer with no known MAC behind it (everything towards it is flooded or learned). */
        public Peer(String host, InetAddress remote, InterfaceName tunnel, String stepId) {
            this(host, remote, tunnel, stepId, List.of());
        }
    }

    /**
     * A link to plug into the bridge, in the host's namespace, and the other end of its veth
     * ({@code peerTarget}/{@code peerLink}; null when there is none), with the step ids for plugging it in
     * ({@code attachStep}) and for settings the switch needs on both ends ({@code settingsStep}).
     * {@code fresh}: the plan (re)creates the veth, so what was observed of its ends no longer holds (a port
     * of the switch may still name the old device). {@code name}, {@code mac} and {@code address} say what the
     * port carries in the spec's terms (the container's name, or the host's for its gateway; the MAC and overlay
     * address of the other end), for switches that declare ports logically (OVN); null when not known.
     */
    public record Port(InterfaceName link, Target peerTarget, InterfaceName peerLink, String attachStep,
                       String settingsStep, boolean fresh, String name, io.overlaykit.core.MacAddress mac,
                       InetAddress address) {
        /** Requires {@code link}, {@code attachStep} and {@code settingsStep}; the rest may be null. */
        public Port {
            Objects.requireNonNull(link, "link");
            Objects.requireNonNull(attachStep, "attachStep");
            Objects.requireNonNull(settingsStep, "settingsStep");
        }

        /** A port without its spec name, MAC and address. */
        public Port(InterfaceName link, Target peerTarget, InterfaceName peerLink, String attachStep,
                    String settingsStep, boolean fresh) {
            this(link, peerTarget, peerLink, attachStep, settingsStep, fresh, null, null, null);
        }

        /** Whether this is the host's gateway port (its other end is in the host's namespace). */
        public boolean isGateway() {
            return peerTarget != null && peerTarget.isHost();
        }
    }

    /** The peer called {@code host}, if any. */
    public java.util.Optional<Peer> peer(String host) {
        return peers.stream().filter(p -> p.host().equals(host)).findFirst();
    }
}
