package io.overlaykit.podman.internal.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Status line and headers of a response. Header names are kept lower-case.
 *
 * @param minorVersion the 1 of HTTP/1.1 (0 for HTTP/1.0)
 */
public record ResponseHead(int minorVersion, int status, String reason, Map<String, List<String>> headers) {

    public ResponseHead {
        headers = Map.copyOf(headers);
    }

    /** The first value of a header, matched without regard to case. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Whether a comma-separated header such as {@code Connection} lists {@code token}. */
    public boolean headerHasToken(String name, String token) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        if (values == null) {
            return false;
        }
        for (String value : values) {
            for (String part : value.split(",")) {
                if (part.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }
}
