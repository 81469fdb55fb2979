package io.overlaykit.podman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.OverlayTimeoutException;
import io.overlaykit.core.spi.ContainerRequest;
import io.overlaykit.core.spi.ContainerRuntime.ContainerEvent;
import io.overlaykit.core.spi.ContainerRuntime.ExecResult;
import io.overlaykit.podman.internal.http.TestUnixServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** PodmanClient against a fake libpod service on a Unix socket: protocol details and error mapping. */
class PodmanClientTest {
    private static final String ERR404 = "{\"cause\":\"no such container\",\"message\":\"no container with name or ID \\\"x\\\" found: no such container\",\"response\":404}";

    /** Routes requests of the fake service; _ping answers like podman 4.3.1. */
    interface Route {
        boolean handle(TestUnixServer.Request request, OutputStream out) throws IOException;
    }

    private static TestUnixServer fakePodman(Route route) throws IOException {
        return new TestUnixServer((req, out) -> {
            if (req.target().equals("/v4.0.0/libpod/_ping")) {
                out.write(("HTTP/1.1 200 OK\r\nLibpod-Api-Version: 4.3.1\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK")
                        .getBytes(StandardCharsets.ISO_8859_1));
                return true;
            }
            return route.handle(req, out);
        });
    }

    private static void json(OutputStream out, int status, String body) throws IOException {
        TestUnixServer.respond(out, status, "application/json", body);
    }

    @Test
    void connectPingsAndReadsTheVersion() throws IOException {
        try (TestUnixServer server = fakePodman((req, out) -> false);
             PodmanClient podman = PodmanClient.connect(server.socket())) {
            assertThat(podman.version()).isEqualTo("4.3.1");
            assertThat(podman.socket()).isEqualTo(server.socket());
            assertThat(server.requests).extracting(TestUnixServer.Request::target).containsExactly("/v4.0.0/libpod/_ping");
        }
    }

    @Test
    void aPathThatIsNoSocketIsRefusedSayingWhatItIs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws IOException {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("podman.sock"), "not a socket");
        assertThatThrownBy(() -> PodmanClient.connect(file)).isInstanceOf(BackendException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("is not a Unix socket (a regular file)");
        assertThatThrownBy(() -> PodmanClient.connect(dir)).isInstanceOf(BackendException.class)
                .hasMessageContaining("is not a Unix socket (a directory)");
    }

    @Test
    void refusesWhatIsNotPodman() throws IOException {
        try (TestUnixServer plain = new TestUnixServer((req, out) -> {
            TestUnixServer.respond(out, 200, "text/plain", "OK");
            return true;
        })) {
            assertThatThrownBy(() -> PodmanClient.connect(plain.socket())).isInstanceOf(BackendException.class)
                    .hasMessageContaining(plain.socket() + " is not a podman socket");
        }
        try (TestUnixServer ssh = new TestUnixServer((req, out) -> {
            out.write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return false;
        })) {
            assertThatThrownBy(() -> PodmanClient.connect(ssh.socket())).isInstanceOf(BackendException.class)
                    .hasMessageContaining(ssh.socket().toString()).hasMessageContaining("malformed status line")
                    .hasCauseInstanceOf(IOException.class);
        }
        try (TestUnixServer old = new TestUnixServer((req, out) -> {
            out.write("HTTP/1.1 200 OK\r\nLibpod-Api-Version: 3.4.4\r\nContent-Length: 2\r\n\r\nOK".getBytes(StandardCharsets.ISO_8859_1));
            return true;
        })) {
            assertThatThrownBy(() -> PodmanClient.connect(old.socket())).isInstanceOf(BackendException.class)
                    .hasMessageContaining("3.4.4").hasMessageContaining("4.0 or later");
        }
    }

