package io.overlaykit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.overlaykit.testkit.internal.Cli;
import io.overlaykit.testkit.internal.LabState;
import io.overlaykit.testkit.internal.Teardown;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * How long {@code @WithOverlay} overlays live and that they are always removed: per method, on a method, after a
 * failing test, two classes of one spec in parallel, a missing spec, and a JVM killed mid-test (the sweeper's).
 * The test classes below run through the JUnit launcher (failsafe never runs nested classes itself).
 */
class WithOverlayLifecycleIT {
    /** What the launched tests saw, by test display name: their overlay's name. */
    static final Map<String, String> SEEN = new ConcurrentHashMap<>();

    @WithOverlay(value = "specs/okext.json", lifecycle = WithOverlay.Lifecycle.PER_METHOD)
    static class PerMethod {
        @Test
        void one(OverlayHandle overlay, TestInfo info) {
            record(overlay, info);
        }

        @Test
        void two(OverlayHandle overlay, TestInfo info) {
            record(overlay, info);
        }
    }

    static class OnAMethod {
        @Test
        @WithOverlay("specs/okext.json")
        void withOne(OverlayHandle overlay, TestInfo info) {
            record(overlay, info);
        }

        @Test
        void withoutOne() {
            SEEN.put("withoutOne()", "none");
        }
    }

    @WithOverlay("specs/okext.json")
    static class Failing {
        @Test
        void fails(OverlayHandle overlay, TestInfo info) {
            record(overlay, info);
            throw new AssertionError("this test fails on purpose");
        }
    }

    @WithOverlay("specs/no-such-spec.json")
    static class Missing {
        @Test
        void neverRuns(OverlayHandle overlay) {
            SEEN.put("neverRuns", overlay.name());
        }
    }

    /** Both classes hold their overlays at the same time: each waits for the other before it ends. */
    static final CountDownLatch BOTH_UP = new CountDownLatch(2);
    static final List<String> PARALLEL_OK = new CopyOnWriteArrayList<>();

    @WithOverlay("specs/okext.json")
    static class ParallelOne {
        @Test
        void up(OverlayHandle overlay, TestInfo info) throws InterruptedException {
            parallel(overlay, info);
        }
    }

    @WithOverlay("specs/okext.json")
    static class ParallelTwo {
        @Test
        void up(OverlayHandle overlay, TestInfo info) throws InterruptedException {
            parallel(overlay, info);
        }
    }

    /** Run in a child JVM by {@link #aKilledJvmLeavesItsOverlayToTheSweeper}: prints its name, then waits. */
    @WithOverlay("specs/okext.json")
    static class Sleeper {
        @Test
        void sleeps(OverlayHandle overlay) throws InterruptedException {
            System.out.println("READY " + overlay.name());
            System.out.flush();
            Thread.sleep(120_000);
        }
    }

    @Test
    void perMethodGivesEveryTestItsOwnOverlayAndRemovesIt() {
        TestExecutionSummary s = run(Map.of(), PerMethod.class);
        assertThat(s.getTestsSucceededCount()).as(failures(s)).isEqualTo(2);
        String one = SEEN.get("one(OverlayHandle, TestInfo)");
        String two = SEEN.get("two(OverlayHandle, TestInfo)");
        assertThat(one).isNotNull().isNotEqualTo(two);
        assertGone(one);
        assertGone(two);
    }

    @Test
    void onAMethodOnlyThatMethodGetsOne() {
        TestExecutionSummary s = run(Map.of(), OnAMethod.class);
        assertThat(s.getTestsSucceededCount()).as(failures(s)).isEqualTo(2);
        assertThat(SEEN.get("withoutOne()")).isEqualTo("none");
        assertGone(SEEN.get("withOne(OverlayHandle, TestInfo)"));
    }

    @Test
    void aFailingTestStillRemovesEverything() {
        TestExecutionSummary s = run(Map.of(), Failing.class);
        assertThat(s.getTestsFailedCount()).isEqualTo(1);
        assertThat(s.getFailures().get(0).getException()).hasMessage("this test fails on purpose");
        assertGone(SEEN.get("fails(OverlayHandle, TestInfo)"));
    }

    @Test
    void aMissingSpecFailsNamingIt() {
        TestExecutionSummary s = run(Map.of(), Missing.class);
        assertThat(s.getTotalFailureCount()).isEqualTo(1);
        assertThat(s.getFailures().get(0).getException()).hasMessageContaining("specs/no-such-spec.json")
                .hasMessageContaining("no such class-path resource");
        assertThat(SEEN).doesNotContainKey("neverRuns");
    }

    @Test
    void twoClassesOfOneSpecRunInParallelOnDistinctLabs() {
        TestExecutionSummary s = run(Map.of("junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "2"), ParallelOne.class, ParallelTwo.class);
        assertThat(s.getTestsSucceededCount()).as(failures(s)).isEqualTo(2);
        assertThat(PARALLEL_OK).hasSize(2).doesNotHaveDuplicates();
        PARALLEL_OK.forEach(WithOverlayLifecycleIT::assertGone);
    }

    @Test
    void aKilledJvmLeavesItsOverlayToTheSweeper() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                WithOverlayChild.class.getName(), Sleeper.class.getName()).redirectErrorStream(true).start();
        String name = null;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            for (String line; name == null && (line = out.readLine()) != null; ) {
                seen.append(line).append('\n');
                if (line.startsWith("READY ")) {
                    name = line.substring(6);
                }
            }
            assertThat(name).as(seen.toString()).isNotNull();
            assertThat(Cli.run("ip", "netns", "list")).contains(name + "-hostA");
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no JUnit close
        }
        assertThat(Teardown.sweepDeadRuns()).contains(name);
        assertGone(name);
    }

    private static void record(OverlayHandle overlay, TestInfo info) {
        assertThat(overlay.verify().allOk()).isTrue();
        SEEN.put(info.getDisplayName(), overlay.name());
    }

    private static void parallel(OverlayHandle overlay, TestInfo info) throws InterruptedException {
        BOTH_UP.countDown();
        assertThat(BOTH_UP.await(180, TimeUnit.SECONDS)).as("the other class's overlay came up meanwhile").isTrue();
        // both labs use the same addresses; each one's data path works while the other's runs
        String reply = overlay.exec("client", "sh", "-c", "echo " + overlay.name() + " | nc -w 3 172.16.0.10 9000");
        assertThat(reply).isEqualTo(overlay.name() + "\n");
        assertThat(overlay.verify().allOk()).isTrue();
        PARALLEL_OK.add(overlay.name());
    }

    private static TestExecutionSummary run(Map<String, String> config, Class<?>... classes) {
        LauncherDiscoveryRequestBuilder b = LauncherDiscoveryRequestBuilder.request().configurationParameters(config);
        for (Class<?> c : classes) {
            b.selectors(selectClass(c));
        }
        LauncherDiscoveryRequest request = b.build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        return listener.getSummary();
    }

    private static String failures(TestExecutionSummary s) {
        List<String> out = new ArrayList<>();
        s.getFailures().forEach(f -> out.add(f.getTestIdentifier().getDisplayName() + ": " + f.getException()));
        return String.join("\n", out);
    }

    private static void assertGone(String name) {
        assertThat(name).isNotNull();
        assertThat(Cli.run("ip", "netns", "list")).doesNotContain(name + "-");
        assertThat(LabState.of(name).exists()).isFalse();
        assertThat(Lab.RUN_ROOT.resolve(name)).doesNotExist();
        assertThat(Cli.probe("pgrep", "-f", Lab.RUN_ROOT.resolve(name).toString()).stdout()).isEmpty();
    }
}
