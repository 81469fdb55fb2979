package io.overlaykit.core.internal.forward;

import io.overlaykit.core.NetNamespace;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opening sockets inside a namespace, and closing them without fuss. */
final class Sockets {
    private static final System.Logger LOG = System.getLogger(Sockets.class.getName());
    private static final Path PROCESS_NS = Path.of("/proc/self/ns/net");
    private static final Path THREAD_NS = Path.of("/proc/thread-self/ns/net");

    private Sockets() {
    }

    /** Work that opens a socket and may throw {@link IOException}. */
    @FunctionalInterface
    interface SocketOpener<T> {
        T open() throws IOException;
    }

    /**
     * Opens a socket inside {@code ns} through the injected {@code Namespaces} (the socket stays in the
     * namespace it was created in, whatever thread uses it later); without one, or when {@code ns} is the
     * current namespace and this thread is in it, opens it right here: a namespace hop per accepted
     * connection would stall the selector thread for nothing.
     */
    static <T> T openIn(ForwardSettings settings, NetNamespace ns, SocketOpener<T> opener)
            throws IOException {
        if (settings.namespaces() == null || (ns.isCurrent() && threadInProcessNamespace())) {
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

    /**
     * True when the calling thread is in the process's own network namespace; a thread started by one
     * that had entered another namespace would not be, and then the hop through Namespaces is needed.
     */
    static boolean threadInProcessNamespace() {
        try {
            return Files.getAttribute(THREAD_NS, "unix:ino").equals(Files.getAttribute(PROCESS_NS, "unix:ino"));
        } catch (IOException | UnsupportedOperationException e) {
            return false; // cannot tell (no procfs): take the safe way through Namespaces
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
