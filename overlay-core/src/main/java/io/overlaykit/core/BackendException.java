package io.overlaykit.core;

/**
 * A backend (kernel, ovsdb-server, podman, nftables) refused or failed a request. The message carries
 * the operation, the object, where it happened and the backend's own error text.
 */
public class BackendException extends OverlayException {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;

    public BackendException(String message) {
        this(message, null, false);
    }

    public BackendException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public BackendException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** True when the same request may succeed if simply sent again (an interrupted dump, a timed-out wait). */
    public boolean isRetryable() {
        return retryable;
    }
}
