package io.overlaykit.samples.bench;

import io.overlaykit.core.ConflictException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.ContainerRequest;
import io.overlaykit.core.spi.ContainerRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A container runtime whose containers are network namespaces made before any clock starts, so that a
 * benchmark of the engine leaves out podman's start and nothing else. Each namespace gets a holder process
 * ({@code sleep infinity} entered into it), so {@link ContainerInfo#pid()} names the namespace exactly as it
 * does for a podman container run with no network. {@link #run} hands out the next free namespace (the
 * engine's "run container" step), {@link #remove} takes it back; the holders outlive both and are stopped with
 * the benchmark's {@link Processes}.
 */
final class StandInContainers implements ContainerRuntime {
    private record Holder(NetNamespace namespace, long pid) {
    }

    private record HandedOut(Holder holder, ContainerRequest request, boolean running) {
        ContainerInfo info() {
            return new ContainerInfo("standin-" + holder.pid(), request.name(), request.image(), running,
                    running ? holder.pid() : 0, request.labels());
        }
    }

    private final Deque<Holder> free = new ArrayDeque<>();
    private final Map<String, HandedOut> byName = new LinkedHashMap<>();

    private StandInContainers(List<Holder> holders) {
        free.addAll(holders);
    }

    /** Starts a holder in each namespace and returns once every one of them is inside its namespace. */
    static StandInContainers start(Processes processes, List<NetNamespace> namespaces) {
        List<Processes.Background> started = new ArrayList<>();
        for (NetNamespace ns : namespaces) {
            started.add(processes.start("holder", Processes.in(ns, "sleep", "infinity"), Map.of()));
        }
        List<Holder> holders = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int i = 0; i < namespaces.size(); i++) {
            NetNamespace ns = namespaces.get(i);
            long pid = started.get(i).pid();
            while (!inside(pid, ns)) {
                if (!started.get(i).process().isAlive() || System.nanoTime() > deadline) {
                    throw new OverlayException("holder " + pid + " did not enter " + ns.displayName() + ": "
                            + started.get(i).stderrText());
                }
                Processes.sleep(5);
            }
            holders.add(new Holder(ns, pid));
        }
        return new StandInContainers(holders);
    }

    /** True once process {@code pid} lives in {@code ns} (compared by the namespace's inode, as ip netns pids does). */
    private static boolean inside(long pid, NetNamespace ns) {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net")).toString();
            return link.equals("net:[" + Files.getAttribute(ns.path(), "unix:ino") + "]");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public synchronized ContainerInfo run(ContainerRequest request) {
        if (byName.containsKey(request.name())) {
            throw new ConflictException("stand-in container " + request.name() + " exists already");
        }
        Holder h = free.pollFirst();
        if (h == null) {
            throw new OverlayException("no pre-made namespace left for container " + request.name() + " ("
                    + byName.size() + " handed out)");
        }
        HandedOut out = new HandedOut(h, request, true);
        byName.put(request.name(), out);
        return out.info();
    }

    @Override
    public synchronized ContainerInfo start(String nameOrId) {
        HandedOut c = require(nameOrId);
        HandedOut started = new HandedOut(c.holder(), c.request(), true);
        byName.put(nameOrId, started);
        return started.info();
    }

    @Override
    public synchronized Optional<ContainerInfo> inspect(String nameOrId) {
        return Optional.ofNullable(byName.get(nameOrId)).map(HandedOut::info);
    }

    @Override
    public synchronized void stop(String nameOrId, Duration timeout) {
        HandedOut c = require(nameOrId);
        byName.put(nameOrId, new HandedOut(c.holder(), c.request(), false));
    }

    @Override
    public synchronized boolean remove(String nameOrId) {
        HandedOut c = byName.remove(nameOrId);
        if (c == null) {
            return false;
        }
        free.addFirst(c.holder());
        return true;
    }

    @Override
    public synchronized List<ContainerInfo> list(Map<String, String> labels) {
        return byName.values().stream().filter(c -> c.request().labels().entrySet().containsAll(labels.entrySet()))
                .map(HandedOut::info).toList();
    }

    @Override
    public ExecResult exec(String nameOrId, List<String> command, Duration timeout) {
        throw new OverlayException("stand-in container " + nameOrId + " runs nothing; use ip netns exec on "
                + require(nameOrId).holder().namespace().displayName());
    }

    @Override
    public boolean imageExists(String image) {
        return true; // no image is ever started
    }

    @Override
    public AutoCloseable events(Map<String, String> labels, Consumer<ContainerEvent> listener) {
        return () -> { }; // stand-ins never restart
    }

    /** The namespace handed out as container {@code name}. */
    synchronized NetNamespace namespaceOf(String name) {
        return require(name).holder().namespace();
    }

    /** Namespaces not handed out now. */
    synchronized int free() {
        return free.size();
    }

    @Override
    public void close() {
        // the holders belong to the benchmark's Processes
    }

    private HandedOut require(String name) {
        HandedOut c = byName.get(name);
        if (c == null) {
            throw new NotFoundException("no stand-in container " + name);
        }
        return c;
    }
}
