package io.overlaykit.core.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** A container engine (podman) seen through what OverlayKit needs of it. */
public interface ContainerRuntime extends AutoCloseable {

    /** Creates and starts a container with no network; returns it running. */
    ContainerInfo run(ContainerRequest request);

    /** Starts an existing, stopped container. */
    ContainerInfo start(String nameOrId);

    /** The container with this name or id, or empty when there is none. */
    Optional<ContainerInfo> inspect(String nameOrId);

    /** Stops a container, killing it after {@code timeout}. */
    void stop(String nameOrId, Duration timeout);

    /** Removes a container (forced, running or not); false when it did not exist. */
    boolean remove(String nameOrId);

    /** Containers (running or not) that carry every one of {@code labels}. */
    List<ContainerInfo> list(Map<String, String> labels);

    /** Runs a command inside a running container and collects its output. */
    ExecResult exec(String nameOrId, List<String> command, Duration timeout);

    /** Whether the image exists locally. */
    boolean imageExists(String image);

    /**
     * Delivers start, died and remove events of containers carrying {@code labels} until the returned
     * handle is closed.
     */
    AutoCloseable events(Map<String, String> labels, Consumer<ContainerEvent> listener);

    /**
     * {@link #events(Map, Consumer)} that also replays the events logged since {@code since} (nullable) and
     * reports the end of the stream: {@code onEnded} runs once, with the cause, when the stream ends on its
     * own (the engine went away, a protocol error), never after the handle was closed. The default ignores
     * {@code since} and never calls {@code onEnded}: runtimes that can tell override it.
     */
    default AutoCloseable events(Map<String, String> labels, Instant since, Consumer<ContainerEvent> listener,
                                 Consumer<Throwable> onEnded) {
        return events(labels, listener);
    }

    /**
     * Routes every request this backend sends through {@code hook} (counting, fault injection); null or
     * {@link RequestHook#NONE} removes it. The default ignores the hook: backends that can tell override it.
     */
    default void requestHook(RequestHook hook) {
    }

    @Override
    void close();

    /** The result of {@link #exec}: exit code and the two output streams. */
    record ExecResult(int exitCode, String stdout, String stderr) {
        /** True when the command exited with 0. */
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /** A lifecycle event of a container. */
    record ContainerEvent(Type type, String id, String name, Map<String, String> labels) {
        /** The runtime's event, reduced to what OverlayKit reacts to. */
        public enum Type {
            /** The container was created. */
            CREATE,
            /** The container started. */
            START,
            /** The container's process exited. */
            DIED,
            /** The container was stopped. */
            STOP,
            /** The container was removed. */
            REMOVE,
            /** Any other event. */
            OTHER
        }
    }
}
