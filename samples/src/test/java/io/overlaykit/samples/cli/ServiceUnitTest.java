package io.overlaykit.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.OverlayTimeoutException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The unit template as systemd reads it (instance escaping, ExecStart's words, environment, stop and restart
 * settings), the instance form of {@code serve}, and the bounded wait for backends, counted.
 */
class ServiceUnitTest {
    private static final Path UNIT = Path.of("../systemd/overlaykit@.service");

    @Test
    void escapingAsSystemdEscapeDoesAndBack() {
        assertThat(SystemdUnit.escapePath("/etc/overlaykit/my-shop.json")).isEqualTo("etc-overlaykit-my\\x2dshop.json");
        assertThat(SystemdUnit.escape("host-a")).isEqualTo("host\\x2da");
        String instance = SystemdUnit.escape("host-a") + ":" + SystemdUnit.escapePath("/etc/overlaykit/my-shop.json");
        assertThat(SystemdUnit.unescape(instance)).isEqualTo("host-a:etc/overlaykit/my-shop.json");
        ServeCommand.Target t = ServeCommand.Target.ofInstance(SystemdUnit.unescape(instance));
        assertThat(t.host()).isEqualTo("host-a");
        assertThat(t.spec()).isEqualTo(Path.of("/etc/overlaykit/my-shop.json"));
    }

    @Test
    void theUnitsExecStartServesTheInstanceAndWaitsForBackends() throws IOException {
        SystemdUnit unit = SystemdUnit.parse(UNIT);
        Map<String, String> env = unit.environment();
        assertThat(env).containsEntry("OVERLAYKIT_SERVE_OPTS", "").containsEntry("PATH", SystemdUnit.DEFAULT_PATH);
        List<String> argv = unit.execStart("hostA:etc-overlaykit-shop.json", env);
        assertThat(argv).containsExactly(InstallCommand.UNIT_LAUNCHER, "serve", "--instance",
                "hostA:etc/overlaykit/shop.json", "--wait-for-backends", "120", "--json");
        env.put("OVERLAYKIT_SERVE_OPTS", "--teardown-on-exit --verbose");
        assertThat(unit.execStart("hostA:etc-overlaykit-shop.json", env)).endsWith("--json", "--teardown-on-exit",
                "--verbose");
    }

    @Test
    void theUnitRestartsOnFailureStopsWithSigtermAndCountsItsExitAsClean() throws IOException {
        SystemdUnit unit = SystemdUnit.parse(UNIT);
        assertThat(unit.value("Restart")).isEqualTo("on-failure");
        assertThat(unit.value("KillSignal")).isEqualTo("SIGTERM");
        assertThat(unit.value("SuccessExitStatus")).isEqualTo("143"); // the JVM's exit after SIGTERM's hooks
        assertThat(unit.unit().get("After").get(0)).contains("openvswitch-switch.service", "podman.socket");
        assertThat(unit.unit().get("Wants").get(0)).contains("openvswitch-switch.service", "podman.socket");
    }

    @Test
    void installRewritesExecStartToItsOwnLauncher() throws IOException {
        String unit = InstallCommand.unitFile(Path.of("/opt/ok/bin/overlay"));
        assertThat(unit).contains("ExecStart=/opt/ok/bin/overlay serve --instance %I").doesNotContain("/usr/local/bin");
        assertThat(InstallCommand.launcherScript(Path.of("/opt/o'k/lib/overlaykit/overlay.jar")))
                .contains("exec \"$java\" -jar '/opt/o'\\''k/lib/overlaykit/overlay.jar' \"$@\"");
    }

    @Test
    void aBadInstanceNamesTheOption() {
        assertThatThrownBy(() -> ServeCommand.Target.ofInstance("etc/overlaykit/shop.json"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("--instance");
        Cli r = Cli.run("serve", "--instance", "hostA:x.json", "--host", "hostA");
        assertThat(r.code()).isEqualTo(OverlayCli.INVALID);
        assertThat(r.err()).contains("--instance");
        assertThat(Cli.run("serve", "x.json", "--host", "a", "--wait-for-backends", "soon").err())
                .contains("--wait-for-backends").contains("soon");
    }

    @Test
    void backendWaitRetriesWithBackoffUntilTheBackendsAnswer() {
        AtomicInteger calls = new AtomicInteger();
        List<Duration> slept = new ArrayList<>();
        AtomicLong now = new AtomicLong();
        String got = BackendWait.until(() -> {
            if (calls.incrementAndGet() < 5) {
                throw new io.overlaykit.core.BackendException("podman socket refused");
            }
            return "backends";
        }, Duration.ofSeconds(60), text -> { }, d -> {
            slept.add(d);
            now.addAndGet(d.toNanos());
        }, now::get);
        assertThat(got).isEqualTo("backends");
        assertThat(calls).hasValue(5);
        assertThat(slept).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
                Duration.ofSeconds(2));
    }

    @Test
    void backendWaitGivesUpAtItsBoundNamingTheLastFailure() {
        AtomicInteger calls = new AtomicInteger();
        AtomicLong now = new AtomicLong();
        List<String> progress = new ArrayList<>();
        assertThatThrownBy(() -> BackendWait.until(() -> {
            calls.incrementAndGet();
            throw new io.overlaykit.core.BackendException("ovsdb refused");
        }, Duration.ofSeconds(10), progress::add, d -> now.addAndGet(d.toNanos()), now::get))
                .isInstanceOf(OverlayTimeoutException.class).hasMessageContaining("after 10 s")
                .hasMessageContaining("ovsdb refused");
        // 0.25 + 0.5 + 1 + 2 + 4 = 7.75 s, then the 2.25 s left, then the last try at 10 s
        assertThat(calls).hasValue(7);
        assertThat(progress).hasSize(6).allMatch(p -> p.contains("ovsdb refused"));
    }

    @Test
    void backendWaitNeverRetriesInvalidInputAndZeroMeansOnce() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> BackendWait.until(() -> {
            calls.incrementAndGet();
            throw new InvalidSpecException("--host", "x", "no such host");
        }, Duration.ofSeconds(60), t -> { }, d -> { }, System::nanoTime)).isInstanceOf(InvalidSpecException.class);
        assertThat(calls).hasValue(1);
        assertThatThrownBy(() -> BackendWait.until(() -> {
            calls.incrementAndGet();
            throw new io.overlaykit.core.BackendException("down");
        }, Duration.ZERO, t -> { }, d -> { }, System::nanoTime)).hasMessage("down");
        assertThat(calls).hasValue(2);
    }
}
