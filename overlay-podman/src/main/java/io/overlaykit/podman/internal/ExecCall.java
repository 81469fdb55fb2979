package io.overlaykit.podman.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.overlaykit.core.BackendException;
import io.overlaykit.core.OverlayTimeoutException;
import io.overlaykit.core.spi.ContainerRuntime.ExecResult;
import io.overlaykit.podman.internal.http.HttpRequest;
import io.overlaykit.podman.internal.http.HttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * One exec with attached output: create the session, start it with a connection upgrade and read the
 * multiplexed stream until podman closes it, then inspect the session for the exit code.
 */
public final class ExecCall {
    private static final String P = LibpodCalls.PREFIX;
    private static final int MAX_OUTPUT = 16 * 1024 * 1024;

    private final LibpodCalls calls;
    private final String peer;

    public ExecCall(LibpodCalls calls, String peer) {
        this.calls = calls;
        this.peer = peer;
    }

    /**
     * @param encodedName the container's name or id, already URL-encoded for the path
     * @param timeout     for the whole call; a silent or still-talking process past it ends in a timeout
     */
    public ExecResult run(String encodedName, String displayName, List<String> command, Duration timeout) {
        String operation = "exec " + command + " in container '" + displayName + "'";
        long deadline = System.nanoTime() + timeout.toNanos();
        var create = calls.json().mapper().createObjectNode().put("AttachStdout", true).put("AttachStderr", true);
        command.forEach(create.putArray("Cmd")::add);
        String session = calls.sendJson(HttpRequest.postJson(P + "/containers/" + encodedName + "/exec", create.toString()),
                operation).path("Id").asText();
        // Asking for an upgrade makes podman answer 101 and then hand over the raw multiplexed stream.
        HttpRequest start = HttpRequest.postJson(P + "/exec/" + session + "/start", "{\"Detach\":false,\"Tty\":false}")
                .withHeader("Connection", "Upgrade").withHeader("Upgrade", "tcp").withReadTimeout(timeout);
        MultiplexedStream.Output output;
        try (HttpResponse response = calls.send(start, operation, 101)) {
            output = MultiplexedStream.demux(response.body(), MAX_OUTPUT, deadline, peer);
        } catch (IOException e) {
            throw calls.ioFailure(operation, e);
        }
        return new ExecResult(exitCode(session, operation, deadline), new String(output.stdout(), StandardCharsets.UTF_8),
                new String(output.stderr(), StandardCharsets.UTF_8));
    }

    private int exitCode(String session, String operation, long deadline) {
        while (true) {
            JsonNode inspect = calls.sendJson(HttpRequest.get(P + "/exec/" + session + "/json"), operation);
            if (!inspect.path("Running").asBoolean(false)) {
                return inspect.path("ExitCode").asInt(-1);
            }
            // The stream can end a moment before podman records the exit code.
            if (System.nanoTime() - deadline > 0) {
                throw new OverlayTimeoutException(operation + " on podman at " + peer + ": output ended but the process still runs");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendException(operation + " interrupted", e);
            }
        }
    }
}
