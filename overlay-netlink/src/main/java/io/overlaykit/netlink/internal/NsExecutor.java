package io.overlaykit.netlink.internal;

import io.overlaykit.core.OverlayTimeoutException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most one platform thread that has entered one network namespace (setns), kept for a while between
 * calls. Before each task the thread checks it is still in the expected namespace (by nsfs inode) and
 * re-enters if not; after each task it checks again and retires itself when the task left it somewhere
 * else, so work never runs in the wrong namespace. A task that does not finish within the call timeout
 * fails the caller with {@link OverlayTimeoutException} and retires the executor (its thread is left to
 * finish or die on its own; the next call gets a fresh executor).
 */
public final class NsExecutor implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NsExecutor.class.getName());
    private static final Path SELF_NS = Path.of("/proc/thread-self/ns/net");
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** The namespace path each executor thread entered, so nested calls run inline. */
    private static final ThreadLocal<NsExecutor> OWNER = new ThreadLocal<>();

    private final Path nsPath;
    private final String label;
    private final long inode;
    private final ThreadPoolExecutor pool;
    private final long timeoutNanos;
    private volatile boolean retired;

    /** An executor for the namespace file {@code nsPath}; each call waits at most {@code callTimeout}. */
    public NsExecutor(Path nsPath, String label, Duration callTimeout) {
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("call timeout must be positive: " + callTimeout);
        }
        this.nsPath = nsPath;
        this.label = label;
        this.timeoutNanos = callTimeout.toNanos();
        this.inode = inodeOf(nsPath);
        this.pool = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            // a platform thread: setns affects the OS thread, which a virtual thread does not own
            Thread t = new Thread(r, "overlaykit-netns-" + label + "-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The nsfs inode number of a namespace file (following /proc symlinks). */
    public static long inodeOf(Path nsPath) {
        try {
            return ((Number) Files.getAttribute(nsPath, "unix:ino")).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The inode of the calling thread's network namespace. */
    public static long currentInode() {
        return inodeOf(SELF_NS);
    }

    public long inode() {
        return inode;
    }

    /** False once a thread was found outside its namespace or the executor was closed. */
    public boolean usable() {
        return !retired && !pool.isShutdown();
    }

    /** Runs {@code work} inside the namespace and waits for it; exceptions come back unwrapped. */
    public <T> T call(Callable<T> work) throws Exception {
        if (OWNER.get() == this) {
            return work.call(); // nested call from our own thread: already inside
        }
        Future<T> f = pool.submit(() -> {
            enter();
            try {
                return work.call();
            } finally {
                verifyStillInside();
            }
        });
        try {
            return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // the thread may be stuck inside the namespace: never hand it another task
            retire();
            f.cancel(true);
            throw new OverlayTimeoutException("work in namespace " + label + " did not finish within "
                    + Duration.ofNanos(timeoutNanos) + "; its thread is abandoned", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Exception ex) {
                throw ex;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw e;
        }
    }

    private void enter() {
        if (currentInode() == inode) {
            OWNER.set(this); // already inside (our thread, or a fresh one in this very namespace)
            return;
        }
        int fd = Sys.openReadOnly(nsPath.toString());
        try {
            Sys.setns(fd, nsPath.toString());
        } finally {
            Sys.closeQuietly(fd);
        }
        if (currentInode() != inode) {
            retire();
            throw new IllegalStateException("after setns the thread is not in namespace " + label
                    + " (the namespace file was replaced)");
        }
        OWNER.set(this);
    }

    private void verifyStillInside() {
        long now;
        try {
            now = currentInode();
        } catch (UncheckedIOException e) {
            now = -1;
        }
        if (now != inode) {
            LOG.log(Level.WARNING, "thread {0} left namespace {1} during a task; retiring it",
                    Thread.currentThread().getName(), label);
            OWNER.remove();
            retire();
        }
    }

    private void retire() {
        retired = true;
        pool.shutdown();
    }

    @Override
    public void close() {
        retired = true;
        pool.shutdown();
    }
}
