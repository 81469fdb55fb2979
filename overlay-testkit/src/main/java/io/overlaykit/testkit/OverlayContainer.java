package io.overlaykit.testkit;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.ContainerRuntime;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * One container of an {@link OverlayHandle}'s spec, as a test reaches it: its spec name, host, overlay address
 * and podman name, its network namespace now, and {@code exec} inside it (through the lab's podman service, so
 * the command runs in the container's own file system: the busybox test image has {@code sh}, {@code nc},
 * {@code wget}, {@code httpd}, {@code ping}, ...).
 */
public final class OverlayContainer {
    /** How long {@link #exec(String...)} lets a command run. */
    public static final Duration EXEC_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final String host;
    private final InetAddress address;
    private final String podmanName;
    private final ContainerRuntime podman;

    OverlayContainer(String name, String host, InetAddress address, String podmanName, ContainerRuntime podman) {
        this.name = name;
        this.host = host;
        this.address = address;
        this.podmanName = podmanName;
        this.podman = podman;
    }

    /** The container's name in the spec, e.g. {@code web}. */
    public String name() {
        return name;
    }

    /** The spec host the container runs on. */
    public String host() {
        return host;
    }

    /** The container's address in the overlay, as the spec gives it. */
    public InetAddress address() {
        return address;
    }

    /** The address as text, e.g. {@code 172.16.0.10}. */
    public String ip() {
        return address.getHostAddress();
    }

    /** The container's name in the lab's podman, {@code <spec name>-<container>}. */
    public String podmanName() {
        return podmanName;
    }

    /**
     * The container's network namespace now ({@code /proc/PID/ns/net}); a restarted container has a new one.
     *
     * @throws NotFoundException when the container is not running
     */
    public NetNamespace namespace() {
        return podman.inspect(podmanName).filter(ContainerInfo::running).map(ContainerInfo::namespace)
                .orElseThrow(() -> new NotFoundException("container " + podmanName + " is not running"));
    }

    /**
     * Runs {@code command} inside the container and returns its standard output.
     *
     * @throws BackendException naming the command, its exit code and standard error, unless it exits 0
     */
    public String exec(String... command) {
        ContainerRuntime.ExecResult r = execResult(EXEC_TIMEOUT, command);
        if (!r.succeeded()) {
            throw new BackendException("`" + String.join(" ", command) + "` in container " + podmanName + " exited "
                    + r.exitCode() + ": " + r.stderr().strip());
        }
        return r.stdout();
    }

    /** Runs {@code command} inside the container within {@code timeout}; the result whatever its exit code. */
    public ContainerRuntime.ExecResult execResult(Duration timeout, String... command) {
        return podman.exec(podmanName, List.of(command), timeout);
    }

    @Override
    public String toString() {
        return "OverlayContainer[" + name + " (" + podmanName + ") on " + host + ", " + ip() + "]";
    }
}
