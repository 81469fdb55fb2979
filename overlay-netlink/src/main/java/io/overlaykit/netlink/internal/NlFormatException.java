package io.overlaykit.netlink.internal;

import io.overlaykit.core.BackendException;

/**
 * A datagram or message from the kernel that does not parse: a length that points outside the datagram, a
 * body too short for its family header. Never retryable: the same bytes would parse the same way.
 */
public final class NlFormatException extends BackendException {
    private static final long serialVersionUID = 1L;

    public NlFormatException(String message) {
        super(message);
    }
}
