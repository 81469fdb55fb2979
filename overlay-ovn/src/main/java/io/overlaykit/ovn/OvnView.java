package io.overlaykit.ovn;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.spi.NamespaceView;
import io.overlaykit.core.spi.SwitchView;
import io.overlaykit.ovs.OvsView;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What OVN's part of a host holds, read once per operation from caches: the host's OVSDB (integration bridge,
 * its ports with their {@code iface-id}, the chassis {@code external_ids}), the northbound snapshot and the host's
 * links. OVN has no tunnel of ours: {@code ovn-controller} makes them.
 */
record OvnView(OvsView ovs, InterfaceName bridge, Map<String, String> chassisIds, Map<String, String> ifaceIds,
               Northbound.View nb, Map<String, String> bindings, NamespaceView host) implements SwitchView {

    @Override
    public boolean bridgeExists() {
        return ovs.bridge(bridge).isPresent();
    }

    @Override
    public List<InterfaceName> ports() {
        return ovs.pluggedLinks(bridge);
    }

    @Override
    public List<VxlanTunnel> tunnels() {
        return List.of();
    }

    /** Plugged into the integration bridge, into the device that now has the name, with the right iface-id. */
    boolean isPlugged(InterfaceName link, String logicalPort) {
        Optional<OvsView.PortState> p = ovs.port(link).filter(x -> bridge.value().equals(x.bridge()));
        if (p.isEmpty() || !logicalPort.equals(ifaceIds.get(link.value()))) {
            return false;
        }
        Optional<LinkInfo> device = host == null ? Optional.empty() : host.link(link);
        return device.isPresent() ? !p.get().isStaleFor(device.get().index()) : !p.get().isStale();
    }

    @Override
    public boolean isAttached(InterfaceName link) {
        Optional<OvsView.PortState> p = ovs.port(link).filter(x -> bridge.value().equals(x.bridge()));
        return p.isPresent() && ifaceIds.containsKey(link.value()) && !p.get().isStale();
    }
}
