package io.overlaykit.core.testing;

import java.util.List;

/**
 * TEST ONLY: what the JVM holds after a full collection, heap and direct buffers, for "memory is flat after a
 * soak" checks. The direct-buffer figure comes from the platform's {@code BufferPoolMXBean} "direct" (reached by
 * reflection: the modules under test do not read {@code java.management}).
 */
public final class Memory {
    private Memory() {
    }

    /**
     * Heap in use after {@code System.gc()} has settled (three rounds, the smallest reading). Every round reads,
     * interrupted or not: a reading skipped on an interrupt once left Long.MAX_VALUE, and a check of "at most
     * this plus a slack" overflowed into a negative bound.
     */
    public static long heapUsedAfterGc() {
        long best = Long.MAX_VALUE;
        boolean interrupted = false;
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            Runtime rt = Runtime.getRuntime();
            best = Math.min(best, rt.totalMemory() - rt.freeMemory());
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return best;
    }

    /** Bytes of direct {@code ByteBuffer}s the JVM holds (freed buffers are counted until collected). */
    public static long directBufferBytes() {
        try {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            Class<?> pool = Class.forName("java.lang.management.BufferPoolMXBean");
            List<?> pools = (List<?>) factory.getMethod("getPlatformMXBeans", Class.class).invoke(null, pool);
            for (Object p : pools) {
                if ("direct".equals(pool.getMethod("getName").invoke(p))) {
                    return (long) pool.getMethod("getMemoryUsed").invoke(p);
                }
            }
            throw new IllegalStateException("no 'direct' buffer pool");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the direct buffer pool", e);
        }
    }
}
