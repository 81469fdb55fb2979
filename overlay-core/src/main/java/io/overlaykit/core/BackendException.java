package io.overlaykit.core;

/**
 * A backend (kernel, ovsdb-server, podman, nftables) refused or failed a request. The message carries
 * the operation, the object, where it happened and the backend's own error text.
 */
public class BackendException extends OverlayException {
    private static final long serialVersionUID = 1L;
    /** Whether sending the same request again may succeed; see {@link #isRetryable()}. */
    private final boolean retryable;

    /** A failure that is not worth retrying as is. */
    public BackendException(String message) {
        this(message, null, false);
    }

    /** A failure that is not worth retrying as is, caused by {@code cause} (may be null). */
    public BackendException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /**
     * A failure caused by {@code cause} (may be null); {@code retryable} when the same request may succeed if sent
     * again (a refused connection, a dump the kernel interrupted).
     */
    public BackendException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** True when the same request may succeed if simply sent again (an interrupted dump, a timed-out wait). */
    public boolean isRetryable() {
        return retryable;
    }
}
