package io.overlaykit.core.internal.forward;

import io.overlaykit.core.NetNamespace;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;

/** Opening sockets inside a namespace, and closing them without fuss. */
final class Sockets {
    private static final System.Logger LOG = System.getLogger(Sockets.class.getName());

    private Sockets() {
    }

    /** Work that opens a socket and may throw {@link IOException}. */
    @FunctionalInterface
    interface SocketOpener<T> {
        T open() throws IOException;
    }

    /**
     * Opens a socket inside {@code ns} through the injected {@code Namespaces} (the socket stays in the
     * namespace it was created in, whatever thread uses it later); without one, opens it right here.
     */
    static <T> T openIn(ForwardSettings settings, NetNamespace ns, SocketOpener<T> opener)
            throws IOException {
        if (settings.namespaces() == null) {
            return opener.open();
        }
        try {
            return settings.namespaces().callIn(ns, () -> {
                try {
                    return opener.open();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    static void closeQuietly(Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "close failed: {0}", e.toString());
        }
    }
}
