package io.overlaykit.core;

/** An object exists already and differs from what was asked for (name in use, another kind, other settings). */
public class ConflictException extends OverlayException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
        super(message);
    }

    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
