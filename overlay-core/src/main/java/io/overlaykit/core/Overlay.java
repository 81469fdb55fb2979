package io.overlaykit.core;

import io.overlaykit.core.plan.ApplyResult;
import io.overlaykit.core.plan.OverlayEngine;
import io.overlaykit.core.plan.Plan;
import io.overlaykit.core.plan.Planner;
import io.overlaykit.core.plan.ProgressListener;
import io.overlaykit.core.plan.Status;
import io.overlaykit.core.plan.Teardown;
import io.overlaykit.core.spec.OverlaySpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

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

    public OverlaySpec spec() {
        return spec;
    }

    /** The host's plan; reads the host but changes nothing. Printable. */
    public Plan plan(Host host) {
        return Planner.plan(spec, host);
    }

    /** Applies the spec on {@code host}; a failure leaves the host as it was and throws the first error. */
    public ApplyResult apply(Host host) {
        return apply(host, ProgressListener.NONE);
    }

    /** {@link #apply(Host)} reporting each step to {@code listener}. */
    public ApplyResult apply(Host host, ProgressListener listener) {
        return OverlayEngine.apply(plan(host), listener);
    }

    /** Drift between the spec and {@code host}. */
    public Status status(Host host) {
        return Status.of(plan(host));
    }

    /** Removes our objects from {@code host}; returns what it did, one line each. */
    public List<String> teardown(Host host) {
        return Teardown.run(spec, host);
    }

    @Override
    public String toString() {
        return "Overlay[" + spec + "]";
    }
}
