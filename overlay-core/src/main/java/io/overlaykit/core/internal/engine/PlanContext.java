package io.overlaykit.core.internal.engine;

import io.overlaykit.core.AddressInfo;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.Mtu;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.NamespaceView;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What every part of one host's plan shares: the spec, the snapshot, the derived names and values, and
 * which links this plan (re)creates, so later steps plan against the links as they will be.
 */
final class PlanContext {
    final OverlaySpec spec;
    final HostSpec hostSpec;
    final String hostName;
    final Names names;
    final HostSnapshot snap;
    final InterfaceName bridge;
    final InterfaceName uplink;
    final int mtu;
    private final Set<String> created = new HashSet<>();

    PlanContext(OverlaySpec spec, String hostName, HostSnapshot snap) {
        this.spec = spec;
        this.hostSpec = spec.host(hostName);
        this.hostName = hostName;
        this.names = Names.of(spec.name());
        this.snap = snap;
        this.bridge = names.bridge();
        this.uplink = hostSpec.uplink() != null ? hostSpec.uplink() : linkHoldingUnderlay();
        this.mtu = spec.mtu() != null ? spec.mtu()
                : (spec.switchKind() == io.overlaykit.core.spec.SwitchKind.OVN // Geneve: 58 bytes over IPv4
                ? Mtu.check("mtu", uplinkMtu() - Mtu.GENEVE_OVERHEAD - (hostSpec.underlay() instanceof
                        java.net.Inet6Address ? 20 : 0))
                : Mtu.overlayFor(uplinkMtu(), hostSpec.underlay() instanceof java.net.Inet6Address)) // 70 v6, 50 v4
                - WireGuardPlanner.overhead(spec);
    }

    private InterfaceName linkHoldingUnderlay() {
        for (AddressInfo a : snap.hostView.addresses()) {
            if (a.prefix().address().equals(hostSpec.underlay()) && a.link() != null) {
                return a.link();
            }
        }
        throw new NotFoundException("host " + hostName + ": no link in " + snap.host.namespace().displayName()
                + " holds the underlay address " + hostSpec.underlay().getHostAddress()
                + "; add it, or name the uplink in the spec (\"uplink\")");
    }

    int uplinkMtu() {
        return snap.hostView.link(uplink).map(LinkInfo::mtu).orElseThrow(() -> new NotFoundException("host "
                + hostName + ": uplink " + uplink + " does not exist in " + snap.host.namespace().displayName()));
    }

    /** The runtime's name of a spec container. */
    String runtimeName(ContainerSpec c) {
        return names.runtimeName(c);
    }

    Target target(ContainerSpec c) {
        return Target.container(runtimeName(c));
    }

    /** Whether the container runs now (then its namespace was observed). */
    boolean running(ContainerSpec c) {
        return snap.running(runtimeName(c)).isPresent();
    }

    /** The container's namespace as observed, or as it will be right after the plan starts it. */
    NamespaceView view(ContainerSpec c) {
        return snap.namespace(target(c));
    }

    /** Marks a link as (re)created by this plan: later steps see it with the values it is created with. */
    void created(Target t, InterfaceName link) {
        created.add(t + "|" + link);
    }

    /** Whether this plan (re)creates the link. */
    boolean isCreated(Target t, InterfaceName link) {
        return created.contains(t + "|" + link);
    }

    /** The link as observed, unless this plan re-creates it (then empty: its values come from the create). */
    Optional<LinkInfo> observed(Target t, InterfaceName link) {
        if (isCreated(t, link)) {
            return Optional.empty();
        }
        return snap.namespace(t).link(link);
    }
}
