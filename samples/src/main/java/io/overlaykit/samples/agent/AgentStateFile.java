package io.overlaykit.samples.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.overlaykit.core.Host;
import io.overlaykit.core.OverlayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where {@code overlay serve} keeps its {@link AgentReport} for {@code overlay status}:
 * {@code <state root>/<spec>/<host>.agent.json} (beside the engine's host directory, so that a teardown leaves it
 * alone), readable and writable by its owner only (mode 0600; the agent runs as root). Replaced atomically, so a
 * reader sees one whole report.
 */
public final class AgentStateFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;

    private AgentStateFile(Path file) {
        this.file = file;
    }

    /** The state file of the agent serving {@code spec} on {@code host}. */
    public static AgentStateFile of(Host host, String spec) {
        return new AgentStateFile(host.stateDir(spec).resolveSibling(host.name() + ".agent.json"));
    }

    /** The file's path. */
    public Path path() {
        return file;
    }

    /** Writes {@code report} (mode 0600), replacing the previous one. */
    public void write(AgentReport report) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.write(tmp, JSON.writeValueAsBytes(report.toMap()));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new OverlayException("cannot write agent state " + file + ": " + e.getMessage(), e);
        }
    }

    /** The last report, or empty when no agent ever wrote one here. */
    public Optional<AgentReport> read() {
        try {
            JsonNode n = JSON.readTree(Files.readAllBytes(file));
            List<AgentReport.Forward> forwards = new ArrayList<>();
            for (JsonNode f : n.path("forwards")) {
                forwards.add(new AgentReport.Forward(f.path("listen").asText(), f.path("target").asText(),
                        f.path("active").asInt(), f.path("accepted").asLong(), f.path("failed").asLong(),
                        f.path("bytesToTarget").asLong(), f.path("bytesToClient").asLong()));
            }
            JsonNode r = n.path("lastRewire");
            AgentReport.Rewire rewire = r.isObject() ? new AgentReport.Rewire(instant(r, "at"), r.path("changed").asLong(),
                    r.path("millis").asLong(), r.path("error").isTextual() ? r.path("error").asText() : null) : null;
            List<Map<String, Object>> encryption = new ArrayList<>();
            for (JsonNode p : n.path("encryption")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> peer = JSON.convertValue(p, Map.class);
                encryption.add(peer);
            }
            return Optional.of(new AgentReport(n.path("spec").asText(), n.path("host").asText(), n.path("pid").asLong(),
                    instant(n, "processStart"), instant(n, "startedAt"), instant(n, "updatedAt"), instant(n, "stoppedAt"),
                    forwards, n.path("rewires").asLong(), rewire, encryption));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            throw new OverlayException("cannot read agent state " + file + ": " + e.getMessage(), e);
        }
    }

    private static Instant instant(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() ? Instant.parse(v.asText()) : null;
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
