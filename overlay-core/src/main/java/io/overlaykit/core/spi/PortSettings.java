package io.overlaykit.core.spi;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings a switch backend may need on both ends of the veths it is given, as plan steps, for backends
 * to put into their {@link SwitchPlan}. Core never decides this: only the backend knows whether its
 * datapath needs it.
 */
public final class PortSettings {
    private PortSettings() {
    }

    /**
     * TX checksum offload off on both ends of every port's veth: a userspace datapath reads frames whose
     * checksums the kernel left to the NIC, and TCP through it then silently fails (SANDBOX.md). A port
     * whose veth the plan re-creates gets it whatever was observed of the old one. Both ends go into
     * {@link SwitchPlan#portSettings} when they share the host's namespace (the gateway's pair); an end in a
     * container goes into {@link SwitchPlan#peerSettings}, which the engine runs with that container's other
     * link changes (one batch per container instead of one visit per end).
     */
    public static SwitchPlan txChecksumOff(SwitchPlan plan, SwitchIntent intent, HostFacts facts) {
        Map<InterfaceName, Step> host = new LinkedHashMap<>();
        Map<InterfaceName, Step> peers = new LinkedHashMap<>();
        for (SwitchIntent.Port p : intent.ports()) {
            List<Change> changes = new ArrayList<>();
            off(changes, Target.HOST, p.link(), p.fresh(), facts);
            String where = p.link().value();
            if (p.peerLink() != null && p.peerTarget().isHost()) {
                off(changes, Target.HOST, p.peerLink(), p.fresh(), facts);
                where += " and " + p.peerLink();
            } else if (p.peerLink() != null) {
                List<Change> inside = new ArrayList<>();
                off(inside, p.peerTarget(), p.peerLink(), p.fresh(), facts);
                peers.put(p.link(), Step.of(p.settingsStep() + " " + p.peerLink(), "tx checksum offload off on "
                        + p.peerLink() + " in " + p.peerTarget().container(), inside));
            }
            host.put(p.link(), Step.of(p.settingsStep(), "tx checksum offload off on " + where, changes));
        }
        return plan.withPortSettings(host, peers);
    }

    private static void off(List<Change> changes, Target t, InterfaceName link, boolean fresh, HostFacts facts) {
        if (fresh || facts.txChecksum(t, link).orElse(true)) {
            changes.add(new Change.Net(t, new NetOp.SetTxChecksum(link, false), new NetOp.SetTxChecksum(link, true)));
        }
    }
}
