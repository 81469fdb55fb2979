package io.overlaykit.core.testing;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.spi.Namespaces;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A {@link Namespaces} that runs "namespace" work inline in the current namespace, so code that opens
 * sockets in a namespace can run against loopback without root. Records every {@code callIn}. Namespaces
 * marked {@link #broken()} fail to enter, like a namespace whose process is gone; {@link #failWith} makes
 * every entry fail. Sysctls are served from per-namespace maps when a fake kernel supplies them.
 * Creating and deleting namespaces is not supported.
 */
public final class InlineNamespaces implements Namespaces {
    private final List<NetNamespace> calls = new CopyOnWriteArrayList<>();
    private final Set<NetNamespace> broken = ConcurrentHashMap.newKeySet();
    private final Predicate<NetNamespace> exists;
    private final Function<NetNamespace, Map<String, String>> sysctls;
    private volatile RuntimeException failWith;

    /** Every namespace exists unless broken; sysctls are not supported. */
    public InlineNamespaces() {
        this(null, null);
    }

    /**
     * @param exists whether a namespace exists (null: unless broken)
     * @param sysctls the live sysctl map of a namespace, throwing NotFoundException for an unknown one
     *     (null: sysctls are not supported)
     */
    public InlineNamespaces(Predicate<NetNamespace> exists, Function<NetNamespace, Map<String, String>> sysctls) {
        this.exists = exists != null ? exists : ns -> !broken.contains(ns);
        this.sysctls = sysctls;
    }

    /** The namespaces entered so far, in order. */
    public List<NetNamespace> calls() {
        return calls;
    }

    /** Namespaces that cannot be entered (live set: add and remove as the test goes). */
    public Set<NetNamespace> broken() {
        return broken;
    }

    /** Makes every later {@code callIn} throw {@code failure}; null lets them run again. */
    public void failWith(RuntimeException failure) {
        this.failWith = failure;
    }

    @Override
    public <T> T callIn(NetNamespace ns, Callable<T> work) {
        calls.add(ns);
        RuntimeException failure = failWith;
        if (failure != null) {
            throw failure;
        }
        if (broken.contains(ns)) {
            throw new OverlayException("cannot enter namespace " + ns.displayName() + ": ENOENT");
        }
        try {
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new OverlayException("work in " + ns.displayName() + " failed", e);
        }
    }

    @Override
    public NetNamespace create(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public NetNamespace ensure(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean delete(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean exists(NetNamespace ns) {
        return exists.test(ns);
    }

    @Override
    public List<String> listNamed() {
        return List.of();
    }

    @Override
    public String readSysctl(NetNamespace ns, String key) {
        String v = sysctlsOf(ns).get(key);
        if (v == null) {
            throw new NotFoundException("no sysctl " + key);
        }
        return v + "\n";
    }

    @Override
    public String writeSysctl(NetNamespace ns, String key, String value) {
        String old = readSysctl(ns, key);
        sysctlsOf(ns).put(key, value);
        return old;
    }

    private Map<String, String> sysctlsOf(NetNamespace ns) {
        if (sysctls == null) {
            throw new UnsupportedOperationException("sysctls");
        }
        return sysctls.apply(ns);
    }
}
