package io.overlaykit.core.plan;

import io.overlaykit.core.AddressInfo;
import io.overlaykit.core.Host;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.Mtu;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.Links;
import io.overlaykit.core.spi.OverlaySwitch;
import java.util.Optional;

/** What every step of one host's plan shares: the spec, the host's backends, derived names and values. */
final class HostContext {
    final OverlaySpec spec;
    final HostSpec hostSpec;
    final Host host;
    final Names names;
    final HostState state;
    final OverlaySwitch sw;
    final Links links;
    final InterfaceName bridge;
    final InterfaceName uplink;
    final int mtu;

    HostContext(OverlaySpec spec, Host host) {
        this.spec = spec;
        this.hostSpec = spec.host(host.name());
        this.host = host;
        this.names = Names.of(spec.name());
        this.state = new HostState(host.stateDir(spec.name()));
        this.sw = host.overlaySwitch(spec.switchKind());
        this.links = host.links();
        this.bridge = names.bridge();
        this.uplink = hostSpec.uplink() != null ? hostSpec.uplink() : linkHolding();
        this.mtu = spec.mtu() != null ? spec.mtu() : Mtu.overlayFor(uplinkMtu());
    }

    private InterfaceName linkHolding() {
        for (AddressInfo a : links.addresses(null)) {
            if (a.prefix().address().equals(hostSpec.underlay())) {
                return a.link() != null ? a.link() : linkByIndex(a.linkIndex()).name();
            }
        }
        throw new NotFoundException("host " + host.name() + ": no link in " + host.namespace().displayName()
                + " holds the underlay address " + hostSpec.underlay().getHostAddress()
                + "; add it, or name the uplink in the spec (\"uplink\")");
    }

    private LinkInfo linkByIndex(int index) {
        return links.list().stream().filter(l -> l.index() == index).findFirst()
                .orElseThrow(() -> new NotFoundException("host " + host.name() + ": no link with index " + index));
    }

    private int uplinkMtu() {
        return links.find(uplink).map(LinkInfo::mtu).orElseThrow(() -> new NotFoundException("host "
                + host.name() + ": uplink " + uplink + " does not exist in " + host.namespace().displayName()));
    }

    /** The podman name of a container of the spec. */
    String podName(ContainerSpec c) {
        return c.existing() ? c.name() : names.podName(c.name());
    }

    /** The container when it is running; one inspect per container for a run of the engine (see ContainerMemo). */
    Optional<ContainerInfo> running(ContainerSpec c) {
        String pod = podName(c);
        return ContainerMemo.inspect(this, pod, () -> host.containers().inspect(pod)).filter(ContainerInfo::running);
    }

    /** The running container, or a NotFoundException naming it. */
    ContainerInfo require(ContainerSpec c) {
        return running(c).orElseThrow(() -> new NotFoundException("container " + podName(c) + " of spec "
                + spec.name() + " is not running on host " + host.name()));
    }

    /** Links inside the running container, or empty. */
    Optional<Links> containerLinks(ContainerSpec c) {
        return running(c).map(ci -> host.links(ci.namespace()));
    }
}
