package io.overlaykit.core.internal.engine;

import io.overlaykit.core.Neighbour;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.NamespaceView;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether the host's IPv4 neighbour table may overflow: it is one table for every network namespace of the kernel,
 * and past {@code net.ipv4.neigh.default.gc_thresh3} entries (1024 by default) new resolutions fail ("neighbor
 * table overflow", then "No route to host" at random). Permanent entries do not count, so the overlay's own
 * containers and gateways cost nothing ({@link NeighbourPlanner}); what still needs dynamic entries are peers the
 * spec does not know: containers on the bridge that are not in the spec, the uplink's LAN, outside peers. The
 * estimate is what this host's namespaces hold now; other namespaces of the same kernel count too, so it is a
 * lower bound.
 */
final class NeighbourPressure {
    static final String GC_THRESH3 = "net.ipv4.neigh.default.gc_thresh3";

    private NeighbourPressure() {
    }

    /** Warnings, with the numbers, when the dynamic entries seen reach half of gc_thresh3; empty otherwise. */
    static List<String> warnings(OverlaySpec spec, String hostName, HostSnapshot snap) {
        Optional<String> thresh = snap.sysctl(Target.HOST, GC_THRESH3);
        if (thresh.isEmpty()) {
            return List.of();
        }
        int limit;
        try {
            limit = Integer.parseInt(thresh.get().trim());
        } catch (NumberFormatException e) {
            return List.of();
        }
        int[] counts = new int[2]; // dynamic, permanent
        count(snap.hostView, counts);
        snap.containerViews.values().forEach(v -> count(v, counts));
        return warnings(spec, hostName, counts[0], counts[1], limit);
    }

    /** The pure part: the message for {@code dynamic} entries seen against {@code limit}. */
    static List<String> warnings(OverlaySpec spec, String hostName, int dynamic, int permanent, int limit) {
        HostSpec h = spec.host(hostName);
        int peers = spec.hosts().stream().mapToInt(x -> x.containers().size()).sum() + spec.hosts().size() - 1;
        int withoutStatic = h.containers().size() * peers;
        List<String> out = new ArrayList<>();
        if (dynamic * 2 >= limit) {
            out.add("neighbour table: " + dynamic + " dynamic IPv4 entries in the namespaces of host " + hostName
                    + ", and " + GC_THRESH3 + " is " + limit + " for every namespace of this kernel together: past it,"
                    + " new ARP resolutions fail ('neighbor table overflow'); the " + permanent + " permanent entries"
                    + " of the spec's containers and gateways do not count. Raise " + GC_THRESH3 + " (and gc_thresh1/2)"
                    + " or put the peers that need ARP into the spec");
        }
        if (withoutStatic >= limit && dynamic * 2 >= limit) {
            out.add("neighbour table: without static entries the " + h.containers().size() + " containers of host "
                    + hostName + " would need " + withoutStatic + " dynamic entries, more than " + GC_THRESH3 + " ("
                    + limit + ")");
        }
        return out;
    }

    private static void count(NamespaceView v, int[] counts) {
        for (Neighbour n : v.neighbours()) {
            if (!(n.address() instanceof Inet4Address) || n.state() == Neighbour.State.NOARP) {
                continue;
            }
            counts[n.isPermanent() ? 1 : 0]++;
        }
    }
}
