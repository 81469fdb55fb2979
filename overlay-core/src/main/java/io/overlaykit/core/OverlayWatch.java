package io.overlaykit.core;

import io.overlaykit.core.plan.ApplyResult;
import io.overlaykit.core.spi.ContainerRuntime.ContainerEvent;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The handle of {@link Overlay#watch}: subscribes to the start events of our containers on one host and
 * re-applies on one worker thread. Start events that arrive while an apply is queued collapse into that
 * apply. When the runtime ends the event stream (podman restarted), it resubscribes with backoff, replaying
 * from the last event seen, and applies once, since restarts during the gap may not be replayed.
 */
final class OverlayWatch implements AutoCloseable {
    static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(8);
    /** A subscription that lived this long was healthy: the next failure starts the backoff afresh. */
    private static final Duration HEALTHY = Duration.ofSeconds(30);
    private static final Logger LOG = System.getLogger(OverlayWatch.class.getName());

    private final Host host;
    private final Map<String, String> labels;
    private final Supplier<ApplyResult> apply;
    private final Consumer<ApplyResult> onApplied;
    private final Consumer<RuntimeException> onError;
    private final Duration closeTimeout;
    private final ScheduledThreadPoolExecutor worker;
    private final AtomicBoolean applyRequested = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread workerThread;
    private volatile Instant lastSeen;
    private AutoCloseable events; // guarded by this
    private Instant subscribedAt; // guarded by this
    private Duration backoff = MIN_BACKOFF; // guarded by this

    OverlayWatch(Host host, String threadName, Map<String, String> labels, Supplier<ApplyResult> apply,
                 Consumer<ApplyResult> onApplied, Consumer<RuntimeException> onError, Duration closeTimeout) {
        this.host = host;
        this.labels = labels;
        this.apply = apply;
        this.onApplied = onApplied;
        this.onError = onError;
        this.closeTimeout = closeTimeout;
        this.worker = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            workerThread = t;
            return t;
        });
        // a pending resubscribe must not hold close() up
        worker.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Subscribes; a runtime that cannot be reached now is an error to the caller, not a retry. */
    OverlayWatch start() {
        try {
            subscribe();
        } catch (RuntimeException | Error e) {
            worker.shutdownNow();
            throw e;
        }
        return this;
    }

    private void subscribe() {
        Instant now = Instant.now();
        Instant since = lastSeen == null ? null : lastSeen.minusSeconds(1); // the runtime counts whole seconds
        AutoCloseable handle = host.containers().events(labels, since, this::onEvent, this::onEnded);
        synchronized (this) {
            if (!closed.get()) {
                events = handle;
                subscribedAt = now;
                handle = null;
            }
        }
        closeQuietly(handle); // closed meanwhile
        if (lastSeen == null) {
            lastSeen = now;
        }
    }

    private void onEvent(ContainerEvent event) {
        lastSeen = Instant.now();
        if (event.type() == ContainerEvent.Type.START) {
            requestApply();
        }
    }

    private void onEnded(Throwable cause) {
        if (closed.get()) {
            return;
        }
        Duration delay;
        synchronized (this) {
            if (subscribedAt != null && Duration.between(subscribedAt, Instant.now()).compareTo(HEALTHY) >= 0) {
                backoff = MIN_BACKOFF;
            }
            delay = nextDelay();
        }
        report(new BackendException("host " + host.name() + ": the container event stream ended ("
                + cause.getMessage() + "); subscribing again in " + delay.toSeconds() + " s", cause, true));
        schedule(this::resubscribe, delay);
    }

    private void resubscribe() {
        if (closed.get()) {
            return;
        }
        try {
            subscribe();
        } catch (RuntimeException e) {
            Duration delay;
            synchronized (this) {
                delay = nextDelay();
            }
            report(new BackendException("host " + host.name() + ": subscribing to container events failed ("
                    + e.getMessage() + "); trying again in " + delay.toSeconds() + " s", e, true));
            schedule(this::resubscribe, delay);
            return;
        }
        LOG.log(Level.INFO, () -> "host " + host.name() + ": container events subscribed again");
        requestApply(); // restarts while the stream was down may not be replayed
    }

    /** The current backoff, doubling the next one up to {@link #MAX_BACKOFF}. Holds the lock. */
    private Duration nextDelay() {
        Duration d = backoff;
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
        return d;
    }

    /** Queues one apply unless one is queued already: N start events before it runs cost one apply. */
    void requestApply() {
        if (applyRequested.compareAndSet(false, true)) {
            try {
                worker.execute(this::applyNow);
            } catch (RejectedExecutionException e) {
                applyRequested.set(false); // closed
            }
        }
    }

    private void applyNow() {
        // cleared before the apply: a start during it (also one the apply causes) queues one more
        applyRequested.set(false);
        if (closed.get()) {
            return;
        }
        ApplyResult result;
        try {
            result = apply.get();
        } catch (RuntimeException e) {
            report(e);
            return;
        }
        try {
            onApplied.accept(result);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "host " + host.name() + ": watch callback failed", e);
        }
    }

    private void schedule(Runnable task, Duration delay) {
        try {
            worker.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void report(RuntimeException e) {
        try {
            onError.accept(e);
        } catch (RuntimeException callbackFailure) {
            LOG.log(Level.WARNING, "host " + host.name() + ": watch error callback failed", callbackFailure);
        }
    }

    /**
     * Stops watching and waits for a running apply to finish (up to the close timeout), so that whoever
     * closes can tear down without racing it. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        AutoCloseable handle;
        synchronized (this) {
            handle = events;
            events = null;
        }
        try {
            closeQuietly(handle);
        } finally {
            worker.shutdown();
            if (Thread.currentThread() != workerThread) { // a callback closing the watch must not wait for itself
                awaitWorker();
            }
        }
    }

    private void awaitWorker() {
        try {
            if (!worker.awaitTermination(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(Level.WARNING, "host " + host.name() + ": an apply still runs " + closeTimeout.toSeconds()
                        + " s after the watch was closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeQuietly(AutoCloseable handle) {
        if (handle == null) {
            return;
        }
        try {
            handle.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "host " + host.name() + ": closing the event subscription failed", e);
        }
    }

    @Override
    public String toString() {
        return "watch of host " + host.name() + (closed.get() ? " (closed)" : "");
    }
}
