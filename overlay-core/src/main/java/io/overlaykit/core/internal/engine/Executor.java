package io.overlaykit.core.internal.engine;

import io.overlaykit.core.BatchException;
import io.overlaykit.core.Host;
import io.overlaykit.core.plan.ApplyResult;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Plan;
import io.overlaykit.core.plan.ProgressListener;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.OverlaySwitch;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Runs a plan's changes in order, in batches: consecutive changes that go to the same place (one
 * namespace's links, one namespace's sysctls, the switch, the state file) run as one batch, across step
 * boundaries, so a phase of the plan (every veth, every port) costs a few requests. Firewall, container
 * and file changes run one at a time.
 *
 * <p>{@link #apply} stops at the first failure and undoes, in reverse order, exactly the changes that took
 * effect (a batch says which did), with the inverses the planner computed from the snapshot; the first
 * error is thrown, undo failures attached as suppressed. {@link #bestEffort} (teardown) goes on after a
 * failure and throws the first one at the end.
 */
public final class Executor {
    private static final Logger LOG = System.getLogger(Executor.class.getName());

    private final Plan plan;
    private final ProgressListener listener;
    private final ChangeRunner runner;
    private final List<Entry> flat = new ArrayList<>();
    private final int[] firstChange;
    private final int[] lastChange;
    private long applyStart;

    /** One change of the plan with the index of its step. */
    private record Entry(int step, Change change) {
    }

    private Executor(Plan plan, Host host, OverlaySwitch sw, HostSnapshot snap, ProgressListener listener) {
        this.plan = plan;
        this.listener = listener == null ? ProgressListener.NONE : listener;
        Map<String, ContainerInfo> running = new HashMap<>();
        snap.containers.forEach((name, ci) -> {
            if (ci.running()) {
                running.put(name, ci);
            }
        });
        this.runner = new ChangeRunner(host, sw, new HostStateFile(host.stateDir(plan.spec())), snap.state, running);
        List<Step> steps = plan.steps();
        firstChange = new int[steps.size()];
        lastChange = new int[steps.size()];
        for (int s = 0; s < steps.size(); s++) {
            firstChange[s] = flat.size();
            for (Change c : steps.get(s).changes()) {
                flat.add(new Entry(s, c));
            }
            lastChange[s] = flat.size() - 1;
        }
    }

    /** Applies {@code plan}; see the class comment for failures. */
    public static ApplyResult apply(Plan plan, Host host, OverlaySwitch sw, HostSnapshot snap, ProgressListener l) {
        return new Executor(plan, host, sw, snap, l).runWithRollback();
    }

    /**
     * Runs every change it can and goes on after a failure; returns the descriptions of the steps that ran
     * completely, and throws the first failure at the end with the others suppressed.
     */
    public static List<String> bestEffort(Plan plan, Host host, OverlaySwitch sw, HostSnapshot snap) {
        return new Executor(plan, host, sw, snap, ProgressListener.NONE).runBestEffort();
    }

    private ApplyResult runWithRollback() {
        long start = System.nanoTime();
        applyStart = start;
        List<Step> steps = plan.steps();
        int n = steps.size();
        long[] started = new long[n];
        List<ApplyResult.StepOutcome> outcomes = new ArrayList<>();
        List<Entry> applied = new ArrayList<>();
        List<Integer> finished = new ArrayList<>();
        int i = 0;
        int nextStart = 0;
        int nextFinish = 0;
        while (nextFinish < n) {
            int j = i < flat.size() ? windowEnd(i) : i;
            // start every step up to the last one with a change in this batch (done steps in between too)
            int startUpTo = j > i ? flat.get(j - 1).step() : n - 1;
            RuntimeException failure = null;
            int failedStep = -1;
            for (; nextStart <= startUpTo; nextStart++) {
                started[nextStart] = System.nanoTime();
                try {
                    listener.stepStarted(steps.get(nextStart));
                } catch (RuntimeException e) {
                    failure = e;
                    failedStep = nextStart;
                    j = Math.max(i, Math.min(j, flatStart(nextStart)));
                    break;
                }
            }
            if (j > i) {
                List<Entry> window = flat.subList(i, j);
                try {
                    runner.run(window.stream().map(Entry::change).toList());
                    applied.addAll(window);
                } catch (RuntimeException e) {
                    SortedSet<Integer> ok = e instanceof BatchException be ? be.applied() : new TreeSet<>();
                    int failedAt = e instanceof BatchException be ? be.failedIndex() : 0;
                    ok.forEach(k -> applied.add(window.get(k)));
                    failure = cause(e);
                    failedStep = window.get(Math.max(0, Math.min(failedAt, window.size() - 1))).step();
                }
            }
            // report, in order, the steps whose changes have all run
            while (nextFinish < nextStart && (failure == null || nextFinish < failedStep)) {
                Step s = steps.get(nextFinish);
                if (!s.isDone() && lastChange[nextFinish] >= j) {
                    break;
                }
                if (!s.isDone()) {
                    finished.add(nextFinish);
                }
                try {
                    outcome(outcomes, s, !s.isDone(), started[nextFinish]);
                } catch (RuntimeException e) {
                    failure = e; // a listener that throws fails the step, as one that throws when it starts
                    failedStep = nextFinish;
                    finished.remove(Integer.valueOf(nextFinish));
                    break;
                }
                nextFinish++;
            }
            if (failure != null) {
                Step failing = steps.get(failedStep);
                LOG.log(Level.WARNING, "spec " + plan.spec() + " on host " + plan.host() + ": step '" + failing.id()
                        + "' failed, undoing " + applied.size() + " changes: " + failure.getMessage());
                notifyFailed(failing, failure);
                rollback(applied, finished, failure);
                throw failure;
            }
            i = j;
        }
        ApplyResult result = new ApplyResult(plan.spec(), plan.host(), outcomes, since(start));
        LOG.log(Level.INFO, result::toString);
        return result;
    }

    /** The index in the flat change list of the first change of step {@code s} or of a later step. */
    private int flatStart(int s) {
        for (int k = s; k < firstChange.length; k++) {
            if (!plan.steps().get(k).isDone()) {
                return firstChange[k];
            }
        }
        return flat.size();
    }

    private void outcome(List<ApplyResult.StepOutcome> outcomes, Step s, boolean changed, long t0) {
        Duration took = since(t0);
        outcomes.add(new ApplyResult.StepOutcome(s.id(), s.description(), changed,
                Duration.ofNanos(t0 - applyStart), took));
        listener.stepFinished(s, changed, took);
    }

    /** The end (exclusive) of the batch that starts at {@code i}. */
    private int windowEnd(int i) {
        String key = ChangeRunner.batchKey(flat.get(i).change());
        int j = i + 1;
        if (key == null) {
            return j;
        }
        while (j < flat.size() && key.equals(ChangeRunner.batchKey(flat.get(j).change()))) {
            j++;
        }
        return j;
    }

    private void rollback(List<Entry> applied, List<Integer> finished, RuntimeException original) {
        List<Entry> undo = new ArrayList<>();
        for (int k = applied.size() - 1; k >= 0; k--) {
            Entry e = applied.get(k);
            Change inverse = e.change().inverse();
            if (inverse != null) {
                undo.add(new Entry(e.step(), inverse));
            }
        }
        Map<Integer, RuntimeException> undoFailures = new HashMap<>();
        long t0 = System.nanoTime();
        int i = 0;
        while (i < undo.size()) {
            String key = ChangeRunner.batchKey(undo.get(i).change());
            int j = i + 1;
            while (key != null && j < undo.size() && key.equals(ChangeRunner.batchKey(undo.get(j).change()))) {
                j++;
            }
            List<Entry> window = undo.subList(i, j);
            try {
                runner.run(window.stream().map(Entry::change).toList());
            } catch (RuntimeException batchFailure) {
                // one by one, so one broken undo does not keep the others from running
                SortedSet<Integer> ok = batchFailure instanceof BatchException be ? be.applied() : new TreeSet<>();
                for (int k = 0; k < window.size(); k++) {
                    if (ok.contains(k)) {
                        continue;
                    }
                    Entry e = window.get(k);
                    try {
                        runner.run(List.of(e.change()));
                    } catch (RuntimeException single) {
                        RuntimeException c = cause(single);
                        LOG.log(Level.WARNING, "spec " + plan.spec() + " on host " + plan.host() + ": undo of '"
                                + plan.steps().get(e.step()).id() + "' failed: " + c.getMessage());
                        undoFailures.putIfAbsent(e.step(), c);
                    }
                }
            }
            i = j;
        }
        // report in reverse order of completion, as the undo ran
        List<Integer> order = new ArrayList<>(finished);
        java.util.Collections.reverse(order);
        for (int s : order) {
            Step step = plan.steps().get(s);
            if (step.removal()) {
                continue;
            }
            RuntimeException failed = undoFailures.remove(s);
            if (failed != null) {
                original.addSuppressed(failed);
                notifyFailed(step, failed);
            } else {
                listener.stepUndone(step, since(t0));
            }
        }
        undoFailures.forEach((s, e) -> {
            original.addSuppressed(e);
            notifyFailed(plan.steps().get(s), e);
        });
    }

    private List<String> runBestEffort() {
        List<String> done = new ArrayList<>();
        List<RuntimeException> errors = new ArrayList<>();
        boolean[] failedStep = new boolean[plan.steps().size()];
        int i = 0;
        while (i < flat.size()) {
            int j = windowEnd(i);
            List<Entry> window = flat.subList(i, j);
            try {
                runner.run(window.stream().map(Entry::change).toList());
            } catch (RuntimeException e) {
                SortedSet<Integer> ok = e instanceof BatchException be ? be.applied() : new TreeSet<>();
                for (int k = 0; k < window.size(); k++) {
                    if (!ok.contains(k)) {
                        failedStep[window.get(k).step()] = true;
                    }
                }
                RuntimeException c = cause(e);
                LOG.log(Level.WARNING, "spec " + plan.spec() + " on host " + plan.host() + ": " + c.getMessage());
                errors.add(c);
            }
            i = j;
        }
        for (int s = 0; s < plan.steps().size(); s++) {
            if (!plan.steps().get(s).isDone() && !failedStep[s]) {
                done.add(plan.steps().get(s).description());
            }
        }
        if (!errors.isEmpty()) {
            RuntimeException first = errors.get(0);
            errors.subList(1, errors.size()).forEach(first::addSuppressed);
            throw first;
        }
        return done;
    }

    /** The failure to report: a batch's first failure rather than the batch wrapper. */
    private static RuntimeException cause(RuntimeException e) {
        if (e instanceof BatchException && e.getCause() instanceof RuntimeException c) {
            return c;
        }
        return e;
    }

    private void notifyFailed(Step step, Throwable e) {
        try {
            listener.stepFailed(step, e);
        } catch (RuntimeException ignored) {
            // a broken progress display must not hide the real failure
        }
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    @Override
    public String toString() {
        return "Executor[" + Objects.toString(plan.spec()) + " on " + plan.host() + "]";
    }
}
