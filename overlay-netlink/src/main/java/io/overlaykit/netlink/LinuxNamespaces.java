package io.overlaykit.netlink;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.spi.Namespaces;
import io.overlaykit.core.spi.RequestHook;
import io.overlaykit.netlink.internal.Errno;
import io.overlaykit.netlink.internal.LibC;
import io.overlaykit.netlink.internal.NsExecutor;
import io.overlaykit.netlink.internal.Sys;
import io.overlaykit.netlink.internal.SysCallException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Network namespaces of the Linux kernel, compatible with {@code ip netns}: a named namespace is a
 * bind mount of a namespace file onto {@code /run/netns/NAME}. Work runs inside a namespace on a
 * cached platform thread per namespace that entered it with setns; the rest of the JVM stays where it
 * was. This is also where the per-namespace rtnetlink handles of a {@link NetlinkStack} are cached (one
 * cache, {@link NamespaceHandles}), and where its {@link RequestHook} lives. Close it to stop those
 * threads and close those handles.
 *
 * <p>Work in a namespace that does not finish within the call timeout (2 minutes unless configured)
 * fails with {@link io.overlaykit.core.OverlayTimeoutException}; the stuck thread is abandoned.
 */
public final class LinuxNamespaces implements Namespaces, AutoCloseable {
    private static final Pattern SYSCTL_KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]*");
    private static final Path SELF_NS = Path.of("/proc/self/ns/net");
    /** Generous: callers run real work (whole wiring steps, libnftables batches) inside a namespace. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(2);

    private final NamespaceHandles handles;
    private volatile RequestHook hook = RequestHook.NONE;
    /** Visits to a namespace ({@link #callIn} calls), for tests that count thread hops. */
    private final java.util.concurrent.atomic.LongAdder visits = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean closed;

    /** Creates a handle with the {@link #DEFAULT_CALL_TIMEOUT}; no thread starts until the first {@link #callIn}. */
    public LinuxNamespaces() {
        this(DEFAULT_CALL_TIMEOUT);
    }

    /**
     * Creates a handle whose {@link #callIn} waits at most {@code callTimeout} for work in a namespace.
     *
     * @throws InvalidSpecException when the timeout is not positive
     */
    public LinuxNamespaces(Duration callTimeout) {
        if (callTimeout == null || callTimeout.isNegative() || callTimeout.isZero()) {
            throw new InvalidSpecException("call timeout", callTimeout, "must be positive");
        }
        this.handles = new NamespaceHandles(callTimeout);
        SWEEPER.scheduleWithFixedDelay(new Sweep(new java.lang.ref.WeakReference<>(this)), 1, 1,
                java.util.concurrent.TimeUnit.SECONDS);
    }

    /**
     * Once a second, every open LinuxNamespaces closes the cached handles of containers whose process is gone:
     * a netlink socket opened in a namespace, and the thread that entered it, keep that namespace alive, so a
     * stopped container's eth0 and address would go on answering on the overlay until some other namespace is
     * opened. One daemon thread for the process; a handle that is closed or collected stops its sweep.
     */
    private static final java.util.concurrent.ScheduledExecutorService SWEEPER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "overlaykit-netns-sweeper");
                t.setDaemon(true);
                return t;
            });

    private record Sweep(java.lang.ref.WeakReference<LinuxNamespaces> of) implements Runnable {
        @Override
        public void run() {
            LinuxNamespaces ns = of.get();
            if (ns == null || ns.closed) {
                throw new java.util.concurrent.CancellationException("closed"); // ends this periodic task
            }
            try {
                ns.handles.sweepDead();
            } catch (RuntimeException e) {
                // tried again in a second; a new handle sweeps too
            }
        }
    }

    /**
     * Routes every request made through this object and the handles it caches (netlink messages, sysctl
     * reads and writes, ethtool calls, nftables commands) through {@code hook}; null removes it. Takes effect
     * at once for handles already open.
     */
    public void requestHook(RequestHook hook) {
        this.hook = hook == null ? RequestHook.NONE : hook;
    }

    /** The hook every request goes through. */
    RequestHook hook() {
        return hook;
    }

    @Override
    public NetNamespace create(String name) {
        NetNamespace ns = NetNamespace.named(name);
        Path file = ns.path();
        prepareRunDir();
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new ConflictException("namespace " + name + " exists already (" + file + ")", e);
        } catch (IOException e) {
            throw new BackendException("create namespace " + name + ": " + e.getMessage(), e);
        }
        try {
            runOnFreshThread("create namespace " + name, () -> {
                // this thread alone moves to the new namespace and ends afterwards
                Sys.unshareNet();
                Sys.mount("/proc/thread-self/ns/net", file.toString(), "none", LibC.MS_BIND);
            });
        } catch (RuntimeException | Error e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return ns;
    }

    @Override
    public NetNamespace ensure(String name) {
        NetNamespace ns = NetNamespace.named(name);
        if (exists(ns)) {
            return ns;
        }
        try {
            return create(name);
        } catch (ConflictException e) {
            if (exists(ns)) {
                return ns; // created meanwhile by somebody else
            }
            throw e;
        }
    }

    @Override
    public boolean delete(String name) {
        NetNamespace ns = NetNamespace.named(name);
        Path file = ns.path();
        if (!Files.exists(file)) {
            return false;
        }
        handles.forget(ns); // an open socket would keep the namespace alive
        try {
            Sys.umountDetach(file.toString());
        } catch (SysCallException e) {
            if (e.errno() != Errno.EINVAL && e.errno() != Errno.ENOENT) { // EINVAL: not a mount point
                throw new NetlinkException("delete namespace " + name, name, e.errno(), null, e);
            }
        }
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new BackendException("delete namespace " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(NetNamespace ns) {
        try {
            Object nsfsDev = Files.getAttribute(SELF_NS, "unix:dev");
            return Files.exists(ns.path()) && nsfsDev.equals(Files.getAttribute(ns.path(), "unix:dev"));
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<String> listNamed() {
        if (!Files.isDirectory(NetNamespace.NETNS_RUN_DIR)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(NetNamespace.NETNS_RUN_DIR)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public <T> T callIn(NetNamespace ns, Callable<T> work) {
        NsExecutor ex = entry(ns).executor();
        visits.increment();
        try {
            return ex.call(work);
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            throw new OverlayException("interrupted while running in namespace " + ns.displayName(), e);
        } catch (Exception e) {
            throw new OverlayException("work in namespace " + ns.displayName() + " failed: " + e, e);
        }
    }

    /** The cached rtnetlink handle of {@code ns}, opened on first use. */
    RtnetlinkLinks links(NetNamespace ns) {
        return entry(ns).links(() -> RtnetlinkLinks.open(this, ns));
    }

    /** The cached generic-netlink handle of {@code ns}, opened on first use. */
    GenericNetlink genl(NetNamespace ns) {
        return entry(ns).genl(() -> GenericNetlink.open(this, ns));
    }

    /** How many times work was run inside a namespace (for tests). */
    long visits() {
        return visits.sum();
    }

    /** Namespaces with cached handles (for tests). */
    Set<NetNamespace> cachedNamespaces() {
        return handles.cached();
    }

    private NamespaceHandles.Entry entry(NetNamespace ns) {
        if (closed) {
            throw new IllegalStateException("LinuxNamespaces is closed");
        }
        return handles.entry(ns, this::inodeOf);
    }

    /**
     * The nsfs inode that {@code ns} names now.
     *
     * @throws NotFoundException when it is not a namespace (any more)
     */
    long inodeOf(NetNamespace ns) {
        if (!exists(ns)) {
            throw new NotFoundException("namespace " + ns.displayName() + " does not exist (" + ns.path() + ")");
        }
        try {
            return NsExecutor.inodeOf(ns.path());
        } catch (UncheckedIOException e) {
            throw new NotFoundException("namespace " + ns.displayName() + " does not exist (" + ns.path() + ")", e);
        }
    }

    @Override
    public String readSysctl(NetNamespace ns, String key) {
        Path p = sysctlPath(key);
        return callIn(ns, () -> read(ns, key, p));
    }

    @Override
    public String writeSysctl(NetNamespace ns, String key, String value) {
        Path p = sysctlPath(key);
        checkValue(key, value);
        return callIn(ns, () -> write(ns, key, p, value));
    }

    /** All keys in one visit to the namespace; a key the kernel does not have maps to null. */
    @Override
    public Map<String, String> readSysctls(NetNamespace ns, Collection<String> keys) {
        Map<String, Path> paths = new LinkedHashMap<>();
        keys.forEach(k -> paths.put(k, sysctlPath(k)));
        return callIn(ns, () -> {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, Path> e : paths.entrySet()) {
                try {
                    out.put(e.getKey(), read(ns, e.getKey(), e.getValue()));
                } catch (NotFoundException absent) {
                    out.put(e.getKey(), null);
                }
            }
            return out;
        });
    }

    /** All values in one visit to the namespace, in order; stops at the first failure. */
    @Override
    public Map<String, String> writeSysctls(NetNamespace ns, Map<String, String> values) {
        Map<String, Path> paths = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            paths.put(k, sysctlPath(k));
            checkValue(k, v);
        });
        return callIn(ns, () -> {
            Map<String, String> previous = new LinkedHashMap<>();
            for (Map.Entry<String, Path> e : paths.entrySet()) {
                previous.put(e.getKey(), write(ns, e.getKey(), e.getValue(), values.get(e.getKey())));
            }
            return previous;
        });
    }

    private static void checkValue(String key, String value) {
        if (value == null || value.indexOf('\n') >= 0) {
            throw new InvalidSpecException("sysctl " + key, value, "must be one line");
        }
    }

    /** One sysctl read, shown to the hook; runs on the namespace's thread. */
    private String read(NetNamespace ns, String key, Path p) {
        hook.beforeRequest(RequestHook.Backend.SYSCTL, RequestHook.Access.READ, "read sysctl " + key);
        return readOrNotFound(ns, key, p);
    }

    /** One sysctl write (the value before is read as part of it), shown to the hook; on the namespace's thread. */
    private String write(NetNamespace ns, String key, Path p, String value) {
        hook.beforeRequest(RequestHook.Backend.SYSCTL, RequestHook.Access.WRITE, "write sysctl " + key + "=" + value);
        String before = readOrNotFound(ns, key, p);
        try {
            Files.writeString(p, value);
        } catch (IOException e) {
            throw new BackendException("write sysctl " + key + "=" + value + " in namespace "
                    + ns.displayName() + ": " + e.getMessage(), e);
        }
        return before;
    }

    /**
     * Reads a sysctl file in one read(2) of a page: procfs reports size 0, so {@code Files.readString} reads one
     * byte and then asks again at offset 1, which a sysctl answers with EOF ({@code gc_thresh3} 1024 read as "1").
     */
    static String readSysctlFile(Path p) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    private static String readOrNotFound(NetNamespace ns, String key, Path p) {
        try {
            return readSysctlFile(p).trim();
        } catch (NoSuchFileException e) {
            throw new NotFoundException("sysctl " + key + " does not exist in namespace " + ns.displayName(), e);
        } catch (IOException e) {
            throw new BackendException("read sysctl " + key + " in namespace " + ns.displayName() + ": "
                    + e.getMessage(), e);
        }
    }

    private static Path sysctlPath(String key) {
        if (key == null || !SYSCTL_KEY.matcher(key).matches() || key.contains("..")) {
            throw new InvalidSpecException("sysctl key", key, "expected a dotted name such as net.ipv4.ip_forward");
        }
        return Path.of("/proc/sys", key.replace('.', '/'));
    }

    /** Makes /run/netns exist and be a shared mount point, as {@code ip netns add} does. */
    private static void prepareRunDir() {
        String dir = NetNamespace.NETNS_RUN_DIR.toString();
        try {
            Files.createDirectories(NetNamespace.NETNS_RUN_DIR);
        } catch (IOException e) {
            throw new BackendException("create " + dir + ": " + e.getMessage(), e);
        }
        try {
            Sys.mount("none", dir, null, LibC.MS_SHARED | LibC.MS_REC);
        } catch (SysCallException e) {
            if (e.errno() != Errno.EINVAL) {
                throw new NetlinkException("make " + dir + " a shared mount", "current", e.errno(), null, e);
            }
            // not a mount point yet: bind it onto itself, then share it
            Sys.mount(dir, dir, "none", LibC.MS_BIND | LibC.MS_REC);
            Sys.mount("none", dir, null, LibC.MS_SHARED | LibC.MS_REC);
        }
    }

    /** Runs {@code r} on a thread of its own and waits; whatever it throws (an Error too) comes back here. */
    static void runOnFreshThread(String what, Runnable r) {
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (Throwable e) { // an Error (UnsatisfiedLinkError...) must not look like success
                failure[0] = e;
            }
        }, "overlaykit-netns-create");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OverlayException(what + ": interrupted", e);
        }
        if (failure[0] instanceof SysCallException s) {
            throw new NetlinkException(what + " (" + s.call() + ")", "current", s.errno(), null, s);
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
        if (failure[0] != null) {
            throw new OverlayException(what + " failed: " + failure[0], failure[0]);
        }
    }

    /** Stops every namespace thread and closes every cached handle; idempotent. Namespaces themselves stay. */
    @Override
    public void close() {
        closed = true;
        handles.closeAll();
    }
}
