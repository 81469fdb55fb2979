package io.overlaykit.podman.internal.http;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One request: method, origin-form target ({@code /v4.0.0/libpod/_ping}), extra headers and an optional
 * body, either bytes (sent with Content-Length, replayable) or a stream (sent chunked, not replayable).
 *
 * @param readTimeout how long each read of the response may wait; {@link Duration#ZERO} waits forever
 *                    (event streams), null takes the client's default
 */
public record HttpRequest(String method, String target, Map<String, String> headers, byte[] body,
                          InputStream bodyStream, Duration readTimeout) {

    public HttpRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        if (!target.startsWith("/") || target.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw new IllegalArgumentException("request target must be origin-form and escaped: " + target);
        }
        headers = Map.copyOf(headers);
        if (body != null && bodyStream != null) {
            throw new IllegalArgumentException("a request has one body, bytes or a stream");
        }
    }

    public static HttpRequest get(String target) {
        return new HttpRequest("GET", target, Map.of(), null, null, null);
    }

    public static HttpRequest delete(String target) {
        return new HttpRequest("DELETE", target, Map.of(), null, null, null);
    }

    public static HttpRequest post(String target) {
        return new HttpRequest("POST", target, Map.of(), null, null, null);
    }

    /** A POST with a JSON body. */
    public static HttpRequest postJson(String target, String json) {
        return new HttpRequest("POST", target, Map.of("Content-Type", "application/json"),
                json.getBytes(StandardCharsets.UTF_8), null, null);
    }

    /** A POST whose body is streamed with chunked transfer coding. */
    public static HttpRequest postStream(String target, String contentType, InputStream body) {
        return new HttpRequest("POST", target, Map.of("Content-Type", contentType), null, body, null);
    }

    public HttpRequest withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new HttpRequest(method, target, more, body, bodyStream, readTimeout);
    }

    public HttpRequest withReadTimeout(Duration timeout) {
        return new HttpRequest(method, target, headers, body, bodyStream, timeout);
    }

    /** Whether the request can be sent again on a fresh connection. */
    boolean replayable() {
        return bodyStream == null;
    }

    @Override
    public String toString() {
        return method + " " + target;
    }
}
