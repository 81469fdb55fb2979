package io.overlaykit.core;

/** The named object (link, namespace, container, OVS row, image) does not exist. */
public class NotFoundException extends OverlayException {
    private static final long serialVersionUID = 1L;

    /** A missing object; {@code message} names it and where it was looked for. */
    public NotFoundException(String message) {
        super(message);
    }

    /** A missing object reported by {@code cause} (for example the kernel's {@code ENODEV}). */
    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
