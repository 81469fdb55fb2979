package io.overlaykit.testkit.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Runs independent start steps (hosts, podman) at once on daemon threads; the first failure is rethrown. */
public final class Parallel {
    private Parallel() {
    }

    /** Runs every step on its own thread named {@code threadName} and waits for all of them. */
    public static void run(String threadName, List<Runnable> steps) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, steps.size()), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true); // a stuck step must not keep the JVM (and so the shutdown hook) from ending
            return t;
        });
        try {
            CompletableFuture.allOf(steps.stream().map(s -> CompletableFuture.runAsync(s, pool))
                    .toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        } finally {
            pool.shutdownNow();
        }
    }
}
