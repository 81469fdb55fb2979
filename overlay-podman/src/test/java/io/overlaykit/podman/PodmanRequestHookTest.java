package io.overlaykit.podman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.spi.ContainerRequest;
import io.overlaykit.core.spi.RequestCounter;
import io.overlaykit.core.spi.RequestHook;
import io.overlaykit.core.spi.RequestHook.Access;
import io.overlaykit.core.spi.RequestHook.Backend;
import io.overlaykit.podman.internal.http.TestUnixServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** PodmanClient's request hook: one call per HTTP request, READ for GET, WRITE for every other method. */
class PodmanRequestHookTest {
    private static final String INSPECT = "{\"Id\":\"c1\",\"Name\":\"okpod-h\",\"ImageName\":\"i\",\"State\":{\"Running\":true,\"Pid\":42},\"Config\":{\"Labels\":{}}}";

    private static TestUnixServer fakePodman() throws IOException {
        return new TestUnixServer((req, out) -> {
            if (req.target().endsWith("/_ping")) {
                out.write(("HTTP/1.1 200 OK\r\nLibpod-Api-Version: 4.3.1\r\nContent-Length: 2\r\n\r\nOK")
                        .getBytes(StandardCharsets.ISO_8859_1));
            } else if (req.target().endsWith("/containers/create")) {
                TestUnixServer.respond(out, 201, "application/json", "{\"Id\":\"c1\",\"Warnings\":[]}");
            } else if (req.target().endsWith("/start")) {
                TestUnixServer.respond(out, 204, "application/json", "");
            } else if (req.target().contains("/containers/json")) {
                TestUnixServer.respond(out, 200, "application/json", "[]");
            } else if (req.method().equals("DELETE")) {
                TestUnixServer.respond(out, 200, "application/json", "[{\"Id\":\"c1\"}]");
            } else {
                TestUnixServer.respond(out, 200, "application/json", INSPECT);
            }
            return true;
        });
    }

    @Test
    void everyRequestIsCountedOnceAsReadOrWrite() throws IOException {
        try (TestUnixServer server = fakePodman(); PodmanClient podman = PodmanClient.connect(server.socket())) {
            RequestCounter counter = new RequestCounter();
            podman.requestHook(counter);
            int before = server.requests.size();

            assertThat(podman.inspect("okpod-h")).isPresent();
            assertThat(counter.count(Backend.PODMAN, Access.READ)).isEqualTo(1);
            assertThat(counter.count(Backend.PODMAN, Access.WRITE)).isZero();

            podman.run(ContainerRequest.builder("okpod-h", "i").build()); // create, start, inspect
            podman.list(Map.of("io.overlaykit.spec", "x"));
            podman.remove("okpod-h");
            assertThat(counter.count(Backend.PODMAN, Access.READ)).isEqualTo(3);
            assertThat(counter.count(Backend.PODMAN, Access.WRITE)).isEqualTo(3);
            assertThat(counter.count(Backend.PODMAN)).isEqualTo(server.requests.size() - before);
            assertThat(counter.count(Backend.OVSDB) + counter.count(Backend.NETLINK)).isZero();
        }
    }

    @Test
    void theHookSeesMethodAndTargetAndNullRemovesIt() throws IOException {
        try (TestUnixServer server = fakePodman(); PodmanClient podman = PodmanClient.connect(server.socket())) {
            List<String> seen = new CopyOnWriteArrayList<>();
            podman.requestHook((backend, access, operation) -> seen.add(backend + " " + access + " " + operation));
            podman.remove("okpod-h");
            assertThat(seen).containsExactly("PODMAN WRITE DELETE /v4.0.0/libpod/containers/okpod-h?force=true&timeout=0");
            podman.requestHook(null);
            podman.inspect("okpod-h");
            assertThat(seen).hasSize(1);
        }
    }

    @Test
    void aHookThatThrowsFailsTheRequestBeforeItIsSent() throws IOException {
        try (TestUnixServer server = fakePodman(); PodmanClient podman = PodmanClient.connect(server.socket())) {
            podman.requestHook((backend, access, operation) -> {
                if (access == Access.WRITE) {
                    throw new BackendException("injected: " + operation);
                }
            });
            int before = server.requests.size();
            assertThatThrownBy(() -> podman.remove("okpod-h")).isInstanceOf(BackendException.class)
                    .hasMessageContaining("injected: DELETE /v4.0.0/libpod/containers/okpod-h");
            assertThat(server.requests).hasSize(before);
            assertThat(podman.inspect("okpod-h")).isPresent(); // reads still go through
            assertThat(server.requests).hasSize(before + 1);
        }
    }

    @Test
    void anEventSubscriptionIsOneRead() throws Exception {
        try (TestUnixServer server = new TestUnixServer((req, out) -> {
            if (req.target().endsWith("/_ping")) {
                out.write(("HTTP/1.1 200 OK\r\nLibpod-Api-Version: 4.3.1\r\nContent-Length: 2\r\n\r\nOK")
                        .getBytes(StandardCharsets.ISO_8859_1));
                return true;
            }
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return false; // keep the stream open, say nothing
        }); PodmanClient podman = PodmanClient.connect(server.socket())) {
            RequestCounter counter = new RequestCounter();
            podman.requestHook(counter);
            try (AutoCloseable events = podman.events(Map.of("io.overlaykit.spec", "x"), e -> { })) {
                assertThat(counter.count(Backend.PODMAN, Access.READ)).isEqualTo(1);
                assertThat(counter.writes()).isZero();
            }
        }
    }

    @Test
    void noHookMeansNothingIsCalled() throws IOException {
        try (TestUnixServer server = fakePodman(); PodmanClient podman = PodmanClient.connect(server.socket())) {
            podman.requestHook(RequestHook.NONE);
            assertThat(podman.inspect("okpod-h")).isPresent();
        }
    }
}
