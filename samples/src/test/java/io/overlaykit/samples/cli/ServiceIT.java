package io.overlaykit.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.samples.Probes;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar installs into a fresh prefix (launcher, jar, libraries, unit) and answers {@code --version} through
 * PATH; then the installed unit's ExecStart runs as systemd would run it (specifiers of an escaped instance, the
 * unit's environment and nothing else) against a host of a lab: it serves the userspace forward, {@code overlay
 * status} shows the agent running with the connection counted, SIGTERM stops it cleanly (exit status the unit counts
 * as success, forward closed, agent reported stopped), and a SIGKILLed agent is reported stale.
 */
class ServiceIT {
    private static final Path JAR = Path.of("target/overlay.jar");
    private static final String VERSION = System.getProperty("overlaykit.version");
    private static final String SPEC = """
            { "name": "oksvc", "vni": 5300, "subnet": "172.16.0.0/24", "switch": "linux", "mtu": 1450,
              "lab": { "outside": "192.0.2.100" },
              "hosts": [
                { "name": "host-a", "underlay": "192.0.2.2", "gateway": "172.16.0.1",
                  "forwards": [ { "listen": "192.0.2.5:1235", "target": "172.16.0.11:9001", "mode": "userspace" } ] },
                { "name": "hostB", "underlay": "192.0.2.3", "gateway": "172.16.0.2",
                  "containers": [ { "name": "echo", "ip": "172.16.0.11", "image": "localhost/overlaykit/busybox:latest",
                                    "command": ["nc", "-ll", "-p", "9001", "-e", "cat"] } ] } ] }
            """;

    @TempDir
    Path dir;

