package io.overlaykit.core;

/**
 * Root of every exception OverlayKit throws. Unchecked: callers that can act on a failure catch the
 * subclass that says what happened ({@link NotFoundException}, {@link ConflictException},
 * {@link OverlayTimeoutException}, {@link BackendException}, {@link InvalidSpecException}).
 * Messages name the object, the namespace or remote, and the kernel's or server's own words.
 */
public class OverlayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure without an underlying cause. */
    public OverlayException(String message) {
        super(message);
    }

    /** A failure caused by {@code cause} (may be null). */
    public OverlayException(String message, Throwable cause) {
        super(message, cause);
    }
}
