package io.overlaykit.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.Overlay;
import io.overlaykit.core.plan.Status;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
import io.overlaykit.testkit.WithLab;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Names across hosts (issue 17): every container resolves every other container of the spec by its name and
 * by {@code NAME.DOMAIN} from its own {@code /etc/hosts}, checked with the container's own {@code ping} through
 * {@code podman exec}; lines outside our block survive apply, re-apply and teardown; an edit inside the block is
 * drift and re-apply puts it right; a restarted container gets its names back when it is re-wired; teardown
 * takes only our block out of an existing container.
 */
@WithLab(podman = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NamesIT {
    private static final String SLEEP = "[\"sh\", \"-c\", \"while sleep 3600; do :; done\"]";
    private static final String SPEC = """
            {"name": "%1$s", "vni": 5179, "subnet": "10.79.0.0/16", "switch": "%2$s",
             "dns": {"domain": "ov.test"},
             "hosts": [
              {"name": "hostA", "underlay": "192.0.2.2", "gateway": "10.79.0.1",
               "containers": [{"name": "a1", "ip": "10.79.1.1", "image": "%3$s", "command": %4$s}]},
              {"name": "hostB", "underlay": "192.0.2.3", "gateway": "10.79.0.2",
               "containers": [{"name": "b1", "ip": "10.79.2.1", "image": "%3$s", "command": %4$s},
                              {"name": "%1$s-legacy", "ip": "10.79.2.2", "existing": true}]}
             ]}
            """;

    private OverlaySpec spec;
    private Lab lab;
    private LabOverlay overlay;

    String switchKind() {
        return "linux";
    }

    String specName() {
        return "ckit-nm17";
    }

    private String legacy() {
        return specName() + "-legacy";
    }

    @BeforeAll
    void applyOverlay() {
        spec = OverlaySpec.read(SPEC.formatted(specName(), switchKind(), Lab.TEST_IMAGE, SLEEP));
        lab = LabOverlay.labFor(spec).start();
        overlay = LabOverlay.connect(lab);
        podman("run", "-d", "--network", "none", "--name", legacy(), Lab.TEST_IMAGE, "sh", "-c",
                "while sleep 3600; do :; done");
        exec(legacy(), "sh", "-c", "echo '10.1.2.3 manual-before' >> /etc/hosts");
        overlay.applyAll(spec);
    }

    @AfterAll
    void close() {
        try {
            if (lab != null) {
                podmanQuiet("rm", "-f", "-t", "0", legacy());
            }
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
    @Order(1)
    void containersOnEveryHostResolveEachOtherByNameAndDomain() {
        String a1 = pod("hostA", "a1");
        String b1 = pod("hostB", "b1");
        assertResolves(a1, "b1", "10.79.2.1");
        assertResolves(a1, "b1.ov.test", "10.79.2.1");
        assertResolves(a1, legacy(), "10.79.2.2");
        assertResolves(b1, "a1.ov.test", "10.79.1.1");
        assertResolves(legacy(), "a1", "10.79.1.1");
        String hosts = exec(legacy(), "cat", "/etc/hosts");
        assertThat(hosts).as("lines that were there before").contains("10.1.2.3 manual-before").contains("localhost");
        assertThat(hosts).contains("# BEGIN OverlayKit " + specName()).contains("10.79.1.1\ta1 a1.ov.test");
    }

    @Test
    @Order(2)
    void anEditInsideTheBlockIsDriftAndReapplyKeepsLinesOutsideIt() {
        String a1 = pod("hostA", "a1");
        exec(a1, "sh", "-c", "sed 's/^10.79.2.1\\t/10.79.9.9\\t/' /etc/hosts > /tmp/h && cat /tmp/h > /etc/hosts "
                + "&& echo '10.1.2.4 manual-after' >> /etc/hosts");
        assertThat(exec(a1, "cat", "/etc/hosts")).contains("10.79.9.9\tb1");
        Status status = Overlay.of(spec).status(overlay.host("hostA"));
        assertThat(status.drift()).extracting(Status.Drift::step).contains("hosts a1");
        overlay.applyAll(spec);
        String hosts = exec(a1, "cat", "/etc/hosts");
        assertThat(hosts).contains("10.1.2.4 manual-after").doesNotContain("10.79.9.9");
        assertResolves(a1, "b1", "10.79.2.1");
        assertThat(Overlay.of(spec).status(overlay.host("hostA")).isClean()).isTrue();
    }

    @Test
    @Order(3)
    void aRestartedContainerGetsItsNamesBackWhenReWired() {
        String a1 = pod("hostA", "a1");
        podman("restart", "-t", "0", a1);
        overlay.applyAll(spec); // what serve's watch does for a restarted container
        assertResolves(a1, "b1.ov.test", "10.79.2.1");
    }

    @Test
    @Order(4)
    void teardownTakesOnlyOurBlockOutOfTheExistingContainer() {
        overlay.teardownAll(spec);
        String hosts = exec(legacy(), "cat", "/etc/hosts");
        assertThat(hosts).contains("10.1.2.3 manual-before").contains("localhost")
                .doesNotContain("OverlayKit").doesNotContain("a1.ov.test");
    }

    private String pod(String host, String name) {
        return overlay.container(spec, host, name).name();
    }

    /** The container's own resolver (busybox ping reads /etc/hosts) maps {@code name} to {@code address}. */
    private void assertResolves(String container, String name, String address) {
        String out = exec(container, "ping", "-c", "1", "-W", "3", name);
        assertThat(out).as(container + " pings " + name).contains("PING " + name + " (" + address + ")")
                .contains("1 packets received");
    }

    String exec(String container, String... command) {
        String[] args = new String[command.length + 2];
        args[0] = "exec";
        args[1] = container;
        System.arraycopy(command, 0, args, 2, command.length);
        return podman(args);
    }

    private String podman(String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "podman";
        cmd[1] = "--url";
        cmd[2] = lab.podmanUrl();
        System.arraycopy(args, 0, cmd, 3, args.length);
        return Oracle.run(cmd);
    }

    private void podmanQuiet(String... args) {
        try {
            podman(args);
        } catch (AssertionError e) {
            System.out.println("[" + specName() + "] " + e.getMessage());
        }
    }
}
