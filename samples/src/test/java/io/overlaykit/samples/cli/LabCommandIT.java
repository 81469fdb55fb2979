package io.overlaykit.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.overlaykit.testkit.Lab;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code overlay lab up} / {@code verify} / {@code status} / {@code apply} / {@code lab down} in-process for the
 * three-host spec with both switches, including the background {@code overlay serve} of the userspace forward.
 */
class LabCommandIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"ovs", "linux"})
    void threeHostLab(String sw) throws IOException {
        Prereqs.require(sw.equals("ovs"));
        String name = "oksmp3" + sw.charAt(0);
        Path spec = dir.resolve(name + ".json");
        Files.writeString(spec, Files.readString(Path.of("specs/demo3.json"))
                .replace("\"name\": \"demo3\"", "\"name\": \"" + name + "\"")
                .replace("\"switch\": \"ovs\"", "\"switch\": \"" + sw + "\""));
        String file = spec.toString();
        try {
            long t0 = System.nanoTime();
            Cli up = Cli.run("lab", "up", file);
            System.out.printf("[samples] lab up %s (3 hosts): %d ms%n", sw, (System.nanoTime() - t0) / 1_000_000);
            assertThat(up.code()).as(up.err()).isZero();
            assertThat(up.out()).contains("overlay serve running in " + name + "-hostA");
            assertThat(Prereqs.namespaces(name)).contains(name + "-hostA", name + "-hostB", name + "-hostC",
                    name + "-outside");

            long t1 = System.nanoTime();
            Cli verify = Cli.run("verify", file);
            System.out.printf("[samples] verify %s: %d ms%n", sw, (System.nanoTime() - t1) / 1_000_000);
            assertThat(verify.code()).as(verify.out()).isZero();
            assertThat(verify.out()).contains("c1 -> a1 tcp", "a1 -> outside tcp", "192.0.2.5:8080 -> 10.77.3.1:9000",
                    "192.0.2.5:8081 -> 10.77.2.1:9001").doesNotContain("✗");

            // The background `overlay serve` of hostA re-wires a container that restarts (new, empty namespace).
            try (Lab lab = Lab.attach(name)) {
                assertThat(lab.isOwner()).isFalse();
                lab.podman().stop(name + "-a1", Duration.ofSeconds(1));
                lab.podman().start(name + "-a1");
            }
            long t2 = System.nanoTime();
            Cli rewired = Cli.run("verify", file, "--host", "hostA", "--quiet");
            while (rewired.code() != 0 && System.nanoTime() - t2 < 20_000_000_000L) {
                rewired = Cli.run("verify", file, "--host", "hostA", "--quiet");
            }
            System.out.printf("[samples] %s: a1 restarted, re-wired by serve within %d ms%n", sw,
                    (System.nanoTime() - t2) / 1_000_000);
            assertThat(rewired.code()).isZero();

            Cli again = Cli.run("apply", file, "--host", "hostB", "--json");
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(again.out()).contains("\"changed\":0");

            Cli json = Cli.run("status", file, "--host", "hostC", "--format", "json");
            assertThat(json.code()).as(json.err()).isZero();
            JsonNode status = new ObjectMapper().readTree(json.out());
            assertThat(status.get("clean").asBoolean()).isTrue();
            assertThat(status.get("host").asText()).isEqualTo("hostC");

            // teardown on one host: status reports the drift (exit 1), apply brings it back, verify passes again.
            Cli down = Cli.run("teardown", file, "--host", "hostC");
            assertThat(down.code()).as(down.err()).isZero();
            assertThat(down.out()).contains("removed container " + name + "-c1");
            Cli drift = Cli.run("status", file, "--host", "hostC");
            assertThat(drift.code()).isEqualTo(OverlayCli.FAILED);
            assertThat(drift.out()).contains("missing");
            assertThat(Cli.run("apply", file, "--host", "hostC").code()).isZero();
            Cli reverified = Cli.run("verify", file);
            assertThat(reverified.code()).as(reverified.out() + reverified.err()).isZero();

            Cli dot = Cli.run("status", file, "--host", "hostA", "--format", "dot");
            assertThat(dot.code()).as(dot.err()).isZero();
            assertThat(dot.out()).startsWith("digraph").contains("vxlan 5000", "to hostB", "to hostC", "a1",
                    "dnat 192.0.2.5:8080", "userspace 192.0.2.5:8081").doesNotContain("color=red");
        } finally {
            Cli down = Cli.run("lab", "down", file);
            assertThat(down.code()).as(down.err()).isZero();
        }
        assertThat(Prereqs.namespaces(name)).isEmpty();
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains("OverlayCli") && c.contains(name))).isEmpty();
        assertThat(Cli.run("lab", "down", file).out()).contains("nothing to do");
    }
}
