package io.overlaykit.core.plan;

import io.overlaykit.core.Host;
import io.overlaykit.core.spec.OverlaySpec;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a plan: each step that is not already done is applied, in order. When a step fails, the steps
 * this run changed are undone in reverse order and the first error is thrown, with any undo failures
 * attached as suppressed exceptions (never replacing it).
 */
public final class OverlayEngine {
    private static final Logger LOG = System.getLogger(OverlayEngine.class.getName());

    private OverlayEngine() {
    }

    /**
     * Plans and applies {@code spec} on {@code host} holding the host's state lock throughout (see
     * {@link #apply(Plan, ProgressListener)} for failures): another apply or a teardown of the same spec on
     * the same host, in this process or another, waits for it.
     */
    public static ApplyResult apply(OverlaySpec spec, Host host, ProgressListener listener) {
        try (HostLock lock = HostLock.acquire(host.stateDir(spec.name()),
                "apply of spec " + spec.name() + " on host " + host.name())) {
            return apply(Planner.plan(spec, host), listener);
        }
    }

    /**
     * Applies {@code plan}; see the class comment for failures. Takes no lock: callers that may run next
     * to another apply use {@link #apply(OverlaySpec, Host, ProgressListener)}.
     */
    public static ApplyResult apply(Plan plan, ProgressListener listener) {
        return ContainerMemo.during(() -> run(plan, listener));
    }

    private static ApplyResult run(Plan plan, ProgressListener listener) {
        ProgressListener l = listener == null ? ProgressListener.NONE : listener;
        long start = System.nanoTime();
        List<Step> changed = new ArrayList<>();
        List<ApplyResult.StepOutcome> outcomes = new ArrayList<>();
        for (Step step : plan.steps()) {
            long t0 = System.nanoTime();
            try {
                l.stepStarted(step);
                boolean done = step.isDone();
                if (!done) {
                    LOG.log(Level.DEBUG, () -> plan.host() + ": " + step.id() + ": " + step.description());
                    try {
                        step.apply();
                    } finally {
                        ContainerMemo.forget(); // it may have run or removed a container, even when it failed
                    }
                    changed.add(step);
                }
                Duration took = since(t0);
                outcomes.add(new ApplyResult.StepOutcome(step.id(), step.description(), !done, took));
                l.stepFinished(step, !done, took);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "spec " + plan.spec() + " on host " + plan.host() + ": step '" + step.id()
                        + "' failed, undoing " + changed.size() + " steps: " + e.getMessage());
                notifyFailed(l, step, e);
                rollback(changed, e, l, plan);
                throw e;
            }
        }
        ApplyResult result = new ApplyResult(plan.spec(), plan.host(), outcomes, since(start));
        LOG.log(Level.INFO, result::toString);
        return result;
    }

    private static void rollback(List<Step> changed, Throwable original, ProgressListener l, Plan plan) {
        for (int i = changed.size() - 1; i >= 0; i--) {
            Step step = changed.get(i);
            if (!step.reversible()) {
                continue;
            }
            long t0 = System.nanoTime();
            try {
                try {
                    step.undo();
                } finally {
                    ContainerMemo.forget();
                }
                l.stepUndone(step, since(t0));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "spec " + plan.spec() + " on host " + plan.host() + ": undo of '"
                        + step.id() + "' failed: " + e.getMessage());
                original.addSuppressed(e);
                notifyFailed(l, step, e);
            }
        }
    }

    private static void notifyFailed(ProgressListener l, Step step, Throwable e) {
        try {
            l.stepFailed(step, e);
        } catch (RuntimeException ignored) {
            // a broken progress display must not hide the real failure
        }
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
