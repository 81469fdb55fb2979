package io.overlaykit.core.internal.engine;

import io.overlaykit.core.OverlayException;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive hold on one spec's state on one host for a whole apply or teardown, so that an
 * {@code overlay apply} next to a running {@code overlay serve} cannot interleave its read-modify-write of
 * the state file with ours. Two locks: a {@link ReentrantLock} per state directory for the threads of this
 * JVM (file locks belong to the process), and an exclusive {@link FileChannel#lock()} on
 * {@code <stateDir>/lock} for other processes. Reentrant for the thread that holds it.
 *
 * <p>Teardown deletes the state directory, lock file included, while it holds the lock. A waiter that then
 * gets the lock holds it on a deleted file, so after locking it checks (by stat: device and inode) that
 * the path still names the file it opened; if not, it starts over on the file that is there now. Nothing
 * in this process may open and close the lock file besides: closing any descriptor of a file drops the
 * process's POSIX locks on it.
 */
public final class HostLock implements AutoCloseable {
    static final String FILE = "lock";
    private static final Logger LOG = System.getLogger(HostLock.class.getName());
    private static final Map<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

    private final Path dir;
    private final ReentrantLock jvmLock;
    private final FileChannel channel; // null when this thread already held the lock
    private boolean released;

    private HostLock(Path dir, ReentrantLock jvmLock, FileChannel channel) {
        this.dir = dir;
        this.jvmLock = jvmLock;
        this.channel = channel;
    }

    /** Blocks until this thread holds the state of {@code stateDir}. */
    public static HostLock acquire(Path stateDir, String what) {
        Path dir = stateDir.toAbsolutePath().normalize();
        ReentrantLock jvm = IN_JVM.computeIfAbsent(dir, d -> new ReentrantLock());
        boolean nested = jvm.isHeldByCurrentThread();
        if (!jvm.tryLock()) {
            LOG.log(Level.INFO, () -> what + ": waiting for another apply or teardown in this process");
            jvm.lock();
        }
        if (nested) {
            return new HostLock(dir, jvm, null);
        }
        try {
            return new HostLock(dir, jvm, lockFile(dir, what));
        } catch (RuntimeException | Error e) {
            jvm.unlock();
            throw e;
        }
    }

    private static FileChannel lockFile(Path dir, String what) {
        Path file = dir.resolve(FILE);
        for (int attempt = 0; ; attempt++) {
            FileChannel channel = null;
            try {
                HostStateFile.createPrivateDirectories(dir);
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                Object opened = fileKey(file);
                if (channel.tryLock() == null) {
                    LOG.log(Level.INFO, () -> what + ": waiting for the lock " + file + " held by another process");
                    channel.lock();
                }
                if (opened != null && opened.equals(fileKey(file))) {
                    return channel;
                }
                closeQuietly(channel); // the file we waited on was deleted by a teardown: lock the one there now
            } catch (NoSuchFileException e) {
                closeQuietly(channel); // a releasing holder removed the empty directory: create it again
            } catch (IOException e) {
                closeQuietly(channel);
                throw new OverlayException(what + ": cannot lock " + file + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                closeQuietly(channel);
                throw e;
            }
            if (attempt >= 100) {
                throw new OverlayException(what + ": cannot lock " + file + ": it keeps being removed");
            }
        }
    }

    /**
     * The device and inode at {@code file}, or null when it is gone. By stat: opening and closing the lock
     * file here would drop this process's POSIX lock on it.
     */
    private static Object fileKey(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the lock goes with the channel either way
            }
        }
    }

    /**
     * Releases both locks (the file lock goes with its channel); idempotent. When no state is left beside
     * the lock file (a failed first apply, a teardown), removes the file and the directory first, still
     * holding the lock, so that nothing of ours stays behind.
     */
    @Override
    public void close() {
        if (released) {
            return;
        }
        released = true;
        try {
            if (channel != null) {
                removeWhenAlone();
            }
        } finally {
            try {
                closeQuietly(channel);
            } finally {
                jvmLock.unlock();
            }
        }
    }

    private void removeWhenAlone() {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (!p.getFileName().toString().equals(FILE)) {
                    return;
                }
            }
        } catch (IOException e) {
            return; // teardown removed the directory already
        }
        try {
            Files.deleteIfExists(dir.resolve(FILE));
            Files.deleteIfExists(dir);
            // The spec's directory too, once its last host is gone, so a clean host keeps no trace of us.
            Files.deleteIfExists(dir.getParent());
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // another host of the spec still has state here
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "leaving " + dir + ": " + e.getMessage());
        }
    }
}
