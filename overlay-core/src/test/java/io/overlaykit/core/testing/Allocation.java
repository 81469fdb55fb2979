package io.overlaykit.core.testing;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * TEST ONLY: bytes allocated by the current thread (HotSpot's per-thread counter), to hold a parser to an
 * allocation bound per input in the fuzz tests: a length field that makes it allocate what a peer claims
 * instead of what arrived shows up as a finding, not as an OutOfMemoryError some day. Reached by reflection
 * because the modules under test do not read {@code jdk.management} (their tests compile against module-info).
 */
public final class Allocation {
    private static final MethodHandle ALLOCATED = allocatedBytesHandle();

    private Allocation() {
    }

    /** The running total for this thread. */
    public static long allocatedBytes() {
        try {
            return (long) ALLOCATED.invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read the thread's allocation counter", e);
        }
    }

    /** Runs {@code work} and fails when it allocated more than {@code bound} bytes on this thread. */
    public static void bounded(long bound, String what, Runnable work) {
        long before = allocatedBytes();
        work.run();
        long used = allocatedBytes() - before;
        if (used > bound) {
            throw new AssertionError(what + " allocated " + used + " bytes, more than its bound of " + bound);
        }
    }

    private static MethodHandle allocatedBytesHandle() {
        try {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            Object bean = factory.getMethod("getThreadMXBean").invoke(null);
            Class<?> hotspot = Class.forName("com.sun.management.ThreadMXBean");
            MethodHandle h = MethodHandles.publicLookup().findVirtual(hotspot, "getCurrentThreadAllocatedBytes",
                    MethodType.methodType(long.class));
            return h.bindTo(bean);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this JVM has no per-thread allocation counter", e);
        }
    }
}
