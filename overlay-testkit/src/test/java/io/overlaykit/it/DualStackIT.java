package io.overlaykit.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
import io.overlaykit.testkit.TrafficOracle;
import io.overlaykit.testkit.WithLab;
import java.net.InetAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A dual-stack overlay (issue 17) on two lab hosts: IPv6 addresses derived from the IPv4 ones, checked with
 * {@code ip -6}; {@code ping -6} by address and by name, run by the container's own busybox through
 * {@code podman exec}; TCP over IPv6 between containers on different hosts ({@code socat}); the host's IPv6
 * gateway answers; re-apply changes nothing.
 */
@WithLab(podman = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DualStackIT {
    private static final String SLEEP = "[\"sh\", \"-c\", \"while sleep 3600; do :; done\"]";
    private static final String SPEC = """
            {"name": "%1$s", "vni": 5180, "subnet": "10.80.0.0/16", "subnet6": "fd00:80::/64", "switch": "%2$s",
             "hosts": [
              {"name": "hostA", "underlay": "192.0.2.2", "gateway": "10.80.0.1",
               "containers": [{"name": "a1", "ip": "10.80.1.1", "image": "%3$s", "command": %4$s}]},
              {"name": "hostB", "underlay": "192.0.2.3", "gateway": "10.80.0.2", "gateway6": "fd00:80::ff02",
               "containers": [{"name": "b1", "ip": "10.80.2.1", "ip6": "fd00:80::b1", "image": "%3$s",
                               "command": %4$s}]}
             ]}
            """;

    private OverlaySpec spec;
    private Lab lab;
    private LabOverlay overlay;

    String switchKind() {
        return "linux";
    }

    String specName() {
        return "ckit-ds17";
    }

    @BeforeAll
    void applyOverlay() {
        spec = OverlaySpec.read(SPEC.formatted(specName(), switchKind(), Lab.TEST_IMAGE, SLEEP));
        lab = LabOverlay.labFor(spec).start();
        overlay = LabOverlay.connect(lab);
        long t0 = System.nanoTime();
        overlay.applyAll(spec);
        System.out.printf("[%s] applied 2 dual-stack hosts in %d ms%n", specName(), (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    void close() {
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
    void containersOnDifferentHostsTalkOverIpv6() throws Exception {
        InetAddress a1v6 = InetAddress.getByName("fd00:80::101"); // derived: 10.80.1.1 is offset 0x101 in 10.80/16
        InetAddress b1v6 = InetAddress.getByName("fd00:80::b1");
        NetNamespace a1 = overlay.container(spec, "hostA", "a1").namespace();
        NetNamespace b1 = overlay.container(spec, "hostB", "b1").namespace();
        assertThat(Oracle.in(a1, "ip", "-6", "-o", "addr", "show", "dev", "eth0")).contains("fd00:80::101/64")
                .doesNotContain("tentative");
        assertThat(Oracle.in(b1, "ip", "-6", "route", "show", "default")).contains("via fd00:80::ff02");
        assertThat(Oracle.in(a1, "ip", "-6", "route", "show", "default")).contains("via fd00:80::1");
        String a1Pod = overlay.container(spec, "hostA", "a1").name();
        String b1Pod = overlay.container(spec, "hostB", "b1").name();
        assertThat(exec(a1Pod, "ping", "-6", "-c", "1", "-W", "3", "fd00:80::b1")).contains("1 packets received");
        assertThat(exec(b1Pod, "ping", "-6", "-c", "1", "-W", "3", "a1." + specName())).contains("(fd00:80::101)").contains("1 packets received");
        assertThat(exec(a1Pod, "ping", "-6", "-c", "1", "-W", "3", "fd00:80::1")).as("hostA's IPv6 gateway")
                .contains("1 packets received");
        assertThat(TrafficOracle.tcpEcho(a1, b1, b1v6, 9600, "over ipv6")).isEqualTo("over ipv6");
        assertThat(TrafficOracle.tcpEcho(b1, a1, a1v6, 9601, "and back")).isEqualTo("and back");
        assertThat(Overlay.of(spec).status(overlay.host("hostA")).isClean()).isTrue();
        assertThat(Overlay.of(spec).status(overlay.host("hostB")).isClean()).isTrue();
    }

    private String exec(String container, String... command) {
        String[] cmd = new String[command.length + 5];
        cmd[0] = "podman";
        cmd[1] = "--url";
        cmd[2] = lab.podmanUrl();
        cmd[3] = "exec";
        cmd[4] = container;
        System.arraycopy(command, 0, cmd, 5, command.length);
        return Oracle.run(cmd);
    }
}
