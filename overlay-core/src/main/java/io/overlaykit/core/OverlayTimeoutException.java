package io.overlaykit.core;

/** A call to the kernel, a daemon or a remote did not complete in time. */
public class OverlayTimeoutException extends OverlayException {
    private static final long serialVersionUID = 1L;

    public OverlayTimeoutException(String message) {
        super(message);
    }

    public OverlayTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