    @Test
    void statusesBecomeTypedExceptionsWithPodmansMessage() throws IOException {
        try (TestUnixServer server = fakePodman((req, out) -> {
            String t = req.target();
            if (t.contains("/containers/create")) {
                String name = req.bodyText().contains("okpod-dup4") ? "that name is already in use" : "x";
                if (req.bodyText().contains("okpod-dup5")) {
                    json(out, 409, "{\"cause\":\"conflict\",\"message\":\"name okpod-dup5 in use\",\"response\":409}");
                } else if (name.equals("x")) {
                    json(out, 500, "{\"cause\":\"runc failed\",\"message\":\"OCI runtime error: boom\",\"response\":500}");
                } else {
                    json(out, 500, "{\"cause\":\"that name is already in use\",\"message\":\"the container name \\\"okpod-dup4\\\" is already in use\",\"response\":500}");
                }
            } else if (t.contains("/stop")) {
                json(out, 404, ERR404);
            } else if (t.startsWith("/v4.0.0/libpod/containers/gone?")) {
                json(out, 404, ERR404);
            } else if (t.contains("/containers/gone/json")) {
                json(out, 404, ERR404);
            } else {
                json(out, 400, "not json at all");
            }
            return true;
        }); PodmanClient podman = PodmanClient.connect(server.socket())) {
            assertThatThrownBy(() -> podman.stop("x", Duration.ZERO)).isInstanceOf(NotFoundException.class)
                    .hasMessage("stop container 'x' failed on podman at " + server.socket()
                            + ": no container with name or ID \"x\" found: no such container (HTTP 404)");
            assertThatThrownBy(() -> podman.create(ContainerRequest.builder("okpod-dup4", "i").build()))
                    .isInstanceOf(ConflictException.class).hasMessageContaining("is already in use");
            assertThatThrownBy(() -> podman.create(ContainerRequest.builder("okpod-dup5", "i").build()))
                    .isInstanceOf(ConflictException.class).hasMessageContaining("name okpod-dup5 in use (HTTP 409)");
            assertThatThrownBy(() -> podman.create(ContainerRequest.builder("okpod-x", "i").build()))
                    .isInstanceOf(BackendException.class).hasMessageContaining("OCI runtime error: boom (HTTP 500)");
            assertThatThrownBy(() -> podman.list(Map.of())).isInstanceOf(BackendException.class)
                    .hasMessageContaining("not json at all (HTTP 400)");
            assertThat(podman.remove("gone")).isFalse();
            assertThat(podman.inspect("gone")).isEmpty();
            assertThat(server.requests).filteredOn(r -> r.target().startsWith("/v4.0.0/libpod/containers/gone?"))
                    .singleElement().extracting(TestUnixServer.Request::method).isEqualTo("DELETE");
        }
    }

