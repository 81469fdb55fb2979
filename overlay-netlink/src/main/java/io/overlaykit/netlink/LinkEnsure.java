package io.overlaykit.netlink;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.VxlanTunnel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * ensure-present for links (pyroute2's vocabulary): absent, create it; present with the same kind and
 * settings, return it; anything else is a {@link ConflictException} that names every difference.
 */
final class LinkEnsure {
    private LinkEnsure() {
    }

    static LinkInfo veth(RtnetlinkLinks links, VethPair veth) {
        return ensure(links, veth.name(), "veth", () -> links.create(veth), have -> {
            List<String> diffs = new ArrayList<>();
            diffMtu(diffs, have, veth.mtu());
            diffAlias(diffs, have, veth.alias());
            if (veth.peerNamespace() == null && have.peerIndex() > 0) {
                Optional<LinkInfo> peer = links.find(have.peerIndex());
                if (peer.isPresent() && !peer.get().name().equals(veth.peerName())) {
                    diffs.add("peer " + peer.get().name() + ", wanted " + veth.peerName());
                }
            } else if (veth.peerNamespace() != null) {
                diffPeerElsewhere(links, veth, have, diffs);
            }
            return diffs;
        });
    }

    static LinkInfo bridge(RtnetlinkLinks links, Bridge bridge) {
        return ensure(links, bridge.name(), "bridge", () -> links.create(bridge), have -> {
            List<String> diffs = new ArrayList<>();
            diffMtu(diffs, have, bridge.mtu());
            diffAlias(diffs, have, bridge.alias());
            return diffs;
        });
    }

    static LinkInfo vxlan(RtnetlinkLinks links, VxlanTunnel want) {
        return ensure(links, want.name(), "vxlan", () -> links.create(want), have -> {
            List<String> diffs = new ArrayList<>();
            VxlanTunnel v = have.vxlan();
            diff(diffs, "vni", v.vni(), want.vni());
            diff(diffs, "remote", v.remote(), want.remote());
            diff(diffs, "group", v.group(), want.group());
            diff(diffs, "local", v.local(), want.local());
            diff(diffs, "device", v.device(), want.device());
            diff(diffs, "dstport", v.dstPort(), want.dstPort());
            diff(diffs, "learning", v.learning(), want.learning());
            diff(diffs, "udpcsum", v.udpChecksum(), want.udpChecksum());
            if (want.ttl() != null) {
                diff(diffs, "ttl", v.ttl(), want.ttl());
            }
            diffMtu(diffs, have, want.mtu());
            diffAlias(diffs, have, want.alias());
            return diffs;
        });
    }

    private interface Differ {
        List<String> differences(LinkInfo have);
    }

    private interface Creator {
        LinkInfo create();
    }

    private static LinkInfo ensure(RtnetlinkLinks links, InterfaceName name, String kind, Creator creator,
                                   Differ differ) {
        String label = links.label();
        Optional<LinkInfo> existing = links.find(name);
        if (existing.isEmpty()) {
            try {
                return creator.create();
            } catch (ConflictException e) {
                existing = links.find(name); // created concurrently: compare with that one
                if (existing.isEmpty()) {
                    throw e;
                }
            }
        }
        LinkInfo have = existing.get();
        if (!kind.equals(have.kind())) {
            throw new ConflictException("link '" + name + "' exists in namespace " + label + " as "
                    + (have.kind() == null ? "a device without kind" : have.kind()) + ", wanted " + kind);
        }
        List<String> diffs = differ.differences(have);
        if (!diffs.isEmpty()) {
            throw new ConflictException("link '" + name + "' exists in namespace " + label + " as " + kind
                    + " with other settings: " + String.join("; ", diffs));
        }
        return have;
    }

    private static void diff(List<String> diffs, String what, Object have, Object want) {
        if (!Objects.equals(have, want)) {
            diffs.add(what + " " + show(have) + ", wanted " + show(want));
        }
    }

    private static String show(Object o) {
        return o instanceof java.net.InetAddress a ? a.getHostAddress() : String.valueOf(o);
    }

    private static void diffMtu(List<String> diffs, LinkInfo have, Integer want) {
        if (want != null && have.mtu() != want) {
            diffs.add("mtu " + have.mtu() + ", wanted " + want);
        }
    }

    private static void diffAlias(List<String> diffs, LinkInfo have, String want) {
        if (want != null && !want.equals(have.alias())) {
            diffs.add("alias '" + have.alias() + "', wanted '" + want + "'");
        }
    }

    /** The peer must be a veth of the wanted name in the wanted namespace, at the index this end points to. */
    private static void diffPeerElsewhere(RtnetlinkLinks links, VethPair veth, LinkInfo have, List<String> diffs) {
        NetNamespace peerNs = veth.peerNamespace();
        if (!links.namespaces().exists(peerNs)) {
            diffs.add("peer namespace " + peerNs.displayName() + " does not exist");
            return;
        }
        // the peer namespace's cached handle (the one per-namespace cache), not a socket of our own
        Optional<LinkInfo> peer = links.namespaces().links(peerNs).find(veth.peerName());
        if (peer.isEmpty()) {
            diffs.add("no peer '" + veth.peerName() + "' in namespace " + peerNs.displayName());
        } else if (!"veth".equals(peer.get().kind()) || peer.get().index() != have.peerIndex()) {
            diffs.add("'" + veth.peerName() + "' in namespace " + peerNs.displayName() + " is not its peer");
        }
    }
}
