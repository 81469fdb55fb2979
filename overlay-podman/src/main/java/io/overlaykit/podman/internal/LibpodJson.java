package io.overlaykit.podman.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.ContainerRequest;
import io.overlaykit.core.spi.ContainerRuntime.ContainerEvent;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Maps between OverlayKit's values and libpod's JSON (SpecGenerator, inspect, list, events, errors). */
public final class LibpodJson {
    /** Event attributes podman adds next to the container's labels. */
    private static final Set<String> EVENT_ATTRIBUTES = Set.of("containerExitCode", "image", "name", "podId");

    private final ObjectMapper mapper;

    public LibpodJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** The SpecGenerator of {@code POST /libpod/containers/create}: a container with no network. */
    public String specGenerator(ContainerRequest request) {
        ObjectNode spec = mapper.createObjectNode();
        spec.put("image", request.image());
        spec.put("name", request.name());
        if (!request.command().isEmpty()) {
            strings(spec.putArray("command"), request.command());
        }
        if (!request.env().isEmpty()) {
            map(spec.putObject("env"), request.env());
        }
        if (!request.labels().isEmpty()) {
            map(spec.putObject("labels"), request.labels());
        }
        spec.putObject("netns").put("nsmode", "none");
        if (request.hostname() != null) {
            spec.put("hostname", request.hostname());
        }
        if (!request.dnsServers().isEmpty()) {
            strings(spec.putArray("dns_server"), request.dnsServers());
        }
        if (!request.sysctls().isEmpty()) {
            map(spec.putObject("sysctl"), request.sysctls());
        }
        if (!request.capAdd().isEmpty()) {
            strings(spec.putArray("cap_add"), request.capAdd());
        }
        return spec.toString();
    }

    /** A container from {@code GET /libpod/containers/{name}/json}. */
    public ContainerInfo containerFromInspect(JsonNode inspect) {
        JsonNode state = inspect.path("State");
        String image = inspect.path("ImageName").asText("");
        if (image.isEmpty()) {
            image = inspect.path("Config").path("Image").asText("");
        }
        boolean running = state.path("Running").asBoolean(false);
        return new ContainerInfo(inspect.path("Id").asText(), stripSlash(inspect.path("Name").asText()), image,
                running, running ? state.path("Pid").asLong(0) : 0, labels(inspect.path("Config").path("Labels")));
    }

    /** {@code NetworkSettings.SandboxKey} of an inspect answer; empty on podman 4.3 for {@code nsmode: none}. */
    public Optional<String> sandboxKey(JsonNode inspect) {
        String key = inspect.path("NetworkSettings").path("SandboxKey").asText("");
        return key.isEmpty() ? Optional.empty() : Optional.of(key);
    }

    /** A container from one entry of {@code GET /libpod/containers/json}. */
    public ContainerInfo containerFromList(JsonNode entry) {
        JsonNode names = entry.path("Names");
        String name = names.isArray() && names.size() > 0 ? stripSlash(names.get(0).asText()) : "";
        boolean running = "running".equals(entry.path("State").asText());
        return new ContainerInfo(entry.path("Id").asText(), name, entry.path("Image").asText(""), running,
                running ? entry.path("Pid").asLong(0) : 0, labels(entry.path("Labels")));
    }

    /** A container event of {@code GET /libpod/events}; empty for other event types (image, pod, volume). */
    public Optional<ContainerEvent> event(JsonNode event) {
        if (!"container".equals(event.path("Type").asText())) {
            return Optional.empty();
        }
        String action = event.path("Action").asText(event.path("status").asText(""));
        JsonNode actor = event.path("Actor");
        String id = actor.path("ID").asText(event.path("id").asText(""));
        JsonNode attributes = actor.path("Attributes");
        Map<String, String> labels = new TreeMap<>();
        for (Map.Entry<String, JsonNode> field : attributes.properties()) {
            if (!EVENT_ATTRIBUTES.contains(field.getKey())) {
                labels.put(field.getKey(), field.getValue().asText());
            }
        }
        return Optional.of(new ContainerEvent(eventType(action), id, attributes.path("name").asText(""), labels));
    }

    static ContainerEvent.Type eventType(String action) {
        return switch (action) {
            case "create" -> ContainerEvent.Type.CREATE;
            case "start" -> ContainerEvent.Type.START;
            case "died" -> ContainerEvent.Type.DIED;
            case "stop" -> ContainerEvent.Type.STOP;
            case "remove" -> ContainerEvent.Type.REMOVE;
            default -> ContainerEvent.Type.OTHER;
        };
    }

    /**
     * The {@code filters} query value: a JSON object of lists, e.g. {@code {"label":["k=v"]}}, URL-encoded.
     */
    public String filters(Map<String, String> labels, Map<String, ? extends Collection<String>> more) {
        Map<String, Collection<String>> all = new LinkedHashMap<>();
        if (!labels.isEmpty()) {
            all.put("label", new TreeMap<>(labels).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        }
        all.putAll(more);
        ObjectNode node = mapper.createObjectNode();
        all.forEach((key, values) -> strings(node.putArray(key), values));
        return encode(node.toString());
    }

    /** Podman's own error text: the {@code message} of its error JSON, else the body itself. */
    public String errorMessage(String body) {
        try {
            JsonNode node = mapper.readTree(body);
            if (node != null && node.hasNonNull("message")) {
                return node.get("message").asText();
            }
        } catch (IOException | RuntimeException notJson) {
            // Fall back to the raw text below.
        }
        String trimmed = body.strip();
        return trimmed.length() > 500 ? trimmed.substring(0, 500) + "..." : trimmed;
    }

    /** The {@code cause} of podman's error JSON, or "". */
    public String errorCause(String body) {
        try {
            JsonNode node = mapper.readTree(body);
            return node == null ? "" : node.path("cause").asText("");
        } catch (IOException | RuntimeException notJson) {
            return "";
        }
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new TreeMap<>();
        if (node.isObject()) {
            node.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        }
        return labels;
    }

    private static String stripSlash(String name) {
        return name.startsWith("/") ? name.substring(1) : name;
    }

    private static void strings(ArrayNode array, Collection<String> values) {
        values.forEach(array::add);
    }

    private static void map(ObjectNode object, Map<String, String> values) {
        new TreeMap<>(values).forEach(object::put);
    }
}