    @Test
    void aSilentServerTimesOut() throws IOException {
        CountDownLatch release = new CountDownLatch(1);
        try (TestUnixServer server = fakePodman((req, out) -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }); PodmanClient podman = PodmanClient.connect(server.socket(), Duration.ofSeconds(1), Duration.ofMillis(1000))) {
            assertThatThrownBy(() -> podman.inspect("x")).isInstanceOf(OverlayTimeoutException.class)
                    .hasMessageContaining("inspect container 'x' timed out on podman at " + server.socket());
            release.countDown();
        }
    }

    @Test
    void runRemovesWhatItCreatedWhenStartFails() throws IOException {
        try (TestUnixServer server = fakePodman((req, out) -> {
            if (req.target().endsWith("/containers/create")) {
                json(out, 201, "{\"Id\":\"c1\",\"Warnings\":[]}");
            } else if (req.target().endsWith("/start")) {
                json(out, 500, "{\"cause\":\"x\",\"message\":\"runc: cannot start\",\"response\":500}");
            } else {
                json(out, 200, "[{\"Id\":\"c1\"}]");
            }
            return true;
        }); PodmanClient podman = PodmanClient.connect(server.socket())) {
            assertThatThrownBy(() -> podman.run(ContainerRequest.builder("okpod-r", "i").build()))
                    .isInstanceOf(BackendException.class).hasMessageContaining("runc: cannot start");
            assertThat(server.requests).extracting(r -> r.method() + " " + r.target()).containsExactly(
                    "GET /v4.0.0/libpod/_ping", "POST /v4.0.0/libpod/containers/create",
                    "POST /v4.0.0/libpod/containers/c1/start", "DELETE /v4.0.0/libpod/containers/c1?force=true&timeout=0");
        }
    }

    @Test
    void execReadsTheUpgradedStreamAndTheExitCode() throws IOException {
        try (TestUnixServer server = fakePodman((req, out) -> {
            if (req.target().endsWith("/containers/okpod-e/exec")) {
                json(out, 201, "{\"Id\":\"s1\"}");
                return true;
            }
            if (req.target().endsWith("/exec/s1/start")) {
                out.write("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(new byte[] {1, 0, 0, 0, 0, 0, 0, 3, 'o', 'u', 't', 2, 0, 0, 0, 0, 0, 0, 3, 'e', 'r', 'r'});
                return false; // podman closes the hijacked connection when the process ends
            }
            json(out, 200, "{\"Running\":false,\"ExitCode\":3}");
            return true;
        }); PodmanClient podman = PodmanClient.connect(server.socket())) {
            ExecResult result = podman.exec("okpod-e", List.of("sh", "-c", "x"), Duration.ofSeconds(2));
            assertThat(result).isEqualTo(new ExecResult(3, "out", "err"));
            TestUnixServer.Request start = server.requests.get(2);
            assertThat(start.headers()).contains("Connection: Upgrade", "Upgrade: tcp");
            assertThat(start.bodyText()).isEqualTo("{\"Detach\":false,\"Tty\":false}");
            assertThat(server.requests.get(1).bodyText()).isEqualTo("{\"AttachStdout\":true,\"AttachStderr\":true,\"Cmd\":[\"sh\",\"-c\",\"x\"]}");
        }
    }

    @Test
    void pullStreamsProgressAndReportsErrors() throws IOException {
        try (TestUnixServer server = fakePodman((req, out) -> {
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            TestUnixServer.chunk(out, "{\"stream\":\"Trying to pull x...\\n\"}\n");
            if (req.target().contains("bad")) {
                TestUnixServer.chunk(out, "{\"error\":\"manifest unknown\"}\n");
            } else {
                TestUnixServer.chunk(out, "{\"stream\":\"Writing manifest\\n\"}\n{\"images\":[\"abc\"],\"id\":\"abc\"}\n");
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return true;
        }); PodmanClient podman = PodmanClient.connect(server.socket())) {
            List<String> progress = new ArrayList<>();
            assertThat(podman.pull("example.org/good:1", progress::add)).isEqualTo("abc");
            assertThat(progress).containsExactly("Trying to pull x...", "Writing manifest");
            assertThatThrownBy(() -> podman.pull("example.org/bad:1", p -> { }))
                    .isInstanceOf(BackendException.class).hasMessageContaining("manifest unknown");
            assertThat(server.requests.get(1).target()).isEqualTo("/v4.0.0/libpod/images/pull?reference=example.org%2Fgood%3A1");
        }
    }

    @Test
    void eventsAreFilteredOnEveryLabelAndStopOnClose() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        String event = "{\"status\":\"%s\",\"id\":\"%s\",\"Type\":\"container\",\"Action\":\"%s\",\"Actor\":{\"ID\":\"%s\","
                + "\"Attributes\":{\"name\":\"%s\",\"image\":\"i\",\"podId\":\"\",\"app\":\"web\"%s}}}\n";
        try (TestUnixServer server = fakePodman((req, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            TestUnixServer.chunk(out, String.format(event, "start", "c1", "start", "c1", "okpod-a", ",\"spec\":\"s1\""));
            TestUnixServer.chunk(out, String.format(event, "start", "c2", "start", "c2", "okpod-b", ""));
            TestUnixServer.chunk(out, "{\"Type\":\"image\",\"Action\":\"remove\",\"Actor\":{\"ID\":\"i1\",\"Attributes\":{}}}\n");
            // One event split across two chunks.
            String died = String.format(event, "died", "c1", "died", "c1", "okpod-a", ",\"spec\":\"s1\"");
            TestUnixServer.chunk(out, died.substring(0, 40));
            TestUnixServer.chunk(out, died.substring(40));
            try {
                out.write(new byte[0]);
                closed.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }); PodmanClient podman = PodmanClient.connect(server.socket())) {
            BlockingQueue<ContainerEvent> events = new LinkedBlockingQueue<>();
            ContainerEvents handle = podman.events(Map.of("app", "web", "spec", "s1"), events::add);
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo(new ContainerEvent(ContainerEvent.Type.START, "c1",
                    "okpod-a", Map.of("app", "web", "spec", "s1")));
            ContainerEvent next = events.poll(5, TimeUnit.SECONDS);
            assertThat(next).isNotNull();
            assertThat(next.type()).isEqualTo(ContainerEvent.Type.DIED);
            assertThat(next.id()).isEqualTo("c1");
            String target = server.requests.get(1).target();
            assertThat(java.net.URLDecoder.decode(target, StandardCharsets.UTF_8)).startsWith("/v4.0.0/libpod/events?stream=true&filters=")
                    .contains("\"label\":[\"app=web\",\"spec=s1\"]").contains("\"type\":[\"container\"]")
                    .contains("\"event\":[\"create\",\"start\",\"died\",\"stop\",\"remove\"]");
            long before = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("overlaykit-podman-events")).count();
            assertThat(before).isPositive();
            assertThat(handle.isActive()).isTrue();
            handle.close();
            handle.close(); // idempotent
            assertThat(handle.isActive()).isFalse();
            assertThat(handle.failure()).as("closing is not a failure").isEmpty();
            closed.countDown();
            assertThat(Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("overlaykit-podman-events") && t.isAlive()).count()).isLessThan(before);
            assertThat(events).isEmpty();
        }
    }

    @Test
    void anEndedEventStreamReportsWhyAndClientCloseStopsTheRest() throws Exception {
        try (TestUnixServer server = fakePodman((req, out) -> {
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            if (req.target().contains("since=")) {
                TestUnixServer.chunk(out, "{\"Type\":\"container\",\"Action\":\"remove\",\"Actor\":{\"ID\":\"c9\",\"Attributes\":{}}}\n");
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                return true;
            }
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        })) {
            PodmanClient podman = PodmanClient.connect(server.socket());
            BlockingQueue<ContainerEvent> events = new LinkedBlockingQueue<>();
            ContainerEvents ended = podman.events(Map.of(), java.time.Instant.ofEpochSecond(1_700_000_000L), events::add);
            assertThat(events.poll(5, TimeUnit.SECONDS)).extracting(ContainerEvent::type).isEqualTo(ContainerEvent.Type.REMOVE);
            for (int i = 0; i < 100 && ended.isActive(); i++) {
                Thread.sleep(20);
            }
            assertThat(ended.isActive()).isFalse();
            assertThat(ended.failure()).get().asString().contains("ended the event stream");
            assertThat(server.requests.get(1).target()).endsWith("&since=1700000000");

            ContainerEvents open = podman.events(Map.of("a", "b"), events::add);
            assertThat(open.isActive()).isTrue();
            podman.close();
            podman.close();
            assertThat(open.isActive()).isFalse();
            assertThatThrownBy(() -> podman.imageExists("x")).isInstanceOf(BackendException.class).hasMessageContaining("closed");
        }
    }

    @Test
    void anEndedStreamIsReportedOnceAndLeavesTheSubscriptions() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (TestUnixServer server = fakePodman((req, out) -> {
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            if (req.target().contains("since=")) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)); // podman went away
                return true;
            }
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }); PodmanClient podman = PodmanClient.connect(server.socket())) {
            BlockingQueue<Throwable> ends = new LinkedBlockingQueue<>();
            ContainerEvents ended = podman.events(Map.of("a", "b"), java.time.Instant.ofEpochSecond(1_700_000_000L),
                    e -> { }, ends::add);
            assertThat(ends.poll(5, TimeUnit.SECONDS)).isNotNull().hasMessageContaining("ended the event stream")
                    .hasMessageContaining(server.socket().toString());
            assertThat(ended.isActive()).isFalse();
            assertThat(podman.openSubscriptions()).as("an ended subscription removes itself").isZero();

            ContainerEvents open = podman.events(Map.of("a", "b"), null, e -> { }, ends::add);
            assertThat(podman.openSubscriptions()).isEqualTo(1);
            open.close();
            assertThat(podman.openSubscriptions()).isZero();
            release.countDown();
            assertThat(ends.poll(300, TimeUnit.MILLISECONDS)).as("closing is not an end to report").isNull();
            assertThat(ends).isEmpty();
        }
    }

    @Test
    void aResponseCutShortIsABackendErrorNamingTheSocket() throws IOException {
        try (TestUnixServer server = fakePodman((req, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[{\"Id\":".getBytes(StandardCharsets.ISO_8859_1));
            return false;
        }); PodmanClient podman = PodmanClient.connect(server.socket())) {
            assertThatThrownBy(() -> podman.list(Map.of("a", "b"))).isInstanceOf(BackendException.class)
                    .hasMessageContaining("list containers {a=b} failed on podman at " + server.socket())
                    .hasMessageContaining("closed in the middle of the response body")
                    .hasCauseInstanceOf(io.overlaykit.podman.internal.http.HttpProtocolException.class)
                    .matches(e -> ((BackendException) e).isRetryable());
        }
    }

    @Test
    void defaultSocketIsRootfulForRoot() {
        if ("root".equals(System.getProperty("user.name"))) {
            assertThat(PodmanClient.defaultSocket()).isEqualTo(PodmanClient.ROOTFUL_SOCKET);
        } else {
            assertThat(PodmanClient.defaultSocket().toString()).endsWith("/podman/podman.sock").doesNotStartWith("/run/podman");
        }
    }
}
