package io.overlaykit.core.spi;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link RequestHook} that counts requests per backend and access kind. Thread-safe.
 *
 * <pre>{@code
 * RequestCounter c = new RequestCounter();
 * host.requestHook(c);
 * overlay.apply(host);
 * c.writes();   // 0 for an apply that found nothing to change
 * }</pre>
 */
public final class RequestCounter implements RequestHook {
    private final Map<Backend, LongAdder[]> counts = new EnumMap<>(Backend.class);

    /** A counter at zero for every backend and access. */
    public RequestCounter() {
        for (Backend b : Backend.values()) {
            counts.put(b, new LongAdder[] {new LongAdder(), new LongAdder()});
        }
    }

    @Override
    public void beforeRequest(Backend backend, Access access, String operation) {
        counts.get(backend)[access.ordinal()].increment();
    }

    /** Requests of one backend and access kind counted so far. */
    public long count(Backend backend, Access access) {
        return counts.get(backend)[access.ordinal()].sum();
    }

    /** Requests of one backend, reads and writes. */
    public long count(Backend backend) {
        return count(backend, Access.READ) + count(backend, Access.WRITE);
    }

    /** Requests that may change something, over every backend. */
    public long writes() {
        return counts.values().stream().mapToLong(a -> a[Access.WRITE.ordinal()].sum()).sum();
    }

    /** Read requests over every backend. */
    public long reads() {
        return counts.values().stream().mapToLong(a -> a[Access.READ.ordinal()].sum()).sum();
    }

    /** Sets every count back to zero. */
    public void reset() {
        counts.values().forEach(a -> {
            a[0].reset();
            a[1].reset();
        });
    }

    /** The non-zero counts, e.g. {@code {NETLINK_READ=3, OVSDB_WRITE=1}}. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        counts.forEach((b, a) -> {
            for (Access x : Access.values()) {
                long n = a[x.ordinal()].sum();
                if (n > 0) {
                    out.put(b + "_" + x, n);
                }
            }
        });
        return out;
    }

    @Override
    public String toString() {
        return "RequestCounter" + snapshot();
    }
}
