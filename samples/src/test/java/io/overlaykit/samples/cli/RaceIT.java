package io.overlaykit.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.testkit.HostOracle;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
import io.overlaykit.testkit.TrafficOracle;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Writers racing on one host, as real processes: two {@code overlay apply} at once, {@code apply} while
 * {@code overlay serve} runs, and both started together. One waits for the other (the host lock); the result is
 * that of one apply: a further apply changes nothing, status is clean, every interface and container of ours
 * exists once. And a container restarted under {@code serve} is re-wired within 5 s: {@code ping} from the
 * container on the other host answers again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RaceIT {
    private static final String NAME = "okrace";
    private static final Duration BOUND = Duration.ofSeconds(120);
    private static final Duration REWIRED = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Predicate<JsonNode> SERVING = n -> "serving".equals(n.path("event").asText());

    private Path file;
    private OverlaySpec spec;
    private Lab lab;
    private LabOverlay overlay;

    @BeforeAll
    void start() throws IOException {
        Prereqs.require(true);
        file = Files.createTempDirectory("okrace-").resolve(NAME + ".json");
        Files.writeString(file, """
                {"name": "okrace", "vni": 5095, "subnet": "10.95.0.0/16", "switch": "ovs",
                 "lab": {"outside": "192.0.2.100"},
                 "hosts": [
                  {"name": "hostA", "underlay": "192.0.2.2", "gateway": "10.95.0.1",
                   "containers": [
                     {"name": "a1", "ip": "10.95.1.1", "image": "%1$s", "command": ["sh", "-c", "sleep 3600"]},
                     {"name": "a2", "ip": "10.95.1.2", "image": "%1$s", "command": ["sh", "-c", "sleep 3600"]}],
                   "forwards": [{"listen": "192.0.2.5:8181", "target": "10.95.2.1:9181", "mode": "userspace"}]},
                  {"name": "hostB", "underlay": "192.0.2.3", "gateway": "10.95.0.2",
                   "containers": [{"name": "b1", "ip": "10.95.2.1", "image": "%1$s", "command": ["sh", "-c", "sleep 3600"]}]}
                 ]}
                """.formatted(Lab.TEST_IMAGE));
        spec = OverlaySpec.read(file);
        lab = LabOverlay.labFor(spec).start();
        overlay = LabOverlay.connect(lab);
        assertThat(Cli.run("apply", file.toString(), "--host", "hostB", "--quiet").code()).isZero();
    }

    @AfterEach
    void teardownHostA() {
        assertThat(Cli.run("teardown", file.toString(), "--host", "hostA", "--quiet").code()).isZero();
    }

    @AfterAll
    void stop() {
        try {
            if (overlay != null) {
                overlay.close();
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
            BadInputOnHostIT.deleteTree(file == null ? null : file.getParent());
        }
    }

    @Test
    @Order(1)
    void twoApplyProcessesAtOnce() {
        try (CliProcess first = CliProcess.start("apply", file.toString(), "--host", "hostA");
                CliProcess second = CliProcess.start("apply", file.toString(), "--host", "hostA")) {
            int c1 = first.awaitExit(BOUND);
            int c2 = second.awaitExit(BOUND);
            assertThat(List.of(c1, c2)).as(first.output() + "\n---\n" + second.output()).containsOnly(0);
            List<Integer> changed = new ArrayList<>(List.of(first.result().path("changed").asInt(),
                    second.result().path("changed").asInt()));
            changed.sort(null);
            System.out.printf("[okrace] two applies at once: changed %s%n", changed);
            assertThat(changed.get(0)).as("the apply that waited for the other one").isZero();
            assertThat(changed.get(1)).as("the one that went first").isPositive();
        }
        assertLikeOneApply();
    }

    @Test
    @Order(2)
    void applyWhileServeRuns() {
        try (CliProcess serve = CliProcess.start("serve", file.toString(), "--host", "hostA")) {
            serve.awaitLines(SERVING, 1, BOUND, "serving");
            try (CliProcess apply = CliProcess.start("apply", file.toString(), "--host", "hostA")) {
                assertThat(apply.awaitExit(BOUND)).as(apply.output()).isZero();
                assertThat(apply.result().path("changed").asInt()).as("serve applied already").isZero();
            }
            assertThat(serve.isAlive()).as("serve survives an apply next to it").isTrue();
            forwardWorks();
            assertLikeOneApply();
        }
    }

    @Test
    @Order(3)
    void serveAndApplyStartedTogether() {
        try (CliProcess serve = CliProcess.start("serve", file.toString(), "--host", "hostA");
                CliProcess apply = CliProcess.start("apply", file.toString(), "--host", "hostA")) {
            assertThat(apply.awaitExit(BOUND)).as(apply.output()).isZero();
            serve.awaitLines(SERVING, 1, BOUND, "serving");
            forwardWorks();
            assertLikeOneApply();
        }
    }

    @Test
    @Order(4)
    void aContainerRestartedUnderServeIsRewiredWithinFiveSeconds() {
        try (CliProcess serve = CliProcess.start("serve", file.toString(), "--host", "hostA")) {
            serve.awaitLines(SERVING, 1, BOUND, "serving");
            NetNamespace b1 = overlay.container(spec, "hostB", "b1").namespace();
            InetAddress a1 = spec.host("hostA").container("a1").orElseThrow().ip();
            assertThat(TrafficOracle.ping(b1, a1, 3)).as("b1 pings a1 before the restart").isTrue();
            lab.podman().stop(NAME + "-a1", Duration.ofSeconds(1));
            // stopped, its namespace must go (a handle kept in it by serve would keep eth0 answering)
            long stopped = System.nanoTime();
            while (TrafficOracle.ping(b1, a1, 1) && System.nanoTime() - stopped < REWIRED.toNanos()) {
                Thread.onSpinWait();
            }
            assertThat(TrafficOracle.ping(b1, a1, 1)).as("b1 pings a1 while it is stopped").isFalse();
            long t0 = System.nanoTime(); // from the start request: the re-wiring may finish before it returns
            lab.podman().start(NAME + "-a1");
            boolean answered = false;
            while (!answered && System.nanoTime() - t0 < REWIRED.toNanos()) {
                answered = lab.exec(Duration.ofSeconds(5), b1, "sh", "-c",
                        "ping -c 1 -W 1 " + a1.getHostAddress() + " >/dev/null && echo ok || true").contains("ok");
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("[okrace] a1 restarted under overlay serve: b1's ping answered after %d ms%n", ms);
            assertThat(answered).as("b1 pings a1 within " + REWIRED + " of its restart; serve said:\n"
                    + serve.output()).isTrue();
        }
    }

    private void forwardWorks() {
        NetNamespace outside = lab.outside().namespace();
        NetNamespace b1 = overlay.container(spec, "hostB", "b1").namespace();
        assertThat(TrafficOracle.tcpEcho(outside, address("192.0.2.5"), 8181, b1, address("10.95.2.1"), 9181,
                "through serve's forward")).isEqualTo("through serve's forward");
    }

    /** What one apply leaves: a further apply changes nothing, status is clean, each object of ours once. */
    private void assertLikeOneApply() {
        Cli again = Cli.run("apply", file.toString(), "--host", "hostA", "--json");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("\"changed\":0");
        assertThat(Cli.run("status", file.toString(), "--host", "hostA", "--quiet").code()).isZero();
        Map<String, Integer> names = new HashMap<>();
        for (String link : HostOracle.snapshot(lab, lab.host("hostA")).view("ip link")) {
            try {
                JsonNode n = JSON.readTree(link);
                if (n.path("ifalias").asText().equals("overlaykit:" + NAME)) {
                    names.merge(n.path("ifname").asText(), 1, Integer::sum);
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        assertThat(names).as("our links on hostA").isNotEmpty().allSatisfy((n, count) -> assertThat(count).isOne());
        assertThat(lab.podman().list(Map.of("io.overlaykit.spec", NAME, "io.overlaykit.host", "hostA")))
                .as("our containers on hostA").hasSize(2);
    }

    private static InetAddress address(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(a, e);
        }
    }
}
