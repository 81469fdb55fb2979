package io.overlaykit.core.internal.engine;

import io.overlaykit.core.plan.*;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.ContainerRequest;
import io.overlaykit.core.spi.ContainerRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/** An in-memory podman: each running container has a namespace in the {@link FakeStack}. */
final class FakeRuntime implements ContainerRuntime {
    final Map<String, ContainerInfo> containers = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final FakeStack stack;
    private long nextPid = 1000;

    FakeRuntime(FakeStack stack) {
        this.stack = stack;
    }

    @Override
    public synchronized ContainerInfo run(ContainerRequest request) {
        if (containers.containsKey(request.name())) {
            throw new ConflictException("container name in use: " + request.name());
        }
        ContainerInfo ci = new ContainerInfo("id-" + request.name(), request.name(), request.image(), true,
                nextPid++, request.labels());
        stack.add(ci.namespace());
        containers.put(ci.name(), ci);
        return ci;
    }

    @Override
    public synchronized ContainerInfo start(String nameOrId) {
        ContainerInfo old = inspect(nameOrId).orElseThrow(() -> new NotFoundException("no container " + nameOrId));
        ContainerInfo ci = new ContainerInfo(old.id(), old.name(), old.image(), true, nextPid++, old.labels());
        stack.add(ci.namespace());
        containers.put(ci.name(), ci);
        return ci;
    }

    @Override
    public Optional<ContainerInfo> inspect(String nameOrId) {
        inspects.incrementAndGet();
        slowDown();
        return Optional.ofNullable(containers.get(nameOrId));
    }

    /** With a {@link #gate} set, a call releases {@link #inspecting} and waits for the gate: a slow podman. */
    private void slowDown() {
        java.util.concurrent.CountDownLatch g = gate;
        if (g != null) {
            inspecting.release();
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void stop(String nameOrId, Duration timeout) {
        ContainerInfo old = containers.get(nameOrId);
        if (old != null && old.running()) {
            stack.destroy(NetNamespace.ofPid(old.pid()));
            containers.put(old.name(), new ContainerInfo(old.id(), old.name(), old.image(), false, 0, old.labels()));
        }
    }

    @Override
    public boolean remove(String nameOrId) {
        stop(nameOrId, Duration.ZERO);
        return containers.remove(nameOrId) != null;
    }

    @Override
    public List<ContainerInfo> list(Map<String, String> labels) {
        lists.incrementAndGet();
        slowDown();
        return containers.values().stream()
                .filter(c -> labels.entrySet().stream().allMatch(e -> e.getValue().equals(c.labels().get(e.getKey()))))
                .toList();
    }

    @Override
    public ExecResult exec(String nameOrId, List<String> command, Duration timeout) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean imageExists(String image) {
        return true;
    }

    private final List<Consumer<ContainerEvent>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<Consumer<ContainerEvent>, Consumer<Throwable>> endings = new java.util.concurrent.ConcurrentHashMap<>();
    /** Every inspect call. */
    final java.util.concurrent.atomic.AtomicInteger inspects = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger lists = new java.util.concurrent.atomic.AtomicInteger();
    /** When set, inspect and list release {@link #inspecting} and wait for the latch: a slow podman. */
    volatile java.util.concurrent.CountDownLatch gate;
    final java.util.concurrent.Semaphore inspecting = new java.util.concurrent.Semaphore(0);
    /** The {@code since} of each subscription (null entries are stored as Instant.EPOCH). */
    final List<java.time.Instant> sinces = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** How many of the next subscriptions fail, as when podman is not back yet. */
    final java.util.concurrent.atomic.AtomicInteger failSubscriptions = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public AutoCloseable events(Map<String, String> labels, Consumer<ContainerEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public AutoCloseable events(Map<String, String> labels, java.time.Instant since, Consumer<ContainerEvent> listener,
                                Consumer<Throwable> onEnded) {
        if (failSubscriptions.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new io.overlaykit.core.BackendException("podman is not there");
        }
        sinces.add(since == null ? java.time.Instant.EPOCH : since);
        listeners.add(listener);
        endings.put(listener, onEnded);
        return () -> {
            listeners.remove(listener);
            endings.remove(listener);
        };
    }

    int subscriptions() {
        return listeners.size();
    }

    /** Ends every open event stream as a podman service restart does. */
    void endStreams(Throwable cause) {
        for (Consumer<ContainerEvent> l : List.copyOf(listeners)) {
            listeners.remove(l);
            Consumer<Throwable> end = endings.remove(l);
            if (end != null) {
                end.accept(cause);
            }
        }
    }

    /** Delivers a start event of {@code name} without restarting it. */
    void emitStart(String name) {
        ContainerInfo ci = containers.get(name);
        listeners.forEach(l -> l.accept(new ContainerEvent(ContainerEvent.Type.START, ci.id(), ci.name(), ci.labels())));
    }

    /** Stops and starts a container as podman restart does: a new process in a new, empty namespace. */
    ContainerInfo restart(String name) {
        stop(name, Duration.ZERO);
        ContainerInfo ci = start(name);
        listeners.forEach(l -> l.accept(new ContainerEvent(ContainerEvent.Type.START, ci.id(), ci.name(), ci.labels())));
        return ci;
    }

    @Override
    public void close() {
    }

    String snapshot() {
        StringBuilder sb = new StringBuilder();
        containers.values().forEach(c -> sb.append("container ").append(c.name()).append(c.running() ? " running" : " stopped")
                .append(' ').append(new TreeMap<>(c.labels())).append('\n'));
        return sb.toString();
    }
}
