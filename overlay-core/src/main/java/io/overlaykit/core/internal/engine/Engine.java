package io.overlaykit.core.internal.engine;

import io.overlaykit.core.Host;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.plan.ApplyResult;
import io.overlaykit.core.plan.Plan;
import io.overlaykit.core.plan.ProgressListener;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.OverlaySwitch;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * The reconciler behind {@link io.overlaykit.core.Overlay}: observe the host once, plan as data, execute in
 * batches. {@code status} is the plan's drift; {@code teardown} is a plan of removals run best-effort.
 */
public final class Engine {
    private static final Logger LOG = System.getLogger(Engine.class.getName());

    private Engine() {
    }

    /** The transit address of {@code host} in an encrypted spec. */
    public static java.net.InetAddress transitAddress(OverlaySpec spec, String host) {
        return WireGuardPlanner.transitAddress(spec, host);
    }

    /** The base64 WireGuard public key of {@code host} in an encrypted spec. */
    public static String wireguardPublicKey(OverlaySpec spec, String host) {
        return WireGuardPlanner.publicKey(spec, host);
    }

    /** Per peer host: how the tunnel from {@code host} is encrypted and its last WireGuard handshake. */
    public static List<io.overlaykit.core.plan.TunnelStatus> tunnels(OverlaySpec spec, Host host) {
        return WireGuardPlanner.tunnels(spec, host, java.time.Instant.now());
    }

    /**
     * The drift of {@code spec} on {@code host} (from one observation, as {@link #plan}), with warnings about the
     * host that are not drift ({@link NeighbourPressure}); changes nothing.
     */
    public static io.overlaykit.core.plan.Status status(OverlaySpec spec, Host host) {
        Planned p = observeAndPlan(spec, host);
        return io.overlaykit.core.plan.Status.of(p.plan, NeighbourPressure.warnings(spec, host.name(), p.snap));
    }

    /** Observes {@code host} and plans {@code spec} on it; changes nothing. */
    public static Plan plan(OverlaySpec spec, Host host) {
        return observeAndPlan(spec, host).plan;
    }

    private record Planned(HostSnapshot snap, Plan plan) {
    }

    private static Planned observeAndPlan(OverlaySpec spec, Host host) {
        OverlaySwitch sw = host.overlaySwitch(spec.switchKind());
        HostSnapshot snap = Observer.observe(spec, host, sw);
        return new Planned(snap, HostPlanner.plan(spec, host.name(), snap, sw));
    }

    /**
     * Observes, plans and executes holding the host's state lock throughout: another apply or a teardown of
     * the same spec on the same host, in this process or another, waits for it. Objects on the host that stand
     * in the way and are not ours ({@link HostConflicts}) are refused first, as invalid input.
     */
    public static ApplyResult apply(OverlaySpec spec, Host host, ProgressListener listener) {
        WireGuardPlanner.refuseUnproven(spec, host.name()); // before the lock: a refused spec leaves no trace
        try (HostLock lock = HostLock.acquire(host.stateDir(spec.name()),
                "apply of spec " + spec.name() + " on host " + host.name())) {
            OverlaySwitch sw = host.overlaySwitch(spec.switchKind());
            HostSnapshot snap = Observer.observe(spec, host, sw);
            List<InvalidSpecException.Problem> conflicts = HostConflicts.problems(spec, host, snap, List.of());
            if (!conflicts.isEmpty()) {
                throw new InvalidSpecException(conflicts); // objects in the way that are not ours: before any change
            }
            Plan plan = HostPlanner.plan(spec, host.name(), snap, sw);
            return Executor.apply(plan, host, sw, snap, listener);
        }
    }

    /**
     * What on {@code host} stands in the way of {@code spec}, also for the listen sockets of {@code boundLater}
     * (forwards the caller binds itself); reads the host, changes nothing.
     */
    public static List<InvalidSpecException.Problem> conflicts(OverlaySpec spec, Host host,
                                                               List<io.overlaykit.core.spec.ForwardSpec> boundLater) {
        OverlaySwitch sw = host.overlaySwitch(spec.switchKind());
        return HostConflicts.problems(spec, host, Observer.observe(spec, host, sw), boundLater);
    }

    /** Removes our objects from {@code host}; returns what it did, one line each. */
    public static List<String> teardown(OverlaySpec spec, Host host) {
        try (HostLock lock = HostLock.acquire(host.stateDir(spec.name()),
                "teardown of spec " + spec.name() + " on host " + host.name())) {
            OverlaySwitch sw;
            try {
                sw = host.overlaySwitch(spec.switchKind());
            } catch (OverlayException e) {
                LOG.log(Level.DEBUG, "no switch backend, skipping bridges: " + e.getMessage());
                sw = null;
            }
            HostSnapshot snap = Observer.observeForTeardown(spec, host);
            Plan plan = TeardownPlanner.plan(spec, host, snap, sw);
            List<String> done = Executor.bestEffort(plan, host, sw, snap);
            new HostStateFile(host.stateDir(spec.name())).delete();
            LOG.log(Level.INFO, () -> "spec " + spec.name() + " on host " + host.name() + ": teardown done, "
                    + done.size() + " actions");
            return done;
        }
    }
}
