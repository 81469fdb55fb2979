package io.overlaykit.testkit.internal;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.VethPair;
import io.overlaykit.netlink.NetlinkStack;
import io.overlaykit.netlink.RtnetlinkLinks;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lab's underlay, built with the SDK's own {@link NetlinkStack}: a namespace per endpoint and one for
 * the wire, a Linux bridge {@code br0} in the wire namespace, and per endpoint a veth whose peer is created
 * directly inside the endpoint's namespace as {@code eth0} (no temporary name in the root namespace, so
 * concurrent labs never collide).
 *
 * <p>TX checksum offload stays on, as on a real NIC, except where a userspace datapath reads the frames: a
 * userspace-datapath OVS port reads raw frames whose checksums the kernel left to offload, and TCP through it
 * then silently fails (SANDBOX.md). On the wire that is the wire-side end of an OVS host's link (its frames
 * arrive at the host's {@code eth0}, a port of {@code br-phy}; with offload off there, the kernel completes
 * the checksum of whatever any endpoint sends that way) and inside the host {@code br-phy} itself (see
 * {@link #configureUplink}). Turning it off everywhere cost a Linux-switch overlay in the lab most of its
 * throughput (2.9 instead of 10.6 Gbit/s).
 */
public final class Wire {
    /** The bridge that joins every endpoint, inside the wire namespace. */
    public static final InterfaceName BRIDGE = InterfaceName.of("br0");
    /** Each endpoint's end of its wire link, inside the endpoint's namespace. */
    public static final InterfaceName ENDPOINT_LINK = InterfaceName.of("eth0");
    private static final InterfaceName LOOPBACK = InterfaceName.of("lo");

    private Wire() {
    }

    /** Creates the namespaces (wire first); each is recorded in {@code state} before it is made. */
    public static void createNamespaces(NetlinkStack stack, LabState state, String wireNamespace,
            List<String> endpointNamespaces) {
        List<String> all = new ArrayList<>(endpointNamespaces.size() + 1);
        all.add(wireNamespace);
        all.addAll(endpointNamespaces);
        // Refuse before recording anything: teardown must never delete a namespace this run did not make.
        for (String ns : all) {
            if (Files.exists(NetNamespace.named(ns).path())) {
                throw new ConflictException("namespace " + ns + " already exists: another lab or spec uses prefix '"
                        + state.prefix() + "'");
            }
        }
        for (String ns : all) {
            state.recordNamespace(ns);
            stack.namespaces().create(ns);
        }
    }

    /** Creates one more namespace for the run (recorded first) with {@code lo} up. */
    public static NetNamespace createExtraNamespace(NetlinkStack stack, LabState state, String name) {
        createNamespaces(stack, state, name, List.of());
        NetNamespace ns = NetNamespace.named(name);
        stack.links(ns).setUp(LOOPBACK);
        return ns;
    }

    /**
     * Creates the bridge and one veth per endpoint (key: endpoint namespace, value: the wire-side name), the
     * wire-side ends enslaved and up; those towards {@code userspaceDatapath} endpoints (OVS hosts) with TX
     * checksum offload off. Endpoint ends come up later, in {@link #configureEndpoint}.
     */
    public static void createLinks(NetlinkStack stack, String wireNamespace, Map<String, String> wireLinkByNamespace,
            Set<String> userspaceDatapath) {
        RtnetlinkLinks wire = stack.links(NetNamespace.named(wireNamespace));
        wire.setUp(LOOPBACK);
        wire.create(Bridge.named(BRIDGE.value()));
        wire.setUp(BRIDGE);
        wireLinkByNamespace.forEach((ns, wireLink) -> {
            InterfaceName link = InterfaceName.of(wireLink);
            wire.create(VethPair.builder(wireLink).peer(ENDPOINT_LINK.value()).peerNamespace(NetNamespace.named(ns))
                    .build());
            wire.setMaster(link, BRIDGE);
            if (userspaceDatapath.contains(ns)) {
                wire.disableTxChecksum(link); // a userspace datapath reads what this end sends
            }
            wire.setUp(link);
        });
    }

    /**
     * Brings up {@code lo} and {@code eth0} in an endpoint namespace and puts {@code address} on eth0 unless it
     * is null (the OVS case puts it on br-phy instead). Offloads stay as the kernel made them.
     */
    public static void configureEndpoint(NetlinkStack stack, String namespace, IpPrefix address) {
        RtnetlinkLinks links = stack.links(NetNamespace.named(namespace));
        links.setUp(LOOPBACK);
        if (address != null) {
            noDad(stack, namespace, ENDPOINT_LINK, address);
        }
        links.setUp(ENDPOINT_LINK);
        if (address != null) {
            links.addAddress(ENDPOINT_LINK, address);
        }
    }

    /** An IPv6 underlay address is usable at once: no duplicate address detection on a wire the lab made. */
    private static void noDad(NetlinkStack stack, String namespace, InterfaceName link, IpPrefix address) {
        if (!address.isIpv4()) {
            stack.namespaces().writeSysctl(NetNamespace.named(namespace), "net.ipv6.conf." + link.value()
                    + ".accept_dad", "0");
        }
    }

    /**
     * Puts the underlay address on {@code link} (br-phy), brings it up and turns TX checksum offload off: the
     * host's kernel sends into this internal port and the userspace datapath reads those frames.
     */
    public static void configureUplink(NetlinkStack stack, String namespace, InterfaceName link, IpPrefix address) {
        RtnetlinkLinks links = stack.links(NetNamespace.named(namespace));
        noDad(stack, namespace, link, address);
        links.addAddress(link, address);
        links.setUp(link);
        links.disableTxChecksum(link);
    }

    /** Wire-side link names live in the wire namespace only: index + host name, cut to 15 bytes. */
    public static String wireLinkName(int index, String host) {
        String n = "w" + index + "-" + host.replaceAll("[^A-Za-z0-9_.-]", "");
        return n.length() > 15 ? n.substring(0, 15) : n;
    }
}
