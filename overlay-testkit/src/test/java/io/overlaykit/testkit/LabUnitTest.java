package io.overlaykit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.OverlayTimeoutException;
import io.overlaykit.testkit.internal.Cli;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What can be checked without root: builder validation, naming, and the CLI runner. */
class LabUnitTest {

    @Test
    void builderRejectsBadPrefixesAndHostNames() {
        assertThatThrownBy(() -> Lab.builder().prefix("bad/prefix")).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("prefix");
        assertThatThrownBy(() -> Lab.builder().host("outside", "192.0.2.2/24"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("outside");
        assertThatThrownBy(() -> Lab.builder().host("wire", "192.0.2.2/24")).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> Lab.builder().host("a", "192.0.2.2/24").host("a", "192.0.2.3/24"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> Lab.builder().host("a", "192.0.2.300/24")).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> Lab.builder().start()).isInstanceOf(InvalidSpecException.class);
    }

    @Test
    void extensionNamesHostsLikeTheSeed() {
        assertThat(LabExtension.hostName(0)).isEqualTo("hostA");
        assertThat(LabExtension.hostName(1)).isEqualTo("hostB");
        assertThat(LabExtension.hostName(30)).isEqualTo("host30");
    }

    @Test
    void cliReturnsStdoutAndNamesTheCommandAndStderrOnFailure() {
        assertThat(Cli.run("echo", "hello")).isEqualTo("hello\n");
        assertThatThrownBy(() -> Cli.run("sh", "-c", "echo oops >&2; exit 3"))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("'sh -c echo oops >&2; exit 3'")
                .hasMessageContaining("exited with 3")
                .hasMessageContaining("oops");
        assertThat(Cli.exec(List.of("cat"), Map.of(), "fed via stdin", Cli.DEFAULT_TIMEOUT).stdout())
                .isEqualTo("fed via stdin");
        assertThat(Cli.exec(List.of("sh", "-c", "echo $OK_VAR"), Map.of("OK_VAR", "x1"), null, Cli.DEFAULT_TIMEOUT)
                .stdout()).isEqualTo("x1\n");
    }

    @Test
    void cliKillsACommandThatOverrunsItsTimeout() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Cli.exec(List.of("sleep", "10"), Map.of(), null, Duration.ofMillis(200)))
                .isInstanceOf(OverlayTimeoutException.class).hasMessageContaining("sleep 10");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void missingPrerequisitesSkipWithOneLineOutsideCiAndFailUnderCi() {
        assertThat(LabExtension.decide(List.of(), true).isDisabled()).isFalse();
        var skipped = LabExtension.decide(List.of("not root (the lab creates namespaces)"), false);
        assertThat(skipped.isDisabled()).isTrue();
        assertThat(skipped.getReason()).hasValueSatisfying(r -> assertThat(r).doesNotContain("\n").contains("not root"));
        assertThatThrownBy(() -> LabExtension.decide(List.of("program podman (package podman)"), true))
                .hasMessageContaining("program podman (package podman)").hasMessageContaining("CI is set");
    }

    @Test
    void prerequisitesNameWhatIsMissing() {
        // On any machine the answer is a list of readable phrases; as root with everything installed it is empty.
        for (String m : LabPrerequisites.missing(true, true)) {
            assertThat(m).matches("not root.*|program .* \\(package .*\\)");
        }
    }
}
