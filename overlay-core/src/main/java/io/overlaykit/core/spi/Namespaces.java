package io.overlaykit.core.spi;

import io.overlaykit.core.NetNamespace;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Network namespaces: lifecycle, running code inside one, and per-namespace sysctls. */
public interface Namespaces {

    /**
     * Creates a named namespace that {@code ip netns} sees ({@code /run/netns/NAME}).
     *
     * @throws io.overlaykit.core.ConflictException when it exists already
     */
    NetNamespace create(String name);

    /** Creates the named namespace unless it exists; returns it either way. */
    NetNamespace ensure(String name);

    /** Deletes a named namespace; returns false when it was already gone. */
    boolean delete(String name);

    /** True when the namespace file exists and is a network namespace. */
    boolean exists(NetNamespace ns);

    /** Names under {@code /run/netns}. */
    List<String> listNamed();

    /**
     * Runs {@code work} on a platform thread that has entered {@code ns}; sockets it opens belong to
     * {@code ns}. Exceptions from {@code work} are rethrown unchanged when unchecked, wrapped otherwise.
     */
    <T> T callIn(NetNamespace ns, Callable<T> work);

    /** {@link #callIn} for work without a result. */
    default void runIn(NetNamespace ns, Runnable work) {
        callIn(ns, () -> {
            work.run();
            return null;
        });
    }

    /** Reads a sysctl of {@code ns}, e.g. {@code net.ipv4.ip_forward}. */
    String readSysctl(NetNamespace ns, String key);

    /** Writes a sysctl of {@code ns}; returns the value it had before. */
    String writeSysctl(NetNamespace ns, String key, String value);

    /**
     * Reads several sysctls of {@code ns} at once; a key the kernel does not have (an IPv6 key without IPv6)
     * maps to null. Values are trimmed. The default reads them one by one; backends read them in one visit.
     */
    default Map<String, String> readSysctls(NetNamespace ns, Collection<String> keys) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : keys) {
            try {
                out.put(k, readSysctl(ns, k).trim());
            } catch (io.overlaykit.core.NotFoundException e) {
                out.put(k, null);
            }
        }
        return out;
    }

    /**
     * Writes several sysctls of {@code ns}, in order; returns the values they had before (trimmed), null for
     * a key the kernel does not have (which is skipped, not an error: the caller decides). The default writes
     * them one by one; backends write them in one visit.
     */
    default Map<String, String> writeSysctls(NetNamespace ns, Map<String, String> values) {
        Map<String, String> previous = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            try {
                previous.put(k, writeSysctl(ns, k, v).trim());
            } catch (io.overlaykit.core.NotFoundException e) {
                previous.put(k, null);
            }
        });
        return previous;
    }
}
