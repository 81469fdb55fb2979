package io.overlaykit.ovs;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.OverlayException;
import io.overlaykit.ovs.internal.RpcConnection;
import java.util.Collection;
import java.util.List;

/** Turns the failure of a JSON-RPC call into the project's exceptions, naming remote and method. */
final class CallFailures {
    private CallFailures() {
    }

    static OverlayException translate(Throwable cause, String remote, String method) {
        return translate(cause, remote, method, List.of());
    }

    /**
     * As above, with {@code secrets} masked in the message and in the chained JSON-RPC error: a server's
     * "syntax error" details quote the request, which may carry a psk.
     */
    static OverlayException translate(Throwable cause, String remote, String method, Collection<String> secrets) {
        if (cause instanceof RpcConnection.RpcError raw) {
            RpcConnection.RpcError err = raw.scrubbed(secrets);
            if (err.errorName().equals("unknown database")) {
                return new NotFoundException("ovsdb " + remote + ": " + method + ": " + err.getMessage(), err);
            }
            // "canceled": the server dropped the request (after our cancel); sending it again may work.
            boolean retry = err.errorName().equals("canceled");
            return new BackendException("ovsdb " + remote + ": " + method + " failed: " + err.getMessage(), err, retry);
        }
        if (cause instanceof OverlayException oe) {
            return oe;
        }
        return new ConnectionLost("ovsdb " + remote + ": " + method + " failed, connection lost: "
                + cause.getMessage(), cause);
    }

    /**
     * The connection ended before the reply: the request may or may not have taken effect. Retryable; a caller
     * that decides from the cache decides again once it is re-synced.
     */
    static final class ConnectionLost extends BackendException {
        private static final long serialVersionUID = 1L;

        ConnectionLost(String message, Throwable cause) {
            super(message, cause, true);
        }
    }
}
