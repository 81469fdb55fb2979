package io.overlaykit.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.testkit.Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a real {@code overlay lab up} process at three points chosen by its {@code --json} events: once
 * the lab exists (nothing applied), in the middle of the hosts' applies, and once the background
 * {@code overlay serve} runs (it is left orphaned). After each: every host lock is free, {@code overlay lab
 * down} removes all of it (no namespace, process, directory or record of the lab left, by {@code /run/netns},
 * the process table and the file system), and {@code overlay lab up} then converges ({@code verify} passes).
 */
class LabUpCrashIT {
    private static final String NAME = "okcrup";

    @TempDir
    Path dir;

    @Test
    void killNineInTheMiddleOfLabUp() throws IOException {
        Prereqs.require(true);
        Path file = dir.resolve(NAME + ".json");
        Files.writeString(file, Files.readString(Path.of("specs/demo2.json")).replace("\"name\": \"demo2\"",
                "\"name\": \"" + NAME + "\""));
        List<String> report = new ArrayList<>();
        try {
            Predicate<JsonNode> labCreated = n -> CliProcess.isStep(n) && n.path("text").asText().startsWith("lab " + NAME);
            Predicate<JsonNode> serving = n -> n.path("text").asText().contains("overlay serve running");
            kill(file, labCreated, 1, "the lab exists", report);
            kill(file, CliProcess::isStep, 12, "12 events: in the middle of the applies", report);
            kill(file, serving, 1, "overlay serve runs", report);
            // and once more all the way: it converges
            Cli up = Cli.run("lab", "up", file.toString(), "--quiet");
            assertThat(up.code()).as(up.err()).isZero();
            Cli verify = Cli.run("verify", file.toString(), "--quiet");
            assertThat(verify.code()).as("verify after the crashes: " + verify.err()).isZero();
        } finally {
            Cli.run("lab", "down", file.toString(), "--quiet");
        }
        assertGone();
        System.out.printf("[%s] lab up killed with SIGKILL %s: lab down removed everything, lab up converged%n", NAME,
                report);
    }

    private void kill(Path file, Predicate<JsonNode> event, int count, String what, List<String> report)
            throws IOException {
        try (CliProcess up = CliProcess.start("lab", "up", file.toString())) {
            up.awaitLines(event, count, CrashIT.BOUND, what);
            up.kill9();
        }
        for (Path lock : CrashIT.locks(Lab.RUN_ROOT.resolve(NAME).resolve("overlaykit-state"))) {
            assertThat(CrashIT.lockIsFree(lock.getParent())).as(lock + " after kill -9 when " + what).isTrue();
        }
        Cli down = Cli.run("lab", "down", file.toString(), "--quiet");
        assertThat(down.code()).as("lab down after kill -9 when " + what + ": " + down.err()).isZero();
        assertGone();
        report.add("when " + what);
    }

    private static void assertGone() {
        assertThat(Prereqs.namespaces(NAME)).as("namespaces of the lab").isEmpty();
        assertThat(Path.of("/run/overlaykit-lab", NAME)).as("lab record").doesNotExist();
        assertThat(Lab.RUN_ROOT.resolve(NAME)).as("lab run directory").doesNotExist();
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("/" + NAME + "/") || c.contains(NAME + ".json")).toList())
                .as("processes of the lab (daemons, podman, overlay serve)").isEmpty();
    }
}
