package com.example.overlay;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.testkit.OverlayHandle;
import io.overlaykit.testkit.WithOverlay;
import org.junit.jupiter.api.Test;

/**
 * A two-host overlay from {@code src/test/resources/specs/two-hosts.json}: an HTTP server in a container on hostA,
 * a client in a container on hostB, one VXLAN between them. The extension builds both hosts, applies the spec,
 * and removes everything after the class, also when a test fails.
 */
@WithOverlay("specs/two-hosts.json")
class ServerClientIT {

    @Test
    void theClientGetsTheServersReplyAcrossTheOverlay(OverlayHandle overlay) {
        String server = overlay.container("server").ip();          // 172.16.0.10, on hostA
        String reply = overlay.exec("client", "wget", "-q", "-O", "-", "http://" + server + ":8080/");
        assertThat(reply).isEqualTo("hello from server\n");
    }

    @Test
    void everyContainerReachesEveryOtherAndItsGateway(OverlayHandle overlay) {
        var report = overlay.verify();
        assertThat(report.allOk()).as(report.toTable()).isTrue();
    }
}
