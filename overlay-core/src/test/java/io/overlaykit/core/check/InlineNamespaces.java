package io.overlaykit.core.check;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.spi.Namespaces;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs "namespace" work inline in the current namespace, so checks can run against loopback without
 * root. Namespaces named in {@code broken} fail to enter, like a namespace whose process is gone.
 */
final class InlineNamespaces implements Namespaces {
    final Set<NetNamespace> broken = ConcurrentHashMap.newKeySet();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public <T> T callIn(NetNamespace ns, Callable<T> work) {
        calls.incrementAndGet();
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
        return !broken.contains(ns);
    }

    @Override
    public List<String> listNamed() {
        return List.of();
    }

    @Override
    public String readSysctl(NetNamespace ns, String key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String writeSysctl(NetNamespace ns, String key, String value) {
        throw new UnsupportedOperationException();
    }
}
