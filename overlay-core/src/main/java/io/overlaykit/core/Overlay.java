package io.overlaykit.core;

import io.overlaykit.core.internal.engine.Engine;
import io.overlaykit.core.internal.engine.Names;
import io.overlaykit.core.plan.ApplyResult;
import io.overlaykit.core.plan.Plan;
import io.overlaykit.core.plan.ProgressListener;
import io.overlaykit.core.plan.Status;
import io.overlaykit.core.spec.OverlaySpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An overlay spec, ready to plan, apply, check and remove on each of its hosts.
 *
 * <pre>{@code
 * Overlay demo = Overlay.fromSpec(Path.of("demo.json"));
 * System.out.println(demo.plan(hostA));
 * demo.apply(hostA);      // idempotent: a second apply changes nothing
 * demo.status(hostA);     // drift between spec and host
 * demo.teardown(hostA);   // removes exactly our objects
 * }</pre>
 */
public final class Overlay {
    private static final Duration WATCH_CLOSE_TIMEOUT = Duration.ofMinutes(1);
    private final OverlaySpec spec;

    private Overlay(OverlaySpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    /** Reads and validates a spec file. */
    public static Overlay fromSpec(Path file) {
        return new Overlay(OverlaySpec.read(file));
    }

    /** Wraps a spec (validated here). */
    public static Overlay of(OverlaySpec spec) {
        return new Overlay(spec.validate());
    }

    /** The validated spec this overlay was made from. */
    public OverlaySpec spec() {
        return spec;
    }

    /**
     * The host's plan: the host is read once and every step carries the changes it needs now (none when it
     * is done). Changes nothing. Printable ({@link Plan#toText()} lists the changes) and ready for JSON.
     */
    public Plan plan(Host host) {
        return Engine.plan(spec, host);
    }

    /**
     * Applies the spec on {@code host}; a failure leaves the host as it was and throws the first error.
     * Holds the host's state lock ({@code <stateDir>/lock}): a concurrent apply or teardown waits.
     */
    public ApplyResult apply(Host host) {
        return apply(host, ProgressListener.NONE);
    }

    /** {@link #apply(Host)} reporting each step to {@code listener}. */
    public ApplyResult apply(Host host, ProgressListener listener) {
        return Engine.apply(spec, host, listener);
    }

    /**
     * Drift between the spec and {@code host}: the steps of {@link #plan} that have changes to make; with
     * warnings (not drift) when the host's neighbour table may overflow ({@link Status#warnings()}).
     */
    public Status status(Host host) {
        return Engine.status(spec, host);
    }

    /**
     * Per peer host: how the tunnel from {@code host} is encrypted ({@code none}, {@code wireguard}, {@code ipsec})
     * and, for WireGuard, the peer's last handshake as the host's WireGuard interface reports it. Reads, changes
     * nothing.
     */
    public List<io.overlaykit.core.plan.TunnelStatus> tunnels(Host host) {
        return Engine.tunnels(spec, host);
    }

    /**
     * What on {@code host} stands in the way of this spec and is not ours (an interface or container of our
     * name, an nft table of our name we did not create, a listen socket held by another process, an
     * {@code existing} container that does not run), each named like a spec problem; empty when nothing does.
     * {@code apply} refuses these itself; {@code alsoBound} are forwards the caller will bind itself (a host
     * agent's userspace forwards), whose listen sockets are checked too. Changes nothing.
     */
    public List<InvalidSpecException.Problem> conflicts(Host host, List<io.overlaykit.core.spec.ForwardSpec> alsoBound) {
        return Engine.conflicts(spec, host, alsoBound);
    }

    /** Removes our objects from {@code host}; returns what it did, one line each. */
    public List<String> teardown(Host host) {
        return Engine.teardown(spec, host);
    }

    /**
     * Re-wires {@code host} whenever one of the containers OverlayKit runs there starts again: a restarted
     * container is a new process with a new, empty network namespace. Start events trigger an
     * {@link #apply(Host)} on a background thread (starts that arrive while one is queued share it); results
     * and failures go to the callbacks. When the container runtime ends the event stream (a podman service
     * restart), the failure goes to {@code onError} and the watch subscribes again with backoff (1 to 8 s),
     * replaying from the last event seen, then applies once. Containers marked {@code existing} carry no
     * labels of ours and are not watched.
     *
     * @return a handle; closing it stops watching and waits up to a minute for a running apply (idempotent)
     */
    public AutoCloseable watch(Host host, Consumer<ApplyResult> onApplied, Consumer<RuntimeException> onError) {
        return watch(host, onApplied, onError, WATCH_CLOSE_TIMEOUT);
    }

    /** {@link #watch(Host, Consumer, Consumer)} whose close waits at most {@code closeTimeout} for an apply. */
    public AutoCloseable watch(Host host, Consumer<ApplyResult> onApplied, Consumer<RuntimeException> onError,
                               Duration closeTimeout) {
        Objects.requireNonNull(onApplied, "onApplied");
        Objects.requireNonNull(onError, "onError");
        return new OverlayWatch(host, "overlaykit-watch-" + spec.name() + "-" + host.name(),
                Names.of(spec.name()).labels(host.name()), () -> apply(host), onApplied, onError,
                Objects.requireNonNull(closeTimeout, "closeTimeout")).start();
    }

    /**
     * The container runtime's name of the spec's container {@code container}: its own name when it is
     * marked {@code existing}, {@code <spec>-<container>} for the ones OverlayKit runs.
     *
     * @throws NotFoundException when no host of the spec has that container
     */
    public String containerName(String container) {
        return spec.hosts().stream().flatMap(h -> h.containers().stream()).filter(c -> c.name().equals(container))
                .findFirst().map(c -> names().runtimeName(c))
                .orElseThrow(() -> new NotFoundException("spec '" + spec.name() + "' has no container '" + container + "'"));
    }

    /** The labels of the containers OverlayKit runs for this spec on {@code host}. */
    public java.util.Map<String, String> containerLabels(String host) {
        return names().labels(host);
    }

    /**
     * How OverlayKit tags what it makes for this spec on a host, so tests and tools can find it (or check
     * that nothing of it is left): the overlay bridge's name, the link alias, the nft table's name, the
     * switch owner tag and the label key holding the spec name.
     */
    public Tags tags() {
        Names n = names();
        return new Tags(n.bridge(), n.alias(), n.firewallTable(), n.owner(), Names.SPEC_LABEL);
    }

    /** The link on {@code host} that holds the host's gateway address in the overlay. */
    public InterfaceName gatewayInterface(String host) {
        spec.host(host);
        return names().gatewayVeth(host);
    }

    /**
     * The host-side end of the veth pair that wires the spec's container {@code container} into the bridge.
     *
     * @throws NotFoundException when no host of the spec has that container
     */
    public InterfaceName containerInterface(String container) {
        containerName(container);
        return names().containerVeth(container);
    }

    /**
     * The WireGuard interface of {@code host} in an encrypted overlay: the host (or its lab) runs
     * {@code wireguard-go NAME} or has a kernel WireGuard link of that name; the apply configures it.
     */
    public InterfaceName wireguardInterface(String host) {
        spec.host(host);
        return names().wireguard(host);
    }

    /** The transit address of {@code host}'s WireGuard interface (the VXLAN tunnels' endpoint). */
    public java.net.InetAddress transitAddress(String host) {
        spec.host(host);
        return io.overlaykit.core.internal.engine.Engine.transitAddress(spec, host);
    }

    /**
     * The WireGuard public key of {@code host}, base64 as {@code wg} prints it: the spec's {@code publicKey}, or
     * derived from the psk and the host's name.
     *
     * @throws OverlayException when the spec has no psk
     */
    public String wireguardPublicKey(String host) {
        if (spec.psk() == null) {
            throw new OverlayException("spec " + spec.name() + " has no psk, so no WireGuard keys");
        }
        return io.overlaykit.core.internal.engine.Engine.wireguardPublicKey(spec, host);
    }

    /** See {@link #tags()}. */
    public record Tags(InterfaceName bridge, String linkAlias, String firewallTable, String switchOwner,
                       String specLabel) {
    }

    private Names names() {
        return Names.of(spec.name());
    }

    @Override
    public String toString() {
        return "Overlay[" + spec + "]";
    }
}
