package io.overlaykit.core.spi;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.plan.Step;
import java.util.List;
import java.util.Map;

/**
 * A switch backend's part of one host's plan, in the places the engine puts them: the bridge (and
 * whatever the backend needs next to it), one step per peer's tunnel, per port its attach step and the
 * settings the backend needs on the port's host end ({@code portSettings}) and on its other end inside a
 * container ({@code peerSettings}, run with that container's own link changes), the removal of tunnels to
 * hosts that left, and rules the backend needs in the host's firewall table. Steps with no changes say "already so".
 */
public record SwitchPlan(List<Step> bridge, List<Step> tunnels, Map<InterfaceName, Step> attach,
                         Map<InterfaceName, Step> portSettings, Map<InterfaceName, Step> peerSettings,
                         List<Step> removals, List<FirewallTable.Rule> hostRules) {

    /** Copies every list and map, keeping the maps' iteration (port) order. */
    public SwitchPlan {
        bridge = List.copyOf(bridge);
        tunnels = List.copyOf(tunnels);
        attach = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attach)); // in port order
        portSettings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(portSettings));
        peerSettings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(peerSettings));
        removals = List.copyOf(removals);
        hostRules = List.copyOf(hostRules);
    }

    /** A plan without settings inside the ports' peer namespaces. */
    public SwitchPlan(List<Step> bridge, List<Step> tunnels, Map<InterfaceName, Step> attach,
                      Map<InterfaceName, Step> portSettings, List<Step> removals, List<FirewallTable.Rule> hostRules) {
        this(bridge, tunnels, attach, portSettings, Map.of(), removals, hostRules);
    }

    /** This plan with these port settings: on the host side, and inside the ports' peer namespaces. */
    public SwitchPlan withPortSettings(Map<InterfaceName, Step> settings, Map<InterfaceName, Step> peers) {
        return new SwitchPlan(bridge, tunnels, attach, settings, peers, removals, hostRules);
    }
}
