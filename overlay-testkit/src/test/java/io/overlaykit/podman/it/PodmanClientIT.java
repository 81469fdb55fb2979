package io.overlaykit.podman.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.ContainerRequest;
import io.overlaykit.core.spi.ContainerRuntime.ContainerEvent;
import io.overlaykit.core.spi.ContainerRuntime.ExecResult;
import io.overlaykit.podman.ContainerEvents;
import io.overlaykit.podman.PodmanClient;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.WithLab;
import io.overlaykit.testkit.internal.Tar;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PodmanClient against the real podman service that the lab starts (its own containers.conf, storage and
 * socket); the lab has imported {@link Lab#TEST_IMAGE} through the same client API before the first test.
 */
@WithLab(hosts = 1, outside = false, podman = true)
class PodmanClientIT {
    static final String IMAGE = Lab.TEST_IMAGE;
    static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    static final Map<String, String> RUN_LABEL = Map.of("okpod.run", RUN);
    static final String LOOP = "while sleep 3600; do :; done";

    static Path socket;
    static PodmanClient podman;

    @BeforeAll
    static void connect(Lab lab) {
        socket = lab.podmanSocket();
        assertThat(lab.podman().imageExists(IMAGE)).as("the lab imported its image").isTrue();
        podman = PodmanClient.connect(socket);
    }

    @AfterEach
    void removeContainers() {
        if (podman != null) {
            podman.list(RUN_LABEL).forEach(c -> podman.remove(c.id()));
        }
    }

    @AfterAll
    static void closeClient() {
        if (podman != null) {
            podman.list(RUN_LABEL).forEach(c -> podman.remove(c.id()));
            podman.close();
        }
    }

    static String name(String suffix) {
        return "okpod-" + RUN + "-" + suffix;
    }

    static ContainerRequest.Builder request(String suffix) {
        return ContainerRequest.builder(name(suffix), IMAGE).command("sh", "-c", LOOP).labels(RUN_LABEL);
    }

    @Test
    void reportsVersionAndImage() {
        assertThat(podman.version()).matches("[45]\\..*");
        assertThat(podman.imageExists(IMAGE)).isTrue();
        assertThat(podman.imageExists("localhost/overlaykit/none:latest")).isFalse();
        String extra = "localhost/overlaykit/okpod-" + RUN + ":latest";
        assertThat(podman.importImage(new ByteArrayInputStream(new Tar().directory("tmp").finish()), extra))
                .startsWith("sha256:");
        assertThat(podman.imageExists(extra)).isTrue();
        assertThat(podman.removeImage(extra, true)).isTrue();
        assertThat(podman.imageExists(extra)).isFalse();
        assertThat(podman.removeImage(extra, true)).isFalse();
    }

    @Test
    void runsAContainerWithOnlyLoopbackInItsOwnNamespace() throws Exception {
        long t0 = System.nanoTime();
        ContainerInfo info = podman.run(request("net").hostname("okpod-host").env("OKPOD", "yes")
                .dnsServers(List.of("192.0.2.53"))
                .sysctl("net.ipv4.ip_forward", "1").capAdd("NET_ADMIN").build());
        System.out.printf("okpod: run (create+start+inspect) %.1f ms%n", (System.nanoTime() - t0) / 1e6);
        assertThat(info.running()).isTrue();
        assertThat(info.name()).isEqualTo(name("net"));
        assertThat(info.labels()).containsEntry("okpod.run", RUN);
        assertThat(info.pid()).isPositive();
        Path ns = info.namespace().path();
        assertThat(ns).isEqualTo(Path.of("/proc", Long.toString(info.pid()), "ns", "net"));
        String nsLink = Files.readSymbolicLink(ns).toString();
        assertThat(nsLink).startsWith("net:[").isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString());

        ExecResult links = podman.exec(name("net"), List.of("ip", "-o", "link"), Duration.ofSeconds(10));
        assertThat(links.exitCode()).isZero();
        assertThat(links.stdout().lines().toList()).hasSize(1).first().asString().contains("lo:");
        // The namespace seen from inside is the one inspect pointed at.
        assertThat(podman.exec(name("net"), List.of("readlink", "/proc/self/ns/net"), Duration.ofSeconds(10)).stdout().strip())
                .isEqualTo(nsLink);
        ExecResult settings = podman.exec(name("net"), List.of("sh", "-c",
                "hostname; echo $OKPOD; cat /proc/sys/net/ipv4/ip_forward"), Duration.ofSeconds(10));
        // dns_server is sent, but podman 4.3 writes no resolv.conf for nsmode none: the SDK must write it.
        assertThat(settings.stdout().lines().toList()).containsExactly("okpod-host", "yes", "1");
    }

    @Test
    void keepAliveCallsAreCheap() {
        podman.imageExists(IMAGE); // warm the pool
        int calls = 100;
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            assertThat(podman.imageExists(IMAGE)).isTrue();
        }
        double perCallMillis = (System.nanoTime() - t0) / 1e6 / calls;
        System.out.printf("okpod: imageExists over a pooled connection: %.2f ms per call%n", perCallMillis);
        assertThat(perCallMillis).isLessThan(50.0);
    }

    @Test
    void execReportsExitCodeAndStderr() {
        podman.run(request("exec").build());
        long t0 = System.nanoTime();
        ExecResult result = podman.exec(name("exec"), List.of("sh", "-c", "echo out; echo err >&2; exit 3"),
                Duration.ofSeconds(10));
        System.out.printf("okpod: exec round trip %.1f ms%n", (System.nanoTime() - t0) / 1e6);
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
    }

    @Test
    void stopsWaitsRemoves() {
        podman.run(request("stop").build());
        long t0 = System.nanoTime();
        podman.stop(name("stop"), Duration.ofSeconds(1));
        assertThat(podman.inspect(name("stop"))).get().extracting(ContainerInfo::running).isEqualTo(false);
        assertThat(podman.waitFor(name("stop"), Duration.ofSeconds(10))).isIn(137, 143);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
        ContainerInfo restarted = podman.start(name("stop"));
        assertThat(restarted.running()).isTrue();
        assertThat(podman.exists(name("stop"))).isTrue();
        assertThat(podman.remove(name("stop"))).isTrue();
        assertThat(podman.remove(name("stop"))).isFalse();
        assertThat(podman.exists(name("stop"))).isFalse();
        assertThat(podman.inspect(name("stop"))).isEmpty();
    }

    @Test
    void theTestImageHasADefaultCommand() {
        // Imported with CMD ["/bin/sh"]: with no command and no stdin, sh exits at once with status 0.
        podman.run(ContainerRequest.builder(name("cmd"), IMAGE).labels(RUN_LABEL).build());
        assertThat(podman.waitFor(name("cmd"), Duration.ofSeconds(10))).isZero();
        assertThat(podman.remove(name("cmd"))).isTrue();
    }

    @Test
    void listsByLabel() {
        podman.run(request("l1").label("okpod.role", "web").build());
        podman.run(request("l2").label("okpod.role", "web").build());
        podman.create(request("l3").label("okpod.role", "db").build());
        List<ContainerInfo> web = podman.list(Map.of("okpod.run", RUN, "okpod.role", "web"));
        assertThat(web).extracting(ContainerInfo::name).containsExactlyInAnyOrder(name("l1"), name("l2"));
        assertThat(web).allMatch(c -> c.running() && c.pid() > 0);
        assertThat(podman.list(Map.of())).extracting(ContainerInfo::name).contains(name("l1"), name("l2"), name("l3"));
        List<ContainerInfo> db = podman.list(Map.of("okpod.run", RUN, "okpod.role", "db"));
        assertThat(db).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo(name("l3"));
            assertThat(c.running()).isFalse();
        });
    }

    @Test
    void typedErrorsCarryPodmansMessage() throws Exception {
        assertThatThrownBy(() -> podman.start(name("missing")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("start container '" + name("missing") + "'")
                .hasMessageContaining("no container with name or ID")
                .hasMessageContaining(socket.toString());
        assertThatThrownBy(() -> podman.exec(name("missing"), List.of("true"), Duration.ofSeconds(5)))
                .isInstanceOf(NotFoundException.class);
        podman.run(request("dup").build());
        assertThatThrownBy(() -> podman.run(request("dup").build()))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("already in use");
        assertThatThrownBy(() -> podman.run(ContainerRequest.builder(name("noimg"), "localhost/overlaykit/none:latest")
                .command("true").labels(RUN_LABEL).build()))
                .isInstanceOf(NotFoundException.class);
        List<String> progress = new ArrayList<>();
        assertThatThrownBy(() -> podman.pull("localhost:1/okpod/nothing:latest", progress::add))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("localhost:1");
        assertThat(progress).anyMatch(line -> line.contains("Trying to pull"));
        assertThat(podman.removeImage("localhost/overlaykit/none:latest", false)).isFalse();
    }

    @Test
    void eventsReportStartAndDeath() throws Exception {
        BlockingQueue<ContainerEvent> events = new LinkedBlockingQueue<>();
        Map<String, String> labels = Map.of("okpod.run", RUN, "okpod.events", "yes");
        java.time.Instant before = java.time.Instant.now().minusSeconds(1);
        String id;
        try (ContainerEvents subscription = podman.events(labels, events::add)) {
            assertThat(subscription.isActive()).isTrue();
            // An unlabelled container must not show up.
            podman.run(request("quiet").build());
            ContainerInfo info = podman.run(request("ev").labels(labels).build());
            assertThat(next(events, ContainerEvent.Type.START).id()).isEqualTo(info.id());
            podman.stop(name("ev"), Duration.ZERO);
            ContainerEvent died = next(events, ContainerEvent.Type.DIED);
            assertThat(died.name()).isEqualTo(name("ev"));
            assertThat(died.labels()).containsEntry("okpod.events", "yes");
            podman.remove(name("ev"));
            assertThat(next(events, ContainerEvent.Type.REMOVE).id()).isEqualTo(info.id());
            id = info.id();
        }
        assertThat(events).noneMatch(e -> e.name().equals(name("quiet")));
        // A late subscriber replays what it missed with since (crash recovery of a re-wiring loop).
        BlockingQueue<ContainerEvent> replay = new LinkedBlockingQueue<>();
        try (ContainerEvents late = podman.events(labels, before, replay::add)) {
            assertThat(next(replay, ContainerEvent.Type.START).id()).isEqualTo(id);
            assertThat(next(replay, ContainerEvent.Type.DIED).id()).isEqualTo(id);
        }
    }

    private static ContainerEvent next(BlockingQueue<ContainerEvent> events, ContainerEvent.Type type)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            ContainerEvent event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            assertThat(event).as("a %s event within 10 s", type).isNotNull();
            if (event.type() == type) {
                return event;
            }
        }
    }

    @Test
    void refusesMissingOrForeignSockets() throws Exception {
        Path missing = Path.of("/tmp/okpod-" + RUN + "-none.sock");
        assertThatThrownBy(() -> PodmanClient.connect(missing))
                .isInstanceOf(NotFoundException.class).hasMessageContaining(missing.toString());
        Path notASocket = Files.createTempFile("okpod-" + RUN, ".sock");
        try {
            assertThatThrownBy(() -> PodmanClient.connect(notASocket))
                    .isInstanceOf(BackendException.class).hasMessageContaining(notASocket.toString());
        } finally {
            Files.deleteIfExists(notASocket);
        }
    }
}
