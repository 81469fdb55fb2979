package io.overlaykit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.check.CheckReport;
import io.overlaykit.testkit.internal.Cli;
import io.overlaykit.testkit.internal.LabState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@code @WithOverlay} on a class: one overlay, built from a class-path spec before {@code @BeforeAll}, handed to
 * every test and {@code @Nested} test; containers, namespaces, exec, outside, hosts, verify and status as the
 * spec says, checked with {@code ip -j}, {@code podman} and the reply of a server in a container.
 */
@WithOverlay("specs/okext.json")
class WithOverlayIT {
    private static OverlayHandle first;

    @BeforeAll
    static void remember(OverlayHandle overlay) {
        first = overlay;
    }

    @AfterAll
    static void stillUpUntilTheClassEnds() {
        assertThat(LabState.of(first.name()).exists()).isTrue();
    }

    @Test
    void theOverlayRunsUnderAUniqueNameWithTheSpecAddresses(OverlayHandle overlay) {
        assertThat(overlay).isSameAs(first);
        assertThat(overlay.name()).matches("okext-[0-9a-z]{4}");
        assertThat(overlay.lab().prefix()).isEqualTo(overlay.name());
        assertThat(overlay.containers()).extracting(OverlayContainer::name).containsExactly("server", "client");
        OverlayContainer server = overlay.container("server");
        assertThat(server.host()).isEqualTo("hostA");
        assertThat(server.ip()).isEqualTo("172.16.0.10");
        assertThat(server.podmanName()).isEqualTo(overlay.name() + "-server");
        // podman's own CLI sees the container running in the lab's service
        assertThat(Cli.run("podman", "--url", overlay.lab().podmanUrl(), "ps", "--format", "{{.Names}}"))
                .contains(overlay.name() + "-server", overlay.name() + "-client");
        // ip -j inside the container's namespace shows the spec's address on eth0
        assertThat(overlay.lab().exec(server.namespace(), "ip", "-j", "addr", "show", "eth0"))
                .contains("\"local\":\"172.16.0.10\"");
        assertThat(overlay.host("hostB").namespace()).isEqualTo(overlay.labHost("hostB").namespace());
        assertThatThrownBy(() -> overlay.container("nope")).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("server").hasMessageContaining("client");
    }

    @Test
    void aClientInOneContainerGetsTheServersReplyAcrossHosts(OverlayHandle overlay) {
        String reply = overlay.exec("client", "sh", "-c", "echo hello overlay | nc -w 3 172.16.0.10 9000");
        assertThat(reply).isEqualTo("hello overlay\n");
        assertThat(overlay.container("client").execResult(OverlayContainer.EXEC_TIMEOUT, "ping", "-c", "1", "-W", "2",
                "172.16.0.10").stdout()).contains("1 packets received");
        assertThatThrownBy(() -> overlay.exec("client", "cat", "/no/such/file"))
                .hasMessageContaining("cat /no/such/file").hasMessageContaining("exited 1");
    }

    @Test
    void outsideVerifyAndStatus(OverlayHandle overlay) {
        assertThat(overlay.outside().exec("ping", "-c", "1", "-W", "2", "192.0.2.2")).contains("1 received");
        CheckReport report = overlay.verify();
        assertThat(report.allOk()).as(report.toTable()).isTrue();
        assertThat(report.rows()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(overlay.status("hostA").isClean()).as(overlay.status("hostA").toText()).isTrue();
    }

    @Nested
    class Inner {
        @Test
        void nestedTestsShareTheOverlay(OverlayHandle overlay) {
            assertThat(overlay).isSameAs(first);
        }
    }
}
