package io.overlaykit.core.spi;

import io.overlaykit.core.NetNamespace;
import java.util.Map;

/** What the runtime reports about a container. {@code pid} is 0 when it is not running. */
public record ContainerInfo(String id, String name, String image, boolean running, long pid,
                            Map<String, String> labels) {

    /** Copies {@code labels}; null is empty. */
    public ContainerInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /**
     * The container's network namespace, {@code /proc/PID/ns/net}.
     *
     * @throws io.overlaykit.core.OverlayException when the container is not running
     */
    public NetNamespace namespace() {
        if (!running || pid <= 0) {
            throw new io.overlaykit.core.NotFoundException("container '" + name + "' is not running, so it has no network namespace");
        }
        return NetNamespace.ofPid(pid);
    }
}
