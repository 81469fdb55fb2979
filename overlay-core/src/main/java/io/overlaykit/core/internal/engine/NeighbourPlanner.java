package io.overlaykit.core.internal.engine;

import static io.overlaykit.core.internal.engine.LinkChanges.net;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.Neighbour;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.NamespaceView;
import io.overlaykit.core.spi.NetOp;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The static neighbour entries a flat overlay needs so that its containers never ARP for each other: the
 * host's IPv4 neighbour table is one table for every namespace ({@code gc_thresh3}, 1024 by default), and
 * permanent entries do not count against it. The spec knows every container's address, and its MAC is derived
 * from (spec, container) ({@link Names#containerMac}), so every host can program every peer without asking.
 *
 * <ul>
 *   <li>each spec container's {@code eth0}: every other container of the spec and every host's gateway;</li>
 *   <li>the host's gateway veth: every container of the spec and the other hosts' gateways;</li>
 *   <li>the switch, per peer host: the MACs behind it (its containers and its gateway), for static forwarding
 *       entries where the backend has them ({@link #remoteMacs}).</li>
 * </ul>
 *
 * Ownership: the entries live on links of ours (a container's {@code eth0} and the gateway veth, both made by
 * the engine), so every permanent entry on them is ours; one that is not in the set is extra and removed, and
 * teardown, which deletes the links, removes them all. The sets are pure functions of the spec.
 */
final class NeighbourPlanner {
    private NeighbourPlanner() {
    }

    /** The permanent entries {@code c}'s {@code eth0} should hold, in spec order. */
    static List<Neighbour> forContainer(OverlaySpec spec, Names names, ContainerSpec c) {
        List<Neighbour> out = new ArrayList<>();
        for (HostSpec h : spec.hosts()) {
            for (ContainerSpec peer : h.containers()) {
                if (!peer.name().equals(c.name())) {
                    out.add(new Neighbour(Names.CONTAINER_IF, peer.ip(), names.containerMac(peer.name())));
                }
            }
        }
        for (HostSpec h : spec.hosts()) {
            out.add(new Neighbour(Names.CONTAINER_IF, h.gateway(), names.gatewayMac(h.name())));
        }
        return dedup(out);
    }

    /** The permanent entries the gateway veth of {@code hostName} should hold. */
    static List<Neighbour> forGateway(OverlaySpec spec, Names names, String hostName) {
        InterfaceName gw = names.gatewayVeth(hostName);
        List<Neighbour> out = new ArrayList<>();
        for (HostSpec h : spec.hosts()) {
            for (ContainerSpec c : h.containers()) {
                out.add(new Neighbour(gw, c.ip(), names.containerMac(c.name())));
            }
        }
        for (HostSpec h : spec.hosts()) {
            if (!h.name().equals(hostName)) {
                out.add(new Neighbour(gw, h.gateway(), names.gatewayMac(h.name())));
            }
        }
        return dedup(out);
    }

    /** The MACs behind each peer of {@code hostName} (its containers, then its gateway), by peer host name. */
    static Map<String, List<MacAddress>> remoteMacs(OverlaySpec spec, Names names, String hostName) {
        Map<String, List<MacAddress>> out = new LinkedHashMap<>();
        for (HostSpec h : spec.hosts()) {
            if (h.name().equals(hostName)) {
                continue;
            }
            List<MacAddress> macs = new ArrayList<>();
            h.containers().forEach(c -> macs.add(names.containerMac(c.name())));
            macs.add(names.gatewayMac(h.name()));
            out.put(h.name(), List.copyOf(macs));
        }
        return out;
    }

    /** One entry per address (the validator keeps addresses distinct; a gateway never equals a container). */
    private static List<Neighbour> dedup(List<Neighbour> in) {
        Map<InetAddress, Neighbour> byIp = new LinkedHashMap<>();
        in.forEach(n -> byIp.putIfAbsent(n.address(), n));
        return List.copyOf(byIp.values());
    }

    /**
     * The two steps that bring {@code device} in {@code t} to {@code want}: missing or different entries added
     * (replacing whatever the kernel had for the address, learned or not; undone by putting that back), and
     * permanent entries of ours that are not wanted removed. {@code fresh}: the plan (re)creates the link, so
     * it holds nothing yet.
     */
    static List<Step> steps(String id, String where, NamespaceView view, boolean fresh, Target t,
                            InterfaceName device, List<Neighbour> want) {
        Map<InetAddress, Neighbour> have = new LinkedHashMap<>();
        if (!fresh) {
            view.neighbours(device).forEach(n -> have.put(n.address(), n));
        }
        List<Change> add = new ArrayList<>();
        Map<InetAddress, Neighbour> wanted = new LinkedHashMap<>();
        for (Neighbour n : want) {
            wanted.put(n.address(), n);
            Neighbour now = have.get(n.address());
            if (now != null && now.isPermanent() && now.mac().equals(n.mac())) {
                continue;
            }
            NetOp undo = now == null || !now.isPermanent() ? new NetOp.DeleteNeighbour(n)
                    : new NetOp.AddNeighbour(now);
            add.add(net(t, new NetOp.AddNeighbour(n), undo));
        }
        List<Change> extra = new ArrayList<>();
        for (Neighbour n : have.values()) {
            if (n.isPermanent() && !wanted.containsKey(n.address())) {
                extra.add(net(t, new NetOp.DeleteNeighbour(n), new NetOp.AddNeighbour(n)));
            }
        }
        List<Step> out = new ArrayList<>();
        out.add(Step.of("neighbours " + id, want.size() + " permanent neighbour entries on " + device + " in " + where,
                add));
        if (!extra.isEmpty()) {
            out.add(Step.removal("neighbours gone " + id, "remove " + extra.size() + " permanent neighbour entries on "
                    + device + " in " + where + " for addresses the spec no longer has", extra));
        }
        return out;
    }
}
