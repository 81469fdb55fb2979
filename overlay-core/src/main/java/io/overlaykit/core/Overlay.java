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

    /**
     * Re-wires {@code host} whenever one of the containers OverlayKit runs there starts again: a restarted
     * container is a new process with a new, empty network namespace. Each start event triggers an
     * {@link #apply(Host)} on a background thread; results and failures go to the callbacks. Containers
     * marked {@code existing} carry no labels of ours and are not watched.
     *
     * @return a handle; closing it stops watching (idempotent)
     */
    public AutoCloseable watch(Host host, java.util.function.Consumer<ApplyResult> onApplied,
                               java.util.function.Consumer<RuntimeException> onError) {
        java.util.concurrent.ExecutorService worker = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "overlaykit-watch-" + spec.name() + "-" + host.name());
            t.setDaemon(true);
            return t;
        });
        AutoCloseable events = host.containers().events(
                io.overlaykit.core.plan.Names.of(spec.name()).labels(host.name()), event -> {
                    if (event.type() == io.overlaykit.core.spi.ContainerRuntime.ContainerEvent.Type.START) {
                        worker.execute(() -> {
                            try {
                                onApplied.accept(apply(host));
                            } catch (RuntimeException e) {
                                onError.accept(e);
                            }
                        });
                    }
                });
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                try {
                    events.close();
                } finally {
                    worker.shutdown();
                }
            }
        };
    }

    @Override
    public String toString() {
        return "Overlay[" + spec + "]";
    }
}
