package io.overlaykit.core.internal.engine;

import io.overlaykit.core.plan.*;
import io.overlaykit.core.Bridge;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.spi.HostFacts;
import io.overlaykit.core.spi.OverlaySwitch;
import io.overlaykit.core.spi.PortSettings;
import io.overlaykit.core.spi.SwitchIntent;
import io.overlaykit.core.spi.SwitchPlan;
import io.overlaykit.core.spi.SwitchView;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/** An in-memory switch: bridges tagged with an owner, their ports and tunnels. */
final class FakeSwitch implements OverlaySwitch {
    final Map<InterfaceName, String> owners = new TreeMap<>();
    final Map<InterfaceName, Set<InterfaceName>> ports = new TreeMap<>();
    final Map<InterfaceName, List<VxlanTunnel>> tunnels = new TreeMap<>();
    /** Ports whose device died: still listed, but not {@link #isAttached}, as OVS keeps them. */
    final Set<InterfaceName> dead = new LinkedHashSet<>();
    int replugs;
    /** Calls that change something. */
    int writes;
    private final boolean userspace;

    FakeSwitch(boolean userspace) {
        this.userspace = userspace;
    }

    @Override
    public String kind() {
        return "ovs";
    }

    /** Like Open vSwitch's userspace datapath, a userspace fake wants TX checksum offload off on its ports. */
    @Override
    public SwitchPlan plan(SwitchIntent intent, SwitchView view, HostFacts facts) {
        SwitchPlan plan = OverlaySwitch.super.plan(intent, view, facts);
        return userspace ? PortSettings.txChecksumOff(plan, intent, facts) : plan;
    }

    @Override
    public void ensureBridge(Bridge bridge, String owner) {
        writes++;
        owners.putIfAbsent(bridge.name(), owner);
        ports.putIfAbsent(bridge.name(), new LinkedHashSet<>());
        tunnels.putIfAbsent(bridge.name(), new ArrayList<>());
    }

    @Override
    public boolean deleteBridge(InterfaceName bridge) {
        writes++;
        ports.remove(bridge);
        tunnels.remove(bridge);
        return owners.remove(bridge) != null;
    }

    @Override
    public List<InterfaceName> bridges(String owner) {
        return owners.entrySet().stream().filter(e -> e.getValue().equals(owner)).map(Map.Entry::getKey).toList();
    }

    private void need(InterfaceName bridge) {
        if (!owners.containsKey(bridge)) {
            throw new NotFoundException("no bridge " + bridge);
        }
    }

    @Override
    public void attach(InterfaceName bridge, List<InterfaceName> links, String owner) {
        writes++;
        need(bridge);
        for (InterfaceName l : links) {
            if (dead.remove(l)) {
                replugs++;
            }
        }
        ports.get(bridge).addAll(links);
    }

    @Override
    public void detach(InterfaceName bridge, List<InterfaceName> links) {
        writes++;
        if (ports.containsKey(bridge)) {
            links.forEach(ports.get(bridge)::remove);
        }
    }

    @Override
    public void addTunnels(InterfaceName bridge, List<VxlanTunnel> add, String owner) {
        writes++;
        need(bridge);
        for (VxlanTunnel t : add) {
            tunnels.get(bridge).removeIf(x -> x.name().equals(t.name()));
            tunnels.get(bridge).add(t);
        }
    }

    @Override
    public void removeTunnels(InterfaceName bridge, List<VxlanTunnel> remove) {
        writes++;
        if (tunnels.containsKey(bridge)) {
            remove.forEach(t -> tunnels.get(bridge).removeIf(x -> Objects.equals(x.remote(), t.remote())));
        }
    }

    @Override
    public List<InterfaceName> ports(InterfaceName bridge) {
        if (!owners.containsKey(bridge)) {
            return List.of();
        }
        List<InterfaceName> out = new ArrayList<>(ports.get(bridge));
        tunnels.get(bridge).forEach(t -> out.add(t.name()));
        return out;
    }

    @Override
    public List<VxlanTunnel> tunnels(InterfaceName bridge) {
        if (!owners.containsKey(bridge)) {
            return List.of();
        }
        return List.copyOf(tunnels.get(bridge));
    }

    @Override
    public boolean isAttached(InterfaceName bridge, InterfaceName link) {
        return ports(bridge).contains(link) && !dead.contains(link);
    }

    @Override
    public void close() {
    }

    String snapshot() {
        StringBuilder sb = new StringBuilder();
        owners.forEach((b, o) -> sb.append("bridge ").append(b).append(" owner ").append(o).append(" ports ")
                .append(ports.get(b)).append(" tunnels ").append(tunnels.get(b)).append('\n'));
        return sb.toString();
    }
}
