package io.overlaykit.samples.cli;

import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.OverlayTimeoutException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The bounded wait of {@code overlay serve --wait-for-backends SECONDS}: a host agent started at boot may come up
 * before Open vSwitch or podman answer (systemd's After= orders the starts, not the readiness). Opening the backends
 * is retried with backoff (250 ms doubling to 4 s) until it succeeds or the time is up; invalid input is never
 * retried. The attempt is the real connection, so what it waits for is exactly what the agent needs.
 */
final class BackendWait {
    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(4);

    /** Sleeps; tests count instead. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private BackendWait() {
    }

    /**
     * Calls {@code attempt} until it returns, for at most {@code wait} (zero: once), reporting each failure to
     * {@code progress}.
     *
     * @throws OverlayTimeoutException naming the last failure when the time is up
     */
    static <T> T until(Supplier<T> attempt, Duration wait, Consumer<String> progress, Sleeper sleeper,
                       Supplier<Long> nanoClock) {
        long deadline = nanoClock.get() + wait.toNanos();
        Duration backoff = FIRST_BACKOFF;
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                return attempt.get();
            } catch (InvalidSpecException e) {
                throw e;
            } catch (OverlayException e) {
                long left = deadline - nanoClock.get();
                if (wait.isZero()) {
                    throw e;
                }
                if (left <= 0) {
                    throw new OverlayTimeoutException("backends not ready after " + wait.toSeconds() + " s ("
                            + attempts + " attempts): " + e.getMessage(), e);
                }
                Duration pause = backoff.toNanos() < left ? backoff : Duration.ofNanos(left);
                progress.accept("waiting for backends (" + e.getMessage() + "); next try in " + pause.toMillis() + " ms");
                try {
                    sleeper.sleep(pause);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new OverlayTimeoutException("interrupted while waiting for backends", ie);
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** {@link #until} with real sleeps and the system clock. */
    static <T> T until(Supplier<T> attempt, Duration wait, Consumer<String> progress) {
        return until(attempt, wait, progress, d -> Thread.sleep(d.toMillis()), System::nanoTime);
    }
}
