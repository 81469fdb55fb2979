package io.overlaykit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.overlaykit.core.Overlay;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.plan.ApplyResult;
import io.overlaykit.core.plan.ProgressListener;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.testkit.HostOracle;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabHost;
import io.overlaykit.testkit.LabOverlay;
import io.overlaykit.testkit.TrafficOracle;
import io.overlaykit.testkit.WithLab;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A daemon the apply depends on dies in the middle of it (chosen by the engine's progress events, not by
 * time): ovsdb-server, ovs-vswitchd, the podman service. The apply fails with an error that names what was
 * lost within {@link #BOUND} (the test fails on the bound: never a hang), undoes what it can, and once the
 * daemon is back the next apply converges: the containers ping each other across the hosts (iputils) and a
 * third apply changes nothing. Teardown then leaves hostA as the oracles saw it before.
 */
@WithLab(ovs = true, podman = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DaemonFailureIT {
    /** What an apply may take before it counts as hanging. */
    static final Duration BOUND = Duration.ofSeconds(90);
    private static final String SPEC = """
            {"name": "okdmn", "vni": 5093, "subnet": "10.93.0.0/16", "switch": "ovs",
             "hosts": [
              {"name": "hostA", "underlay": "192.0.2.2", "gateway": "10.93.0.1", "containers": [
                {"name": "a1", "ip": "10.93.1.1", "image": "%1$s", "command": ["sh", "-c", "sleep 3600"]},
                {"name": "a2", "ip": "10.93.1.2", "image": "%1$s", "command": ["sh", "-c", "sleep 3600"]}]},
              {"name": "hostB", "underlay": "192.0.2.3", "gateway": "10.93.0.2", "containers": [
                {"name": "b1", "ip": "10.93.2.1", "image": "%1$s", "command": ["sh", "-c", "sleep 3600"]}]}
             ]}
            """.formatted(Lab.TEST_IMAGE);

    private OverlaySpec spec;
    private Lab lab;
    private LabOverlay overlay;
    private HostOracle.Snapshot before;
    private int survived;

    @BeforeAll
    void start() {
        spec = OverlaySpec.read(SPEC);
        lab = LabOverlay.labFor(spec).start();
        overlay = LabOverlay.connect(lab);
        overlay.applyAll(spec);
        overlay.teardownAll(spec);
        bounded(() -> Overlay.of(spec).apply(overlay.host("hostB")), "apply hostB"); // the peer, left applied
        HostOracle.awaitSettled(lab.host("hostA"));
        before = snapshot(); // the lab's podman serves both hosts: hostB's container is in it
    }

    @AfterAll
    void stop() {
        System.out.printf("[okdmn] %d daemon deaths in the middle of an apply survived%n", survived);
        try {
            if (overlay != null) {
                overlay.close();
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    @Test
    @Order(1)
    void ovsdbServerDiesAfterTheBridge() {
        LabHost a = lab.host("hostA");
        dies("bridge", a::killOvsdbServer, a::restartOvsdbServer, "ovsdb");
    }

    @Test
    @Order(2)
    void ovsVswitchdDiesAfterTheBridge() {
        LabHost a = lab.host("hostA");
        dies("bridge", a::killVswitchd, a::restartVswitchd, "vswitchd");
    }

    @Test
    @Order(3)
    void thePodmanServiceDiesAfterTheFirstContainer() {
        dies("container a1", lab::killPodmanService, lab::restartPodmanService, "podman");
    }

    private void dies(String afterStep, Runnable kill, Runnable restart, String named) {
        ProgressListener killer = new ProgressListener() {
            @Override
            public void stepFinished(Step step, boolean changed, Duration took) {
                if (step.id().equals(afterStep)) {
                    kill.run();
                }
            }
        };
        long t0 = System.nanoTime();
        Throwable failure = null;
        try {
            bounded(() -> Overlay.of(spec).apply(overlay.host("hostA"), killer), "apply with " + named + " dying");
        } catch (OverlayException e) {
            failure = e;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        restart.run();
        System.out.printf("[okdmn] %s died after '%s': %s in %d ms%n", named, afterStep,
                failure == null ? "apply succeeded" : "apply failed: " + firstLine(failure), ms);
        assertThat(failure).as("the apply whose " + named + " died").isNotNull();
        assertThat(fullText(failure)).as("the error names what was lost").containsIgnoringCase(named);

        // the daemon is back: the next apply converges, the overlay works, a third changes nothing
        ApplyResult again = bounded(() -> Overlay.of(spec).apply(overlay.host("hostA")), "apply after " + named);
        assertThat(again.host()).isEqualTo("hostA");
        var a1 = overlay.container(spec, "hostA", "a1").namespace();
        assertThat(TrafficOracle.ping(a1, spec.host("hostB").container("b1").orElseThrow().ip(), 5))
                .as("a1 pings b1 after the apply that followed the " + named + " failure").isTrue();
        assertThat(bounded(() -> Overlay.of(spec).apply(overlay.host("hostA")), "third apply").isUnchanged()).isTrue();
        bounded(() -> Overlay.of(spec).teardown(overlay.host("hostA")), "teardown");
        assertThat(before.differences(snapshot())).as("hostA after teardown").isEmpty();
        survived++;
    }

    private HostOracle.Snapshot snapshot() {
        return HostOracle.snapshot(lab, lab.host("hostA"), overlay.host("hostA").stateDir(spec.name()));
    }

    /** Runs {@code work} on another thread and fails the test if it has not finished within {@link #BOUND}. */
    private static <T> T bounded(java.util.function.Supplier<T> work, String what) {
        CompletableFuture<T> f = CompletableFuture.supplyAsync(work);
        try {
            return f.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return fail(what + " did not finish within " + BOUND + ": a hang");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(what, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(what + " interrupted", e);
        }
    }

    private static String fullText(Throwable t) {
        StringBuilder sb = new StringBuilder();
        Consumer<Throwable> add = x -> sb.append(x).append('\n');
        for (Throwable x = t; x != null; x = x.getCause()) {
            add.accept(x);
            for (Throwable s : x.getSuppressed()) {
                add.accept(s);
            }
        }
        return sb.toString();
    }

    private static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage());
        return m.lines().findFirst().orElse(m);
    }
}
