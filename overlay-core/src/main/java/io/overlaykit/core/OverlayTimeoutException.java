package io.overlaykit.core;

/** A call to the kernel, a daemon or a remote did not complete in time. */
public class OverlayTimeoutException extends OverlayException {
    private static final long serialVersionUID = 1L;

    /** A timeout; {@code message} names the call and what it waited for. */
    public OverlayTimeoutException(String message) {
        super(message);
    }

    /** A timeout whose underlying failure (or interruption) is {@code cause}. */
    public OverlayTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
