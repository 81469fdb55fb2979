package io.overlaykit.netlink.internal.nft;

import io.overlaykit.core.BackendException;
import io.overlaykit.netlink.internal.Sys;

/**
 * A few file descriptors below 1024 kept free for libnftables. libnftables 1.0 waits for the kernel's answer
 * with {@code select(2)}, whose {@code FD_SET} aborts the whole process (glibc's fortify check, "bit out of
 * range 0 - FD_SETSIZE") when its netlink socket's number is 1024 or more: a JVM holding a thousand
 * namespace handles or connections died on its next nft call. The kernel hands out the lowest free number,
 * so this reserve, taken while the process still has few descriptors, is released just before libnftables
 * opens its socket and taken again after it closes it. Used under {@link Nft}'s lock only.
 */
final class LowDescriptors {
    /** {@code FD_SETSIZE}: select(2) cannot watch descriptors at or above it. */
    static final int FD_SETSIZE = 1024;
    /** Descriptors kept: libnftables opens one socket per context; the rest absorb other threads' opens. */
    static final int SIZE = 8;

    private static final int[] HELD = new int[SIZE];
    private static int held;

    private LowDescriptors() {
    }

    /** Fills the reserve with descriptors below {@link #FD_SETSIZE} ({@code /dev/null}, close-on-exec). */
    static synchronized void fill() {
        while (held < SIZE) {
            int fd = Sys.openReadOnly("/dev/null");
            if (fd >= FD_SETSIZE) {
                Sys.closeQuietly(fd); // no low number left: keep what we have
                return;
            }
            HELD[held++] = fd;
        }
    }

    /**
     * Frees the reserve for the socket libnftables is about to open.
     *
     * @throws BackendException when no descriptor below 1024 is free: libnftables would abort the process
     */
    static synchronized void release(String what) {
        if (held == 0) {
            int probe = Sys.openReadOnly("/dev/null");
            Sys.closeQuietly(probe);
            if (probe >= FD_SETSIZE) {
                throw new BackendException(what + ": every file descriptor below " + FD_SETSIZE + " is in use, and "
                        + "libnftables (select(2)) would abort the process on a higher one; close some handles");
            }
            return;
        }
        while (held > 0) {
            Sys.closeQuietly(HELD[--held]);
        }
    }

    /** Descriptors held now (for tests). */
    static synchronized int held() {
        return held;
    }
}