    @Test
    void installPutsLauncherJarAndUnitUnderThePrefix() throws Exception {
        Path prefix = dir.resolve("usr-local");
        Run install = run(List.of(java(), "-jar", JAR.toString(), "install", "--prefix", prefix.toString()), Map.of());
        assertThat(install.code()).as(install.out()).isZero();
        for (Path p : InstallCommand.installed(prefix)) {
            assertThat(p).isRegularFile();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(prefix.resolve("bin/overlay"))))
                .isEqualTo("rwxr-xr-x");
        assertThat(prefix.resolve("lib/overlaykit/lib")).isDirectoryContaining("glob:**/jna-*.jar");
        // found through PATH, from another directory, with nothing of the build around
        Run version = run(List.of("sh", "-c", "cd / && overlay --version"),
                Map.of("PATH", prefix.resolve("bin") + ":" + SystemdUnit.DEFAULT_PATH));
        assertThat(version.code()).isZero();
        assertThat(version.out().strip()).isEqualTo("overlay " + VERSION);
        // installing again replaces everything, including libraries of another version
        Files.writeString(prefix.resolve("lib/overlaykit/lib/stale-0.1.jar"), "old");
        assertThat(run(List.of(java(), "-jar", JAR.toString(), "install", "--prefix", prefix.toString()), Map.of())
                .code()).isZero();
        assertThat(prefix.resolve("lib/overlaykit/lib/stale-0.1.jar")).doesNotExist();
        assertThat(Files.readString(prefix.resolve("lib/systemd/system/overlaykit@.service")))
                .contains("ExecStart=" + prefix.resolve("bin/overlay") + " serve --instance %I");
    }

    @Test
    void theUnitsExecStartServesALabHostAndStopsCleanlyOnSigterm() throws Exception {
        Prereqs.require(false);
        Path prefix = dir.resolve("prefix");
        assertThat(run(List.of(java(), "-jar", JAR.toString(), "install", "--prefix", prefix.toString()), Map.of())
                .code()).isZero();
        Path spec = dir.resolve("my-svc.json"); // a '-' in host and path: the instance escapes both
        Files.writeString(spec, SPEC);
        OverlaySpec os = OverlaySpec.read(spec);
        SystemdUnit unit = SystemdUnit.parse(prefix.resolve("lib/systemd/system/overlaykit@.service"));
        String instance = SystemdUnit.escape("host-a") + ":" + SystemdUnit.escapePath(spec.toString());
        assertThat(instance).contains("host\\x2da:").contains("my\\x2dsvc.json");
        Map<String, String> env = unit.environment();
        List<String> argv = unit.execStart(instance, env);
        assertThat(argv.get(0)).isEqualTo(prefix.resolve("bin/overlay").toString());

        try (Lab lab = LabOverlay.labFor(os).start(); LabOverlay engine = LabOverlay.connect(lab)) {
            engine.applyAll(os); // hostB's container is up; serve applies host-a itself again
            InetSocketAddress forward = new InetSocketAddress("192.0.2.5", 1235);

            Agent agent = Agent.start(argv, env, dir.resolve("agent.log"));
            try {
                agent.awaitLine("\"event\":\"serving\"");
                assertThat(Probes.echo(engine.stack().namespaces(), lab.outside().namespace(), forward, "via the unit"))
                        .isEqualTo("via the unit");
                JsonNode status = status(spec);
                assertThat(status.path("clean").asBoolean()).as(status.toString()).isTrue();
                assertThat(status.path("agent").path("state").asText()).isEqualTo("running");
                assertThat(status.path("agent").path("pid").asLong()).isEqualTo(agent.process.pid());
                assertThat(status.path("agent").path("forwards").get(0).path("listen").asText())
                        .isEqualTo("192.0.2.5:1235");

                agent.process.destroy(); // SIGTERM, as systemctl stop sends it (KillSignal=SIGTERM)
                assertThat(agent.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(String.valueOf(agent.process.exitValue())).isIn("0", unit.value("SuccessExitStatus"));
                assertThat(agent.output()).contains("\"event\":\"stopped\"");
            } finally {
                agent.process.destroyForcibly();
            }
            assertThatThrownBy(() -> Probes.echo(engine.stack().namespaces(), lab.outside().namespace(), forward, "x"))
                    .as("the forward is closed").isNotNull();
            JsonNode after = status(spec);
            assertThat(after.path("agent").path("state").asText()).isEqualTo("stopped");
            assertThat(after.path("agent").path("connections").asLong()).isEqualTo(1);
            assertThat(after.path("clean").asBoolean()).as("no --teardown-on-exit: the overlay stays").isTrue();

            // an agent killed outright leaves a report that status calls stale, with exit 1
            Agent killed = Agent.start(argv, env, dir.resolve("killed.log"));
            try {
                killed.awaitLine("\"event\":\"serving\"");
            } finally {
                killed.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Cli stale = Cli.run("status", spec.toString(), "--host", "host-a");
            assertThat(stale.code()).isEqualTo(OverlayCli.FAILED);
            assertThat(stale.out()).contains("agent: stale").contains("pid " + killed.process.pid() + " is not running");
        }
    }

    private static JsonNode status(Path spec) throws IOException {
        Cli s = Cli.run("status", spec.toString(), "--host", "host-a", "--format", "json");
        return new ObjectMapper().readTree(s.out());
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The agent process as systemd starts it: this argv, exactly this environment, stdin from /dev/null, output to a
     * file (the journal's stand-in; a file also keeps what the process wrote just before it exited).
     */
    private record Agent(Process process, Path log) {
        static Agent start(List<String> argv, Map<String, String> env, Path log) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().clear();
            pb.environment().putAll(env);
            return new Agent(pb.start(), log);
        }

        void awaitLine(String contains) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && process.isAlive()) {
                if (output().contains(contains)) {
                    return;
                }
                Thread.sleep(100);
            }
            throw new AssertionError("no line with " + contains + " from the agent; it printed:\n" + output());
        }

        String output() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }
    }

    private record Run(int code, String out) {
    }

    private static Run run(List<String> argv, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        if (!env.isEmpty()) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }
}
