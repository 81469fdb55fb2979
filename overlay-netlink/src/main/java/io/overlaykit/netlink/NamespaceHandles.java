package io.overlaykit.netlink;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.netlink.internal.NsExecutor;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one cache of what OverlayKit keeps open per namespace: the platform thread that entered it
 * ({@link NsExecutor}), its rtnetlink handle ({@link RtnetlinkLinks}) and its generic-netlink handle
 * ({@link GenericNetlink}). Both belong to the namespace the
 * file named when they were made (its nsfs inode): when the file now names another namespace (re-created,
 * or a reused pid) the entry is closed and a fresh one made. The usual lookup costs one stat of the
 * namespace file; only a new entry checks that the file is a namespace and sweeps the entries of processes
 * that are gone (an open socket would keep their namespace alive, and nothing else asks for them again).
 */
final class NamespaceHandles {
    private final Map<NetNamespace, Entry> entries = new ConcurrentHashMap<>();
    private final Duration callTimeout;

    NamespaceHandles(Duration callTimeout) {
        this.callTimeout = callTimeout;
    }

    /** What is open for one namespace; replaced as a whole when the namespace file names another namespace. */
    final class Entry {
        private final NetNamespace ns;
        private final long inode;
        private NsExecutor executor;
        private RtnetlinkLinks links;
        private GenericNetlink genl;

        private Entry(NetNamespace ns, long inode) {
            this.ns = ns;
            this.inode = inode;
        }

        /** The entering thread; a retired one (timed out, or found outside) is replaced. */
        synchronized NsExecutor executor() {
            if (executor == null || !executor.usable()) {
                if (executor != null) {
                    executor.close();
                }
                executor = new NsExecutor(ns.path(), ns.displayName(), callTimeout);
            }
            return executor;
        }

        /** The rtnetlink handle, opened on first use with {@code open} (which may enter the namespace). */
        synchronized RtnetlinkLinks links(Supplier<RtnetlinkLinks> open) {
            if (links == null || links.isClosed()) {
                links = open.get();
            }
            return links;
        }

        /** The generic-netlink handle, opened on first use with {@code open}. */
        synchronized GenericNetlink genl(Supplier<GenericNetlink> open) {
            if (genl == null || genl.isClosed()) {
                genl = open.get();
            }
            return genl;
        }

        private synchronized void close() {
            if (links != null) {
                links.close();
            }
            if (genl != null) {
                genl.close();
            }
            if (executor != null) {
                executor.close();
            }
        }
    }

    /**
     * The entry of {@code ns}.
     *
     * @param inodeOf the inode {@code ns} names now; throws {@link io.overlaykit.core.NotFoundException} when
     *     it is no namespace
     */
    Entry entry(NetNamespace ns, java.util.function.ToLongFunction<NetNamespace> inodeOf) {
        Entry cached = entries.get(ns);
        if (cached != null && cached.inode == inodeOrMinusOne(ns)) {
            return cached;
        }
        sweepDeadProcesses(entries, Entry::close);
        long inode = inodeOf.applyAsLong(ns);
        Entry[] stale = new Entry[1];
        Entry e = entries.compute(ns, (k, old) -> {
            if (old != null && old.inode == inode) {
                return old;
            }
            stale[0] = old;
            return new Entry(k, inode);
        });
        if (stale[0] != null) {
            stale[0].close(); // outside compute: closing may wait for the entry's lock
        }
        return e;
    }

    /** Closes and forgets the entries of processes that are gone. */
    void sweepDead() {
        sweepDeadProcesses(entries, Entry::close);
    }

    /** Closes and forgets what is open for {@code ns} (before it is deleted: an open socket pins it). */
    void forget(NetNamespace ns) {
        Entry e = entries.remove(ns);
        if (e != null) {
            e.close();
        }
    }

    /** Namespaces with an entry (for tests). */
    Set<NetNamespace> cached() {
        return Set.copyOf(entries.keySet());
    }

    void closeAll() {
        for (NetNamespace ns : Set.copyOf(entries.keySet())) {
            forget(ns);
        }
    }

    private static long inodeOrMinusOne(NetNamespace ns) {
        try {
            return NsExecutor.inodeOf(ns.path());
        } catch (UncheckedIOException e) {
            return -1;
        }
    }

    /**
     * Removes and closes the entries of {@code cache} keyed by the namespace of a process that is gone.
     * Named namespaces are left alone: they go through {@link #forget} when deleted.
     */
    static <V> void sweepDeadProcesses(Map<NetNamespace, V> cache, Consumer<V> close) {
        for (NetNamespace k : cache.keySet()) {
            if (k.pid() > 0 && !Files.exists(Path.of("/proc", Long.toString(k.pid())))) {
                V v = cache.remove(k);
                if (v != null) {
                    close.accept(v);
                }
            }
        }
    }
}
