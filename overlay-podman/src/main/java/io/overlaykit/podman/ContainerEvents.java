package io.overlaykit.podman;

import io.overlaykit.podman.internal.EventSubscription;
import java.util.Optional;

/**
 * A running subscription to podman's container events (see {@link PodmanClient#events}). Events arrive on
 * a background thread of its own; closing stops it. The stream does not reconnect by itself: when podman
 * goes away, {@link #isActive()} turns false and {@link #failure()} says why, so the caller can subscribe
 * again (with {@code since} to replay what it missed).
 */
public final class ContainerEvents implements AutoCloseable {
    private final EventSubscription subscription;
    private final Runnable onClose;

    ContainerEvents(EventSubscription subscription, Runnable onClose) {
        this.subscription = subscription;
        this.onClose = onClose;
    }

    /** True while events are being read. */
    public boolean isActive() {
        return subscription.isActive();
    }

    /** Why the stream ended on its own, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(subscription.failure());
    }

    /** Stops the reader thread; idempotent. */
    @Override
    public void close() {
        subscription.close();
        onClose.run();
    }
}
