package io.overlaykit.netlink;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.spi.Namespaces;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Network namespaces of the Linux kernel, compatible with {@code ip netns}: a named namespace is a
 * bind mount of a namespace file onto {@code /run/netns/NAME}. Work runs inside a namespace on a
 * cached platform thread per namespace that entered it with setns; the rest of the JVM stays where it
 * was. Close it to stop those threads.
 */
public final class LinuxNamespaces implements Namespaces, AutoCloseable {
    private static final Pattern SYSCTL_KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]*");
    private static final Path SELF_NS = Path.of("/proc/self/ns/net");

    private final Map<NetNamespace, NsExecutor> executors = new ConcurrentHashMap<>();
    private final List<Consumer<NetNamespace>> deleteListeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** Creates a handle; no thread starts until the first {@link #callIn}. */
    public LinuxNamespaces() {
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
        } catch (RuntimeException e) {
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
        forget(ns);
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
        NsExecutor ex = executorFor(ns);
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

    /** The executor of {@code ns}, replaced when retired or when the namespace file was re-created. */
    private NsExecutor executorFor(NetNamespace ns) {
        if (closed) {
            throw new IllegalStateException("LinuxNamespaces is closed");
        }
        long inode = inodeOrNotFound(ns);
        return executors.compute(ns, (k, old) -> {
            if (old != null && old.usable() && old.inode() == inode) {
                return old;
            }
            if (old != null) {
                old.close();
            }
            return new NsExecutor(ns.path(), ns.displayName());
        });
    }

    private long inodeOrNotFound(NetNamespace ns) {
        if (!exists(ns)) {
            throw new NotFoundException("namespace " + ns.displayName() + " does not exist (" + ns.path() + ")");
        }
        return NsExecutor.inodeOf(ns.path());
    }

    @Override
    public String readSysctl(NetNamespace ns, String key) {
        Path p = sysctlPath(key);
        return callIn(ns, () -> readOrNotFound(ns, key, p));
    }

    @Override
    public String writeSysctl(NetNamespace ns, String key, String value) {
        Path p = sysctlPath(key);
        if (value == null || value.indexOf('\n') >= 0) {
            throw new InvalidSpecException("sysctl " + key, value, "must be one line");
        }
        return callIn(ns, () -> {
            String before = readOrNotFound(ns, key, p);
            try {
                Files.writeString(p, value);
            } catch (IOException e) {
                throw new BackendException("write sysctl " + key + "=" + value + " in namespace "
                        + ns.displayName() + ": " + e.getMessage(), e);
            }
            return before;
        });
    }

    private static String readOrNotFound(NetNamespace ns, String key, Path p) {
        try {
            return Files.readString(p).trim();
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

    /** Called with a namespace just before it is deleted, so cached handles can close first. */
    void onDelete(Consumer<NetNamespace> listener) {
        deleteListeners.add(listener);
    }

    private void forget(NetNamespace ns) {
        for (Consumer<NetNamespace> l : deleteListeners) {
            l.accept(ns);
        }
        NsExecutor ex = executors.remove(ns);
        if (ex != null) {
            ex.close();
        }
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

    private static void runOnFreshThread(String what, Runnable r) {
        RuntimeException[] failure = new RuntimeException[1];
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (RuntimeException e) {
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
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    /** Stops every namespace thread; idempotent. Namespaces themselves stay. */
    @Override
    public void close() {
        closed = true;
        executors.values().forEach(NsExecutor::close);
        executors.clear();
    }
}
