package io.overlaykit.core.spi;

import io.overlaykit.core.NetNamespace;
import java.util.List;
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
}
