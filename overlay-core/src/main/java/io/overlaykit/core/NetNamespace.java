package io.overlaykit.core;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A reference to a Linux network namespace: the one this process started in, a named one compatible
 * with {@code ip netns} ({@code /run/netns/NAME}), any bind-mounted path, or a process's
 * ({@code /proc/PID/ns/net}, the container case). An immutable value: it names a namespace but holds no
 * file descriptor, so it is safe to keep and compare. Creating, entering and deleting namespaces is the
 * job of {@link io.overlaykit.core.spi.Namespaces}.
 */
public final class NetNamespace {
    /** Where {@code ip netns} keeps named namespaces. */
    public static final Path NETNS_RUN_DIR = Path.of("/run/netns");

    private enum Kind { CURRENT, NAMED, PATH, PID }

    private static final NetNamespace CURRENT = new NetNamespace(Kind.CURRENT, null, Path.of("/proc/self/ns/net"), 0);

    private final Kind kind;
    private final String name;
    private final Path path;
    private final long pid;

    private NetNamespace(Kind kind, String name, Path path, long pid) {
        this.kind = kind;
        this.name = name;
        this.path = path;
        this.pid = pid;
    }

    /** The namespace this JVM started in (its main thread's). */
    public static NetNamespace current() {
        return CURRENT;
    }

    /** A named namespace as {@code ip netns} knows it: {@code /run/netns/NAME}. */
    public static NetNamespace named(String name) {
        String problem = nameProblem(name);
        if (problem != null) {
            throw new InvalidSpecException("namespace", name, problem);
        }
        return new NetNamespace(Kind.NAMED, name, NETNS_RUN_DIR.resolve(name), 0);
    }

    /** A namespace file at any path (a bind mount, or a {@code /proc/PID/ns/net} link). */
    public static NetNamespace atPath(Path path) {
        Objects.requireNonNull(path, "path");
        if (path.startsWith(NETNS_RUN_DIR) && path.getNameCount() == NETNS_RUN_DIR.getNameCount() + 1) {
            return named(path.getFileName().toString());
        }
        return new NetNamespace(Kind.PATH, null, path, 0);
    }

    /** The network namespace of a process, e.g. a container's {@code State.Pid}. */
    public static NetNamespace ofPid(long pid) {
        if (pid <= 0) {
            throw new InvalidSpecException("pid", pid, "must be a positive process id");
        }
        return new NetNamespace(Kind.PID, null, Path.of("/proc", Long.toString(pid), "ns", "net"), pid);
    }

    /** Why {@code name} cannot name a namespace under /run/netns, or null when it can. */
    public static String nameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "must not be empty";
        }
        if (name.length() > 255 || name.equals(".") || name.equals("..") || name.contains("/")
                || name.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            return "must be a file name: no '/', whitespace or control characters";
        }
        return null;
    }

    /** The file that identifies this namespace. */
    public Path path() {
        return path;
    }

    /** True for the namespace this process started in. */
    public boolean isCurrent() {
        return kind == Kind.CURRENT;
    }

    /** True for a namespace under {@code /run/netns}. */
    public boolean isNamed() {
        return kind == Kind.NAMED;
    }

    /** The {@code ip netns} name, or null when this namespace has none. */
    public String name() {
        return name;
    }

    /** The process whose namespace this is, or 0. */
    public long pid() {
        return pid;
    }

    /** A short label for messages: {@code hostA}, {@code pid 4242}, {@code current}, or the path. */
    public String displayName() {
        return switch (kind) {
            case CURRENT -> "current";
            case NAMED -> name;
            case PID -> "pid " + pid;
            case PATH -> path.toString();
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetNamespace other && kind == other.kind && path.equals(other.path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, path);
    }

    @Override
    public String toString() {
        return "NetNamespace[" + displayName() + "]";
    }
}
