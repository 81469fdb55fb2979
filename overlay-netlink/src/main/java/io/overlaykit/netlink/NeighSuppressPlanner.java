package io.overlaykit.netlink;

import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.Neighbour;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spi.NetOp;
import io.overlaykit.core.spi.SwitchIntent;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Neighbour suppression on the VXLAN bridge port: what the kernel bridge needs to answer ARP requests and IPv6
 * neighbour solicitations for the spec's container addresses itself, from whichever port they come, instead of
 * flooding them over the tunnels ({@code net/bridge/br_arp_nd_proxy.c}). For a request whose target has a valid
 * neighbour entry on the bridge device and whose MAC has an entry in the bridge's FDB, the bridge replies when that
 * entry's port has {@code neigh_suppress}, and in any case does not flood the request out of such ports; a request
 * for an address it has no entry for floods as before. So, per host:
 *
 * <ul>
 *   <li>{@code neigh_suppress} on the VXLAN device's bridge port;</li>
 *   <li>a permanent neighbour entry on the bridge device for every address of a spec container, on any host;</li>
 *   <li>a static entry of the bridge's own FDB ({@code master static}) for every remote container's MAC on the
 *       VXLAN port (the reply needs it before any frame of that MAC was learned), and for every local container's
 *       MAC on its veth port (so a request for a local address never leaves the host, learned or not).</li>
 * </ul>
 *
 * Ownership: the entries live on our bridge, our VXLAN device and our ports, so every permanent neighbour entry
 * of the bridge and every static FDB entry of its ports is ours: one that is not wanted is removed. Without a peer
 * (no VXLAN device) there is nothing to suppress, and nothing is wanted. A kernel that refuses the flag
 * (EOPNOTSUPP) leaves it off; the next plan shows it as drift again.
 */
final class NeighSuppressPlanner {
    private NeighSuppressPlanner() {
    }

    /** What the suppression adds to the tunnels, the local ports' attach steps, and the removals. */
    record Parts(Step step, Map<InterfaceName, List<Change>> ports, List<Step> removals) {
    }

