package io.overlaykit.podman.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.overlaykit.core.BackendException;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.OverlayTimeoutException;
import io.overlaykit.podman.internal.http.HttpRequest;
import io.overlaykit.podman.internal.http.HttpResponse;
import io.overlaykit.podman.internal.http.UnixHttpClient;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Set;

/**
 * Sends libpod requests and turns every failure into OverlayKit's exceptions: 404 -> not found,
 * 409 (and podman 4's "name is already in use" 500) -> conflict, other statuses -> backend error with
 * podman's own message, I/O failures -> backend error or timeout naming the socket.
 */
public final class LibpodCalls {
    /** The API version prefix: {@code /v4.0.0/libpod} is served by podman 4 and 5. */
    public static final String PREFIX = "/v4.0.0/libpod";
    private static final int MAX_JSON_BYTES = 32 * 1024 * 1024;
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    private static final Set<String> NOT_FOUND_CAUSES =
            Set.of("image not known", "no such container", "no such image", "no such exec session");

    private final UnixHttpClient http;
    private final LibpodJson json;

    public LibpodCalls(UnixHttpClient http, LibpodJson json) {
        this.http = http;
        this.json = json;
    }

    public UnixHttpClient http() {
        return http;
    }

    public LibpodJson json() {
        return json;
    }

    /** Sends and returns the open response when its status is 2xx (or in {@code alsoOk}); else throws. */
    public HttpResponse send(HttpRequest request, String operation, int... alsoOk) {
        HttpResponse response;
        try {
            response = http.send(request);
        } catch (IOException e) {
            throw ioFailure(operation, e);
        }
        int status = response.status();
        if (status >= 200 && status < 300 || contains(alsoOk, status)) {
            return response;
        }
        String body;
        try {
            body = response.bodyText(MAX_ERROR_BYTES);
        } catch (IOException e) {
            throw ioFailure(operation, e);
        }
        throw statusFailure(operation, status, body);
    }

    /** Sends and parses the JSON answer. */
    public JsonNode sendJson(HttpRequest request, String operation) {
        try (HttpResponse response = send(request, operation)) {
            byte[] bytes = response.bodyBytes(MAX_JSON_BYTES);
            return bytes.length == 0 ? json.mapper().missingNode() : json.mapper().readTree(bytes);
        } catch (IOException e) {
            throw ioFailure(operation, e);
        }
    }

    /** Sends and discards the answer; returns the status. */
    public int sendDiscard(HttpRequest request, String operation, int... alsoOk) {
        try (HttpResponse response = send(request, operation, alsoOk)) {
            response.bodyBytes(MAX_JSON_BYTES);
            return response.status();
        } catch (IOException e) {
            throw ioFailure(operation, e);
        }
    }

    /** An exception for a non-success status, carrying podman's message. */
    public OverlayException statusFailure(String operation, int status, String body) {
        String message = json.errorMessage(body);
        String text = operation + " failed on podman at " + http.peer() + ": " + message + " (HTTP " + status + ")";
        String cause = json.errorCause(body);
        // Podman 4 answers some of these with 500; its "cause" field says what it really was.
        if (status == 404 || (status == 500 && NOT_FOUND_CAUSES.contains(cause))) {
            return new NotFoundException(text);
        }
        if (status == 409 || (status == 500 && cause.contains("already in use"))) {
            return new ConflictException(text);
        }
        return new BackendException(text, null, status == 503);
    }

    /** An exception for a transport failure: a timeout, a refused connection, a broken stream. */
    public OverlayException ioFailure(String operation, IOException e) {
        if (e instanceof SocketTimeoutException) {
            return new OverlayTimeoutException(operation + " timed out on podman at " + http.peer() + ": " + e.getMessage(), e);
        }
        return new BackendException(operation + " failed on podman at " + http.peer() + ": " + e, e, true);
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }
}
