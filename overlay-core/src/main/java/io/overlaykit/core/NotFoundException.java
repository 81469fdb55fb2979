package io.overlaykit.core;

/** The named object (link, namespace, container, OVS row, image) does not exist. */
public class NotFoundException extends OverlayException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
