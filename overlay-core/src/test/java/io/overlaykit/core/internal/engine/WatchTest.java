package io.overlaykit.core.internal.engine;

import io.overlaykit.core.plan.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Overlay;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Overlay.watch against the fake podman: resubscribing after the stream ends, coalescing, closing. */
class WatchTest {
    @TempDir
    Path tmp;

    @Test
    void anEndedStreamIsReportedThenResubscribedWithBackoffAndAppliedOnce() throws Exception {
        World w = new World(tmp, "hostA", true);
        Overlay overlay = Overlay.of(Specs.twoHosts());
        overlay.apply(w.host);
        BlockingQueue<ApplyResult> applied = new LinkedBlockingQueue<>();
        BlockingQueue<RuntimeException> errors = new LinkedBlockingQueue<>();
        Instant before = Instant.now();
        try (AutoCloseable watch = overlay.watch(w.host, applied::add, errors::add)) {
            assertThat(w.runtime.subscriptions()).isEqualTo(1);
            assertThat(w.runtime.sinces).containsExactly(Instant.EPOCH); // the first subscription replays nothing
            w.runtime.failSubscriptions.set(1); // podman is not back at the first try
            // podman restarts: the stream ends, and a container restarted meanwhile has lost its wiring
            w.runtime.endStreams(new IOException("podman at /run/podman/podman.sock ended the event stream"));
            var ci = w.runtime.restart("okcore-podA");
            long t0 = System.nanoTime();

            assertThat(errors.poll(5, TimeUnit.SECONDS)).isInstanceOf(BackendException.class)
                    .hasMessageContaining("host hostA: the container event stream ended")
                    .hasMessageContaining("again in 1 s").hasCauseInstanceOf(IOException.class);
            assertThat(errors.poll(5, TimeUnit.SECONDS)).hasMessageContaining("subscribing to container events failed")
                    .hasMessageContaining("podman is not there").hasMessageContaining("again in 2 s");
            ApplyResult result = applied.poll(10, TimeUnit.SECONDS);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(result).as("one apply after subscribing again").isNotNull();
            assertThat(tookMillis).as("backoff 1 s then 2 s").isBetween(2900L, 8000L);
            assertThat(result.changedSteps()).contains("veth podA", "address podA");
            assertThat(w.stack.existing(NetNamespace.ofPid(ci.pid())).addresses(InterfaceName.of("eth0"))).hasSize(1);
            assertThat(w.runtime.subscriptions()).isEqualTo(1);
            assertThat(w.runtime.sinces).hasSize(2);
            // replays from the last moment the stream was known good (the subscription, no event came), less 1 s
            assertThat(w.runtime.sinces.get(1)).isBetween(before.minusSeconds(2), before.plusSeconds(1));

            // the new subscription works
            var again = w.runtime.restart("okcore-podB");
            assertThat(applied.poll(10, TimeUnit.SECONDS).changedSteps()).contains("veth podB");
            assertThat(w.stack.existing(NetNamespace.ofPid(again.pid())).addresses(InterfaceName.of("eth0"))).hasSize(1);
        }
        assertThat(w.runtime.subscriptions()).isZero();
        w.runtime.endStreams(new IOException("late")); // nothing open: nothing happens
        Thread.sleep(200);
        assertThat(errors).isEmpty();
        assertThat(applied).isEmpty();
    }

    @Test
    void startsQueuedBehindAnApplyShareOneApplyAndCloseWaitsForTheRunningOne() throws Exception {
        World w = new World(tmp, "hostA", true);
        Overlay overlay = Overlay.of(Specs.twoHosts());
        overlay.apply(w.host);
        AtomicInteger applies = new AtomicInteger();
        BlockingQueue<RuntimeException> errors = new LinkedBlockingQueue<>();
        AutoCloseable watch = overlay.watch(w.host, r -> applies.incrementAndGet(), errors::add);
        try {
            w.runtime.gate = new CountDownLatch(1);
            w.runtime.emitStart("okcore-podA");
            assertThat(w.runtime.inspecting.tryAcquire(5, TimeUnit.SECONDS)).as("the first apply runs").isTrue();
            for (int i = 0; i < 5; i++) {
                w.runtime.emitStart("okcore-podB");
            }
            CountDownLatch open = w.runtime.gate;
            w.runtime.gate = null;
            open.countDown();
            for (int i = 0; i < 100 && applies.get() < 2; i++) {
                Thread.sleep(20);
            }
            Thread.sleep(300);
            assertThat(applies).as("6 start events, 2 applies: the running one and one for the 5 queued").hasValue(2);

            // close while an apply runs: it returns only after the apply finished
            w.runtime.gate = new CountDownLatch(1);
            w.runtime.inspecting.drainPermits();
            w.runtime.emitStart("okcore-podA");
            assertThat(w.runtime.inspecting.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
            Thread closer = new Thread(() -> {
                try {
                    watch.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            closer.start();
            closer.join(300);
            assertThat(closer.isAlive()).as("close waits for the running apply").isTrue();
            open = w.runtime.gate;
            w.runtime.gate = null;
            open.countDown();
            closer.join(5000);
            assertThat(closer.isAlive()).isFalse();
            assertThat(applies).as("the running apply finished before close returned").hasValue(3);
            assertThat(errors).isEmpty();
        } finally {
            CountDownLatch g = w.runtime.gate;
            w.runtime.gate = null;
            if (g != null) {
                g.countDown();
            }
            watch.close();
        }
    }
}
