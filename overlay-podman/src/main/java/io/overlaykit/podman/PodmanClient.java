package io.overlaykit.podman;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.overlaykit.core.BackendException;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.OverlayTimeoutException;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.ContainerRequest;
import io.overlaykit.core.spi.ContainerRuntime;
import io.overlaykit.core.spi.RequestHook;
import io.overlaykit.podman.internal.EventSubscription;
import io.overlaykit.podman.internal.ExecCall;
import io.overlaykit.podman.internal.LibpodCalls;
import io.overlaykit.podman.internal.LibpodJson;
import io.overlaykit.podman.internal.http.Http1Connection;
import io.overlaykit.podman.internal.http.HttpRequest;
import io.overlaykit.podman.internal.http.HttpResponse;
import io.overlaykit.podman.internal.http.UnixHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Podman through its libpod REST API on a Unix socket, with no {@code podman} process involved.
 *
 * <pre>{@code
 * try (PodmanClient podman = PodmanClient.connect(Path.of("/run/podman/podman.sock"))) {
 *     ContainerInfo c = podman.run(ContainerRequest.builder("demo-a", "localhost/overlaykit/busybox:latest")
 *             .command("sleep", "3600").build());
 *     NetNamespace ns = c.namespace();                  // /proc/PID/ns/net
 *     ExecResult r = podman.exec("demo-a", List.of("ip", "link"), Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * Every call has a timeout (connect, and each read of an answer); failures are {@link NotFoundException}
 * (404), {@link io.overlaykit.core.ConflictException} (409, name in use), {@link OverlayTimeoutException}
 * or {@link BackendException}, each with podman's own message and the socket path. Thread-safe.
 */
public final class PodmanClient implements ContainerRuntime {
    /** Where a rootful podman service listens by default. */
    public static final Path ROOTFUL_SOCKET = Path.of("/run/podman/podman.sock");
    /** How long {@link #connect(Path)} waits for the socket to accept the connection: 5 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How long {@link #connect(Path)} lets any one read of an answer wait: 60 s (stop and exec add their own timeout).
     */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
    private static final String P = LibpodCalls.PREFIX;
    private static final int MAX_INSPECT_BYTES = 16 * 1024 * 1024;
    private static final List<String> EVENT_ACTIONS = List.of("create", "start", "died", "stop", "remove");

    private final Path socket;
    private final LibpodCalls calls;
    private final LibpodJson json;
    private final String version;
    private final Set<EventSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private PodmanClient(Path socket, LibpodCalls calls, String version) {
        this.socket = socket;
        this.calls = calls;
        this.json = calls.json();
        this.version = version;
    }

    /** Connects to the default socket: rootful when running as root, else {@code $XDG_RUNTIME_DIR/podman/podman.sock}. */
    public static PodmanClient connect() {
        return connect(defaultSocket());
    }

    /** Connects to the service at {@code socket} with the default timeouts. */
    public static PodmanClient connect(Path socket) {
        return connect(socket, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT);
    }

    /**
     * Connects to the service at {@code socket}, checks that it is podman ({@code _ping}) and that its API is
     * at least 4.0.
     *
     * @param readTimeout how long any one read of an answer may wait (stop and exec add their own timeout)
     * @throws NotFoundException when there is no socket at {@code socket}
     * @throws BackendException  when nothing listens there or it is not a podman service
     */
    public static PodmanClient connect(Path socket, Duration connectTimeout, Duration readTimeout) {
        if (!Files.exists(socket)) {
            throw new NotFoundException("podman socket " + socket + " does not exist (is `podman system service` running?)");
        }
        String notSocket = notASocket(socket);
        if (notSocket != null) {
            throw new BackendException("podman socket " + socket + " is not a Unix socket (" + notSocket
                    + "); give the path of the service's socket");
        }
        UnixHttpClient http = UnixHttpClient.forSocket(socket, connectTimeout, readTimeout);
        LibpodCalls calls = new LibpodCalls(http, new LibpodJson(new ObjectMapper()));
        try {
            return new PodmanClient(socket, calls, ping(socket, http));
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
    }

    /** Null for a Unix socket, else what the path is instead ("a regular file", "a directory"). */
    private static String notASocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            int type = mode & 0170000;
            return type == 0140000 ? null : type == 0100000 ? "a regular file" : type == 0040000 ? "a directory"
                    : "file type " + Integer.toOctalString(type);
        } catch (IOException | UnsupportedOperationException e) {
            return null; // cannot tell: let the connect say what is wrong
        }
    }

    private static String ping(Path socket, UnixHttpClient http) {
        String body;
        Optional<String> apiVersion;
        try (HttpResponse response = http.send(HttpRequest.get(P + "/_ping"))) {
            apiVersion = response.header("Libpod-Api-Version");
            body = response.bodyText(1024);
            if (response.status() != 200 || apiVersion.isEmpty()) {
                throw new BackendException(socket + " is not a podman socket: _ping answered HTTP " + response.status()
                        + " without a Libpod-Api-Version header");
            }
        } catch (IOException e) {
            throw new BackendException("cannot talk to podman at " + socket + " (not a podman socket?): " + e, e);
        }
        String v = apiVersion.get();
        int major;
        try {
            major = Integer.parseInt(v.split("\\.")[0]);
        } catch (NumberFormatException e) {
            throw new BackendException("podman at " + socket + " reports an unreadable API version '" + v + "'", e);
        }
        if (major < 4) {
            throw new BackendException("podman at " + socket + " has API version " + v + "; OverlayKit needs 4.0 or later");
        }
        return v;
    }

    /** The socket of the default service for this user. */
    public static Path defaultSocket() {
        long uid;
        try {
            uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            uid = 0;
        }
        if (uid == 0) {
            return ROOTFUL_SOCKET;
        }
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        Path base = runtimeDir == null || runtimeDir.isEmpty() ? Path.of("/run/user", Long.toString(uid)) : Path.of(runtimeDir);
        return base.resolve("podman").resolve("podman.sock");
    }

    /** The socket this client talks to. */
    public Path socket() {
        return socket;
    }

    /** Podman's libpod API version, e.g. {@code 4.3.1}. */
    public String version() {
        return version;
    }

    // ---- images ----

    @Override
    public boolean imageExists(String image) {
        return calls.sendDiscard(HttpRequest.get(P + "/images/" + imagePath(image) + "/exists"),
                "image exists '" + image + "'", 404) == 204;
    }

    /**
     * Imports a root file system tar (as {@code podman import} does) under {@code reference}, streaming it.
     *
     * @return the image id
     */
    public String importImage(InputStream tar, String reference) {
        return importImage(tar, reference, List.of());
    }

    /**
     * Imports a root file system tar under {@code reference}, applying Dockerfile-style {@code changes} to
     * the image's configuration (as {@code podman import --change}), e.g. {@code CMD ["/bin/sh"]}.
     *
     * @return the image id
     */
    public String importImage(InputStream tar, String reference, List<String> changes) {
        StringBuilder query = new StringBuilder("?reference=").append(LibpodJson.encode(reference));
        for (String change : changes) {
            query.append("&changes=").append(LibpodJson.encode(change));
        }
        HttpRequest request = HttpRequest.postStream(P + "/images/import" + query, "application/x-tar", tar);
        return calls.sendJson(request, "import image '" + reference + "'").path("Id").asText();
    }

    /**
     * Pulls an image, handing each progress line to {@code progress} as it arrives.
     *
     * @return the image id
     * @throws BackendException with podman's error when the pull fails
     */
    public String pull(String reference, Consumer<String> progress) {
        String operation = "pull image '" + reference + "'";
        HttpRequest request = HttpRequest.post(P + "/images/pull?reference=" + LibpodJson.encode(reference));
        try (HttpResponse response = calls.send(request, operation)) {
            String id = null;
            ObjectMapper mapper = json.mapper();
            var values = mapper.readerFor(JsonNode.class)
                    .without(com.fasterxml.jackson.core.JsonParser.Feature.AUTO_CLOSE_SOURCE)
                    .<JsonNode>readValues(response.body());
            while (values.hasNextValue()) {
                JsonNode line = values.nextValue();
                if (line.hasNonNull("error")) {
                    throw new BackendException(operation + " failed on podman at " + socket + ": " + line.get("error").asText());
                }
                if (line.hasNonNull("stream")) {
                    progress.accept(line.get("stream").asText().stripTrailing());
                }
                if (line.hasNonNull("id")) {
                    id = line.get("id").asText();
                }
            }
            if (id == null) {
                throw new BackendException(operation + " on podman at " + socket + " ended without an image id");
            }
            return id;
        } catch (IOException e) {
            throw calls.ioFailure(operation, e);
        }
    }

    /** Removes an image; false when it did not exist. */
    public boolean removeImage(String reference, boolean force) {
        return calls.sendDiscard(HttpRequest.delete(P + "/images/" + imagePath(reference) + "?force=" + force),
                "remove image '" + reference + "'", 404) != 404;
    }

    // ---- containers ----

    /** Creates (does not start) a container with no network; returns its id. */
    public String create(ContainerRequest request) {
        return calls.sendJson(HttpRequest.postJson(P + "/containers/create", json.specGenerator(request)),
                "create container '" + request.name() + "'").path("Id").asText();
    }

    @Override
    public ContainerInfo run(ContainerRequest request) {
        String id = create(request);
        try {
            return start(id);
        } catch (OverlayException e) {
            // A partial run undoes itself: no created-but-dead container is left behind.
            try {
                remove(id);
            } catch (OverlayException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    @Override
    public ContainerInfo start(String nameOrId) {
        String operation = "start container '" + nameOrId + "'";
        calls.sendDiscard(HttpRequest.post(P + "/containers/" + name(nameOrId) + "/start"), operation, 304);
        return inspect(nameOrId).orElseThrow(() -> new NotFoundException(operation + ": container vanished after start"));
    }

    @Override
    public Optional<ContainerInfo> inspect(String nameOrId) {
        return inspectJson(nameOrId).map(json::containerFromInspect);
    }

    /** {@code NetworkSettings.SandboxKey}; often empty for containers without a network (podman 4.3). */
    public Optional<String> sandboxKey(String nameOrId) {
        return inspectJson(nameOrId).flatMap(json::sandboxKey);
    }

    private Optional<JsonNode> inspectJson(String nameOrId) {
        String operation = "inspect container '" + nameOrId + "'";
        try (HttpResponse response = calls.send(HttpRequest.get(P + "/containers/" + name(nameOrId) + "/json"), operation, 404)) {
            byte[] body = response.bodyBytes(MAX_INSPECT_BYTES);
            return response.status() == 404 ? Optional.empty() : Optional.of(json.mapper().readTree(body));
        } catch (IOException e) {
            throw calls.ioFailure(operation, e);
        }
    }

    @Override
    public void stop(String nameOrId, Duration timeout) {
        long seconds = Math.max(0, (timeout.toMillis() + 999) / 1000);
        HttpRequest request = HttpRequest.post(P + "/containers/" + name(nameOrId) + "/stop?timeout=" + seconds)
                .withReadTimeout(calls.http().readTimeout().plusSeconds(seconds));
        calls.sendDiscard(request, "stop container '" + nameOrId + "'", 304);
    }

    /**
     * Waits until the container has stopped.
     *
     * @return its exit code
     * @throws OverlayTimeoutException when it is still running after {@code timeout}
     */
    public int waitFor(String nameOrId, Duration timeout) {
        HttpRequest request = HttpRequest.post(P + "/containers/" + name(nameOrId) + "/wait?condition=stopped")
                .withReadTimeout(timeout);
        String operation = "wait for container '" + nameOrId + "'";
        JsonNode answer = calls.sendJson(request, operation);
        if (!answer.canConvertToInt()) {
            throw new BackendException(operation + " on podman at " + socket + ": unexpected answer " + answer);
        }
        return answer.asInt();
    }

    @Override
    public boolean remove(String nameOrId) {
        // timeout=0: a forced remove kills at once instead of waiting out the stop timeout.
        return calls.sendDiscard(HttpRequest.delete(P + "/containers/" + name(nameOrId) + "?force=true&timeout=0"),
                "remove container '" + nameOrId + "'", 404) != 404;
    }

    /** Whether a container with that name or id exists. */
    public boolean exists(String nameOrId) {
        return calls.sendDiscard(HttpRequest.get(P + "/containers/" + name(nameOrId) + "/exists"),
                "container exists '" + nameOrId + "'", 404) == 204;
    }

    @Override
    public List<ContainerInfo> list(Map<String, String> labels) {
        String filters = labels.isEmpty() ? "" : "&filters=" + json.filters(labels, Map.of());
        JsonNode answer = calls.sendJson(HttpRequest.get(P + "/containers/json?all=true" + filters),
                "list containers " + labels);
        List<ContainerInfo> containers = new ArrayList<>();
        answer.forEach(entry -> containers.add(json.containerFromList(entry)));
        return List.copyOf(containers);
    }

    @Override
    public ExecResult exec(String nameOrId, List<String> command, Duration timeout) {
        return new ExecCall(calls, socket.toString()).run(name(nameOrId), nameOrId, command, timeout);
    }

    @Override
    public ContainerEvents events(Map<String, String> labels, Consumer<ContainerEvent> listener) {
        return events(labels, null, listener);
    }

    /**
     * Delivers create, start, died, stop and remove events of containers carrying {@code labels}, on a
     * background thread, until the returned handle is closed. The request is on its way when this returns;
     * {@code since} (nullable) replays the events podman logged from then on.
     */
    public ContainerEvents events(Map<String, String> labels, Instant since, Consumer<ContainerEvent> listener) {
        return events(labels, since, listener, failure -> { });
    }

    /**
     * {@link #events(Map, Instant, Consumer)} that runs {@code onEnded} with the cause when podman ends the
     * stream (service restarted or stopped, protocol error); not after the handle was closed.
     */
    @Override
    public ContainerEvents events(Map<String, String> labels, Instant since, Consumer<ContainerEvent> listener,
                                  Consumer<Throwable> onEnded) {
        String target = P + "/events?stream=true&filters=" + json.filters(labels,
                Map.of("type", List.of("container"), "event", EVENT_ACTIONS))
                + (since == null ? "" : "&since=" + since.getEpochSecond());
        HttpRequest request = HttpRequest.get(target).withReadTimeout(Duration.ZERO);
        String operation = "subscribe to events " + labels;
        Http1Connection connection = null;
        try {
            calls.http().beforeRequest(request);
            connection = calls.http().openConnection();
            // Podman ORs several label filters of an event stream (a list ANDs them): check all of them here.
            Consumer<ContainerEvent> matching = event -> {
                if (event.labels().entrySet().containsAll(labels.entrySet())) {
                    listener.accept(event);
                }
            };
            EventSubscription subscription = EventSubscription.start(connection, request,
                    calls.http().readTimeout().toMillis(), json, matching, socket.toString(), ended -> {
                        subscriptions.remove(ended);
                        if (!ended.isClosed()) {
                            onEnded.accept(ended.failure() != null ? ended.failure()
                                    : new BackendException("podman at " + socket + " ended the event stream"));
                        }
                    });
            subscriptions.add(subscription);
            if (!subscription.isActive()) {
                subscriptions.remove(subscription); // it ended before it was added: its callback found nothing
            }
            return new ContainerEvents(subscription, () -> subscriptions.remove(subscription));
        } catch (IOException e) {
            if (connection != null) {
                connection.close();
            }
            throw calls.ioFailure(operation, e);
        }
    }

    /** Event subscriptions whose stream is still open (ended ones remove themselves). */
    int openSubscriptions() {
        return subscriptions.size();
    }

    /** Counts (or fails) every HTTP request to the service: one call each, READ for GET, WRITE otherwise. */
    @Override
    public void requestHook(RequestHook hook) {
        calls.http().requestHook(hook);
    }

    /** Closes pooled connections and stops every event subscription; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        subscriptions.forEach(EventSubscription::close);
        subscriptions.clear();
        calls.http().close();
    }

    @Override
    public String toString() {
        return "PodmanClient[" + socket + ", API " + version + "]";
    }

    private static String name(String nameOrId) {
        if (nameOrId == null || nameOrId.isEmpty()) {
            throw new InvalidSpecException("container", nameOrId, "must not be empty");
        }
        return LibpodJson.encode(nameOrId);
    }

    /** Image references keep their '/' and ':' in the path: libpod routes them as {@code {name:.*}}. */
    private static String imagePath(String reference) {
        return LibpodJson.encode(reference).replace("%2F", "/").replace("%3A", ":");
    }
}
