package io.overlaykit.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.testkit.HostOracle;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabHost;
import io.overlaykit.testkit.LabOverlay;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kill -9 of a real {@code overlay apply} process at several points of its plan, chosen by its {@code --json}
 * progress events (after step 1, a quarter, half, three quarters, and the last but one). After each: the host
 * lock is free (another process can take it at once), {@code overlay teardown} leaves the host as the oracles
 * saw it before the apply (multisets), and {@code overlay apply} converges (status clean). Both switches.
 * {@code lab up} is killed the same way in {@link LabUpCrashIT}.
 */
class CrashIT {
    static final Duration BOUND = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    static String spec(String name, String sw) {
        return """
                {"name": "%s", "vni": 5094, "subnet": "10.94.0.0/16", "switch": "%s", "dns": ["192.0.2.100"],
                 "lab": {"outside": "192.0.2.100"},
                 "hosts": [
                  {"name": "hostA", "underlay": "192.0.2.2", "gateway": "10.94.0.1",
                   "containers": [
                     {"name": "a1", "ip": "10.94.1.1", "image": "%3$s", "command": ["sh", "-c", "sleep 3600"]},
                     {"name": "a2", "ip": "10.94.1.2", "image": "%3$s", "command": ["sh", "-c", "sleep 3600"]}],
                   "forwards": [{"listen": "192.0.2.5:8080", "target": "10.94.2.1:9000"}]},
                  {"name": "hostB", "underlay": "192.0.2.3", "gateway": "10.94.0.2",
                   "containers": [{"name": "b1", "ip": "10.94.2.1", "image": "%3$s", "command": ["sh", "-c", "sleep 3600"]}]}
                 ]}
                """.formatted(name, sw, Lab.TEST_IMAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ovs", "linux"})
    void killNineInTheMiddleOfApply(String sw) throws IOException {
        Prereqs.require(sw.equals("ovs"));
        String name = "okcrash" + sw.charAt(0);
        Path file = dir.resolve(name + ".json");
        Files.writeString(file, spec(name, sw));
        OverlaySpec spec = OverlaySpec.read(file);
        try (Lab lab = LabOverlay.labFor(spec).start()) {
            LabHost a = lab.host("hostA");
            Path state = lab.runDir().resolve("overlaykit-state").resolve(name).resolve("hostA");
            HostOracle.awaitSettled(a);
            HostOracle.Snapshot before = HostOracle.snapshot(lab, a, state);

            // one whole apply as a process: how many steps the plan has
            int steps;
            try (CliProcess full = CliProcess.start("apply", file.toString(), "--host", "hostA")) {
                assertThat(full.awaitExit(BOUND)).as(full.output()).isZero();
                steps = full.steps();
            }
            assertThat(steps).isGreaterThan(20);
            teardown(file, lab, a, state, before, "the first whole apply");

            List<Integer> points = List.copyOf(new TreeSet<>(List.of(1, steps / 4, steps / 2, 3 * steps / 4, steps - 1)));
            List<String> report = new ArrayList<>();
            for (int k : points) {
                try (CliProcess p = CliProcess.start("apply", file.toString(), "--host", "hostA")) {
                    p.awaitStep(k, BOUND);
                    p.kill9();
                    report.add(k + "/" + steps);
                }
                HostOracle.awaitPodmanIdle(lab); // a podman request the killed process had sent still completes
                assertThat(lockIsFree(state)).as("host lock after kill -9 at step " + k).isTrue();
                // teardown removes every object of ours ...
                teardown(file, lab, a, state, before, "kill -9 after step " + k);
                // ... and apply converges again
                Cli again = Cli.run("apply", file.toString(), "--host", "hostA", "--quiet");
                assertThat(again.code()).as("apply after kill -9 at step " + k + ": " + again.err()).isZero();
                assertThat(Cli.run("status", file.toString(), "--host", "hostA", "--quiet").code())
                        .as("status after the apply that followed kill -9 at step " + k).isZero();
                teardown(file, lab, a, state, before, "the apply after kill -9 at step " + k);
            }
            System.out.printf("[%s] apply killed with SIGKILL after steps %s: teardown cleaned, apply converged"
                    + " each time%n", name, report);
        }
    }

    /** {@code overlay teardown} in-process, then the host as the oracles saw it before. */
    static void teardown(Path file, Lab lab, LabHost a, Path state, HostOracle.Snapshot before, String after) {
        Cli down = Cli.run("teardown", file.toString(), "--host", a.name(), "--quiet");
        assertThat(down.code()).as("teardown after " + after + ": " + down.err()).isZero();
        assertThat(before.differences(HostOracle.snapshot(lab, a, state))).as(a.name() + " after teardown after "
                + after).isEmpty();
    }

    /** True when this process can take the host lock at once (the killed one held it). */
    static boolean lockIsFree(Path stateDir) throws IOException {
        Path lock = stateDir.resolve("lock");
        if (!Files.exists(lock)) {
            return true; // released and removed
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return false;
            }
            l.release();
            return true;
        }
    }

    /** Every lock file under a state root, for labs with several hosts. */
    static List<Path> locks(Path stateRoot) throws IOException {
        if (!Files.exists(stateRoot)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(stateRoot)) {
            return s.filter(p -> p.getFileName().toString().equals("lock")).toList();
        }
    }
}