    /**
     * @param devNow the VXLAN device as observed, or empty when the plan (re)creates it (so it holds nothing)
     */
    static Parts plan(SwitchIntent intent, LinuxSwitchPlanner.View view, InterfaceName dev, Optional<LinkInfo> devNow) {
        InterfaceName br = intent.bridge().name();
        boolean on = !intent.peers().isEmpty();
        Map<MacAddress, InterfaceName> localPorts = new LinkedHashMap<>();
        for (SwitchIntent.Port p : intent.ports()) {
            if (p.mac() != null && !p.isGateway()) {
                localPorts.put(p.mac(), p.link());
            }
        }
        Set<MacAddress> remote = new HashSet<>();
        intent.peers().forEach(p -> remote.addAll(p.macs()));
        Map<InetAddress, Neighbour> wantNeigh = new LinkedHashMap<>();
        Map<MacAddress, FdbEntry> wantFdb = new LinkedHashMap<>();
        if (on) {
            for (SwitchIntent.Address a : intent.addresses()) {
                InterfaceName port = localPorts.get(a.mac());
                if (port == null && !remote.contains(a.mac())) {
                    continue; // neither a port here nor behind a peer: the bridge could not say where it is
                }
                wantNeigh.putIfAbsent(a.ip(), new Neighbour(br, a.ip(), a.mac()));
                wantFdb.putIfAbsent(a.mac(), FdbEntry.bridge(port != null ? port : dev, a.mac()));
            }
        }
        Observed now = Observed.of(intent, view, dev, devNow);

        List<Change> changes = new ArrayList<>();
        if (on) {
            Boolean flag = devNow.map(LinkInfo::neighSuppress).orElse(null);
            if (!Boolean.TRUE.equals(flag)) {
                changes.add(net(new NetOp.SetNeighSuppress(dev, true),
                        devNow.isEmpty() ? null : new NetOp.SetNeighSuppress(dev, false)));
            }
        }
        for (Neighbour n : wantNeigh.values()) {
            Neighbour had = now.neighbours.get(n.address());
            if (had != null && had.isPermanent() && had.mac().equals(n.mac())) {
                continue;
            }
            changes.add(net(new NetOp.AddNeighbour(n), had == null || !had.isPermanent()
                    ? new NetOp.DeleteNeighbour(n) : new NetOp.AddNeighbour(had)));
        }
        Map<InterfaceName, List<Change>> ports = new LinkedHashMap<>();
        int remoteEntries = 0;
        for (FdbEntry e : wantFdb.values()) {
            boolean onDev = e.device().equals(dev);
            remoteEntries += onDev ? 1 : 0;
            FdbEntry had = now.fdb.get(e.mac());
            if (e.equals(had)) {
                continue;
            }
            Change c = net(new NetOp.AddFdb(e), had == null ? new NetOp.DeleteFdb(e) : new NetOp.AddFdb(had));
            if (onDev) {
                changes.add(c);
            } else {
                ports.computeIfAbsent(e.device(), k -> new ArrayList<>()).add(c);
            }
        }
        String what = on ? "neigh_suppress on " + dev + ", " + wantNeigh.size() + " permanent neighbour entries on "
                + br + " for the spec's container addresses, " + remoteEntries + " static bridge fdb entries on " + dev
                : "no neighbour suppression: no peer, no vxlan device";
        Step step = Step.of("neigh suppress", what, changes);

        List<Step> removals = new ArrayList<>();
        List<Change> extraNeigh = new ArrayList<>();
        for (Neighbour n : now.neighbours.values()) {
            if (n.isPermanent() && !wantNeigh.containsKey(n.address())) {
                extraNeigh.add(net(new NetOp.DeleteNeighbour(n), new NetOp.AddNeighbour(n)));
            }
        }
        if (!extraNeigh.isEmpty()) {
            removals.add(Step.removal("neigh suppress gone", "remove " + extraNeigh.size() + " permanent neighbour "
                    + "entries on " + br + " for addresses the spec no longer has", extraNeigh));
        }
        List<Change> extraFdb = new ArrayList<>();
        for (FdbEntry e : now.fdb.values()) {
            if (!wantFdb.containsKey(e.mac())) {
                extraFdb.add(net(new NetOp.DeleteFdb(e), new NetOp.AddFdb(e)));
            }
        }
        if (!extraFdb.isEmpty()) {
            removals.add(Step.removal("bridge fdb gone", "remove " + extraFdb.size() + " static bridge fdb entries on "
                    + "ports of " + br + " for MACs the spec no longer has", extraFdb));
        }
        return new Parts(step, ports, removals);
    }

    /** The bridge's permanent neighbour entries by address, and the static FDB entries of its ports by MAC. */
    private record Observed(Map<InetAddress, Neighbour> neighbours, Map<MacAddress, FdbEntry> fdb) {
        static Observed of(SwitchIntent intent, LinuxSwitchPlanner.View view, InterfaceName dev,
                           Optional<LinkInfo> devNow) {
            Map<InetAddress, Neighbour> neighbours = new LinkedHashMap<>();
            Map<MacAddress, FdbEntry> fdb = new LinkedHashMap<>();
            if (!view.bridgeExists()) {
                return new Observed(neighbours, fdb);
            }
            view.host().neighbours(intent.bridge().name()).forEach(n -> neighbours.put(n.address(), n));
            Set<InterfaceName> fresh = new HashSet<>();
            intent.ports().stream().filter(SwitchIntent.Port::fresh).forEach(p -> fresh.add(p.link()));
            for (LinkInfo port : view.portLinks()) {
                boolean gone = port.name().equals(dev) ? devNow.isEmpty() : fresh.contains(port.name());
                if (gone) {
                    continue; // the plan re-makes it: its entries go with it
                }
                view.host().fdb(port.name()).stream().filter(FdbEntry::master).forEach(e -> fdb.put(e.mac(), e));
            }
            return new Observed(neighbours, fdb);
        }
    }

    private static Change.Net net(NetOp op, NetOp undo) {
        return new Change.Net(Target.HOST, op, undo);
    }
}
