package io.overlaykit.core;

/** An object exists already and differs from what was asked for (name in use, another kind, other settings). */
public class ConflictException extends OverlayException {
    private static final long serialVersionUID = 1L;

    /** A conflict; {@code message} names the object and how it differs. */
    public ConflictException(String message) {
        super(message);
    }

    /** A conflict reported by {@code cause} (for example the kernel's {@code EEXIST}). */
    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
