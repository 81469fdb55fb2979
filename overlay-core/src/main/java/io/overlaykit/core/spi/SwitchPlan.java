package io.overlaykit.core.spi;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.plan.Step;
import java.util.List;
import java.util.Map;

/**
 * A switch backend's part of one host's plan, in the places the engine puts them: the bridge (and
 * whatever the backend needs next to it), one step per peer's tunnel, per port its attach step and the
 * settings the backend needs on both ends of the port's veth, the removal of tunnels to hosts that left,
 * and rules the backend needs in the host's firewall table. Steps with no changes say "already so".
 */
public record SwitchPlan(List<Step> bridge, List<Step> tunnels, Map<InterfaceName, Step> attach,
                         Map<InterfaceName, Step> portSettings, List<Step> removals,
                         List<FirewallTable.Rule> hostRules) {

    public SwitchPlan {
        bridge = List.copyOf(bridge);
        tunnels = List.copyOf(tunnels);
        attach = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attach)); // in port order
        portSettings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(portSettings));
        removals = List.copyOf(removals);
        hostRules = List.copyOf(hostRules);
    }

    /** This plan with {@code settings} as its port settings. */
    public SwitchPlan withPortSettings(Map<InterfaceName, Step> settings) {
        return new SwitchPlan(bridge, tunnels, attach, settings, removals, hostRules);
    }
}
