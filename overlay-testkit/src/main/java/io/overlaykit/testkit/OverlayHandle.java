package io.overlaykit.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.overlaykit.core.Host;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.check.CheckReport;
import io.overlaykit.core.plan.Status;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A spec's overlay running on a virtual lab, as {@link WithOverlay} hands it to a test: every host applied, each
 * container reachable by its spec name ({@link #container}: address, namespace, {@code exec}), the lab's outside
 * namespace, the engine's {@link Host} per spec host, and the connectivity check. Closing it removes the lab and
 * everything on it (idempotent); the extension does that when the test or class ends.
 *
 * <p>The overlay runs under a name of its own, {@code <spec name>-<4 random characters>} ({@link #spec()} is the
 * spec as applied, with that name), so overlays of one spec can run side by side; see {@link WithOverlay}.
 */
public final class OverlayHandle implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Spec names are at most 32 characters; the random suffix takes five. */
    private static final int NAME_ROOM = 27;

    private final OverlaySpec spec;
    private final Overlay overlay;
    private final Lab lab;
    private final LabOverlay engine;
    private final Map<String, OverlayContainer> containers = new LinkedHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private OverlayHandle(OverlaySpec spec, Lab lab, LabOverlay engine) {
        this.spec = spec;
        this.overlay = Overlay.of(spec);
        this.lab = lab;
        this.engine = engine;
        for (HostSpec h : spec.hosts()) {
            for (ContainerSpec c : h.containers()) {
                containers.put(c.name(), new OverlayContainer(c.name(), h.name(), c.ip(),
                        overlay.containerName(c.name()), engine.podman()));
            }
        }
    }

    /**
     * Validates the spec {@code json}, renames it to a fresh unique name, builds its lab and applies every host
     * (all or nothing). A start that fails removes what it made before it throws.
     */
    static OverlayHandle start(String json) {
        OverlaySpec spec = renamed(json);
        Lab lab = LabOverlay.labFor(spec).start();
        LabOverlay engine = null;
        try {
            engine = LabOverlay.connect(lab);
            engine.applyAll(spec);
            return new OverlayHandle(spec, lab, engine);
        } catch (RuntimeException e) {
            closeAll(e, engine, lab);
            throw e;
        }
    }

    /** The spec of {@code json} (validated first, so problems name the file's own fields) under a unique name. */
    static OverlaySpec renamed(String json) {
        OverlaySpec original = OverlaySpec.read(json);
        String base = original.name().length() > NAME_ROOM ? original.name().substring(0, NAME_ROOM) : original.name();
        StringBuilder name = new StringBuilder(base).append('-');
        for (int i = 0; i < 4; i++) {
            name.append(Character.forDigit(RANDOM.nextInt(36), 36));
        }
        try {
            ObjectNode tree = (ObjectNode) JSON.readTree(json);
            tree.put("name", name.toString());
            return OverlaySpec.read(JSON.writeValueAsString(tree));
        } catch (JsonProcessingException e) {
            throw new InvalidSpecException("name", original.name(), "cannot rename the spec: " + e.getOriginalMessage());
        }
    }

    /** The spec as applied, under this overlay's own name. */
    public OverlaySpec spec() {
        return spec;
    }

    /** The overlay (plan, apply, status, teardown, names and tags of what it makes). */
    public Overlay overlay() {
        return overlay;
    }

    /** This overlay's name, which is also its lab's prefix, e.g. {@code shop-k3x9}. */
    public String name() {
        return spec.name();
    }

    /** The lab the overlay runs on (hosts' namespaces and {@code exec}, OVS sockets, podman). */
    public Lab lab() {
        return lab;
    }

    /** The engine's connection to the lab ({@code applyAll}, {@code teardownAll}, {@code verifyAll}). */
    public LabOverlay engine() {
        return engine;
    }

    /** The engine's {@link Host} for spec host {@code name} (its namespace, stack, switch and podman). */
    public Host host(String name) {
        spec.host(name); // NotFoundException naming the spec's hosts
        return engine.host(name);
    }

    /** The lab host (namespace, underlay, {@code exec}) of spec host {@code name}. */
    public LabHost labHost(String name) {
        spec.host(name);
        return lab.host(name);
    }

    /**
     * The spec's container {@code name}.
     *
     * @throws NotFoundException naming the spec's containers when it has no such container
     */
    public OverlayContainer container(String name) {
        OverlayContainer c = containers.get(name);
        if (c == null) {
            throw new NotFoundException("spec " + spec.name() + " has no container '" + name + "'; its containers are "
                    + containers.keySet());
        }
        return c;
    }

    /** Every container of the spec, in spec order. */
    public List<OverlayContainer> containers() {
        return List.copyOf(containers.values());
    }

    /** Runs {@code command} in container {@code container}; see {@link OverlayContainer#exec(String...)}. */
    public String exec(String container, String... command) {
        return container(container).exec(command);
    }

    /**
     * The outside namespace (the LAN stand-in at the spec's {@code lab.outside} address), with {@code exec}.
     *
     * @throws IllegalStateException when the spec has no {@code lab.outside}
     */
    public LabHost outside() {
        return lab.outside();
    }

    /**
     * The data path, probed now: ICMP and TCP from every container to every other and to every host's gateway
     * ({@link LabOverlay#verifyAll}). {@code verify().allOk()} is the usual assertion; {@code toTable()} shows why.
     */
    public CheckReport verify() {
        return engine.verifyAll(spec);
    }

    /** Drift between the spec and spec host {@code host} (clean right after the start). */
    public Status status(String host) {
        return overlay.status(host(host));
    }

    /** Removes the lab and everything on it: containers, daemons, namespaces (idempotent). */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            RuntimeException first = new RuntimeException("closing overlay " + spec.name());
            closeAll(first, engine, lab);
            if (first.getSuppressed().length > 0) {
                Throwable cause = first.getSuppressed()[0];
                throw cause instanceof RuntimeException r ? r : new io.overlaykit.core.OverlayException(
                        "closing overlay " + spec.name() + " failed: " + cause.getMessage(), cause);
            }
        }
    }

    private static void closeAll(RuntimeException into, AutoCloseable... all) {
        for (AutoCloseable c : all) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                into.addSuppressed(e);
            }
        }
    }

    @Override
    public String toString() {
        return "OverlayHandle[" + spec.name() + " on " + lab + ", containers " + containers.keySet() + "]";
    }
}
