package io.overlaykit.podman.internal.http;

import java.io.IOException;

/** The peer broke HTTP/1.1: a malformed status line or header, a size limit, a stream cut short. */
public class HttpProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public HttpProtocolException(String message) {
        super(message);
    }

    public HttpProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
