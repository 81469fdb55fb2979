package io.overlaykit.podman.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.ContainerRequest;
import io.overlaykit.core.spi.ContainerRuntime.ContainerEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** JSON mapping against answers recorded from podman 4.3.1. */
class LibpodJsonTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final LibpodJson json = new LibpodJson(mapper);

    private String fixture(String name) throws IOException {
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("/fixtures/" + name), name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void inspectGivesPidLabelsAndNamespace() throws IOException {
        JsonNode inspect = mapper.readTree(fixture("container-inspect.json"));
        ContainerInfo info = json.containerFromInspect(inspect);
        assertThat(info.id()).isEqualTo("828c617b6a1d4c5fddb5d03d16b2ad313bc9727faead49ce27e24fee347a7ca0");
        assertThat(info.name()).isEqualTo("okpod-manual1");
        assertThat(info.image()).isEqualTo("localhost/overlaykit/busybox:latest");
        assertThat(info.running()).isTrue();
        assertThat(info.pid()).isEqualTo(7733);
        assertThat(info.labels()).containsExactly(Map.entry("okpod.test", "x"));
        assertThat(info.namespace()).isEqualTo(NetNamespace.ofPid(7733));
        assertThat(json.sandboxKey(inspect)).as("empty on podman 4.3 with nsmode none").isEmpty();
    }

    @Test
    void stoppedContainerHasNoPid() throws IOException {
        JsonNode inspect = mapper.readTree(fixture("container-inspect.json"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) inspect.get("State")).put("Running", false).put("Pid", 0);
        ContainerInfo info = json.containerFromInspect(inspect);
        assertThat(info.running()).isFalse();
        assertThat(info.pid()).isZero();
    }

    @Test
    void listEntries() throws IOException {
        JsonNode list = mapper.readTree(fixture("container-list.json"));
        assertThat(list).hasSize(1);
        ContainerInfo info = json.containerFromList(list.get(0));
        assertThat(info.name()).isEqualTo("okpod-manual1");
        assertThat(info.running()).isTrue();
        assertThat(info.pid()).isEqualTo(7733);
        assertThat(info.labels()).containsEntry("okpod.test", "x");
    }

    @Test
    void eventsMapToLifecycleTypesWithLabels() throws IOException {
        List<ContainerEvent> events = new ArrayList<>();
        for (String line : fixture("events.ndjson").split("\n")) {
            json.event(mapper.readTree(line)).ifPresent(events::add);
        }
        assertThat(events).extracting(ContainerEvent::type).containsExactly(ContainerEvent.Type.CREATE,
                ContainerEvent.Type.OTHER, ContainerEvent.Type.START, ContainerEvent.Type.OTHER, ContainerEvent.Type.OTHER,
                ContainerEvent.Type.DIED, ContainerEvent.Type.OTHER, ContainerEvent.Type.OTHER, ContainerEvent.Type.REMOVE);
        ContainerEvent died = events.get(5);
        assertThat(died.name()).isEqualTo("okpod-manual1");
        assertThat(died.id()).startsWith("828c617b");
        assertThat(died.labels()).containsExactly(Map.entry("okpod.test", "x"));
        assertThat(json.event(mapper.readTree("{\"Type\":\"image\",\"Action\":\"pull\"}"))).isEmpty();
    }

    @Test
    void specGeneratorAsksForNoNetwork() throws IOException {
        ContainerRequest request = ContainerRequest.builder("okpod-a", "localhost/overlaykit/busybox:latest")
                .command("sleep", "60").env("A", "1").label("k", "v").hostname("h").dnsServers(List.of("10.0.0.1"))
                .sysctl("net.ipv4.ip_forward", "1").capAdd("NET_ADMIN").build();
        JsonNode spec = mapper.readTree(json.specGenerator(request));
        assertThat(spec.path("netns").path("nsmode").asText()).isEqualTo("none");
        assertThat(spec.path("name").asText()).isEqualTo("okpod-a");
        assertThat(spec.path("image").asText()).isEqualTo("localhost/overlaykit/busybox:latest");
        assertThat(spec.path("command").toString()).isEqualTo("[\"sleep\",\"60\"]");
        assertThat(spec.path("env").path("A").asText()).isEqualTo("1");
        assertThat(spec.path("labels").path("k").asText()).isEqualTo("v");
        assertThat(spec.path("hostname").asText()).isEqualTo("h");
        assertThat(spec.path("dns_server").toString()).isEqualTo("[\"10.0.0.1\"]");
        assertThat(spec.path("sysctl").path("net.ipv4.ip_forward").asText()).isEqualTo("1");
        assertThat(spec.path("cap_add").toString()).isEqualTo("[\"NET_ADMIN\"]");
        JsonNode minimal = mapper.readTree(json.specGenerator(ContainerRequest.builder("n", "i").build()));
        assertThat(minimal.has("command")).isFalse();
        assertThat(minimal.has("hostname")).isFalse();
    }

    @Test
    void filtersAreUrlEncodedJson() throws IOException {
        String encoded = json.filters(Map.of("b", "2", "a", "x y"), Map.of("type", List.of("container")));
        assertThat(encoded).doesNotContain("{", " ", "\"", "+");
        JsonNode decoded = mapper.readTree(URLDecoder.decode(encoded, StandardCharsets.UTF_8));
        assertThat(decoded.path("label").toString()).isEqualTo("[\"a=x y\",\"b=2\"]");
        assertThat(decoded.path("type").toString()).isEqualTo("[\"container\"]");
    }

    @Test
    void errorTexts() {
        String body = "{\"cause\":\"no such container\",\"message\":\"no container with name or ID \\\"x\\\" found: no such container\",\"response\":404}";
        assertThat(json.errorMessage(body)).isEqualTo("no container with name or ID \"x\" found: no such container");
        assertThat(json.errorCause(body)).isEqualTo("no such container");
        assertThat(json.errorMessage("plain text\n")).isEqualTo("plain text");
        assertThat(json.errorCause("<html>")).isEmpty();
    }
}
