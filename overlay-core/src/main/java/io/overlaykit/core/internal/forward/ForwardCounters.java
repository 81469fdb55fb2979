package io.overlaykit.core.internal.forward;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of one forward, shared by its selector threads and read by any thread. */
public final class ForwardCounters {
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong upstreamFailures = new AtomicLong();
    final AtomicLong timedOut = new AtomicLong();
    final AtomicLong bytesToTarget = new AtomicLong();
    final AtomicLong bytesToClient = new AtomicLong();
    final AtomicInteger active = new AtomicInteger();

    /** Connections currently forwarded (including those still connecting upstream). */
    public int active() {
        return active.get();
    }

    /** Takes one of {@code max} connection slots; false when all are taken. */
    boolean tryReserve(int max) {
        for (int now = active.get(); now < max; now = active.get()) {
            if (active.compareAndSet(now, now + 1)) {
                return true;
            }
        }
        return false;
    }

    void releaseSlot() {
        active.decrementAndGet();
    }

    /** Client connections accepted and forwarded, over the forward's life. */
    public long accepted() {
        return accepted.get();
    }

    /** Client connections closed at once because the connection cap was reached. */
    public long refused() {
        return refused.get();
    }

    /** Upstream connects that failed (refused, unreachable) or timed out. */
    public long upstreamFailures() {
        return upstreamFailures.get();
    }

    /** Connections closed by the connect or idle timeout. */
    public long timedOut() {
        return timedOut.get();
    }

    /** Payload bytes moved from clients to the target (the PROXY header not included). */
    public long bytesToTarget() {
        return bytesToTarget.get();
    }

    /** Payload bytes moved from the target to clients. */
    public long bytesToClient() {
        return bytesToClient.get();
    }
}
