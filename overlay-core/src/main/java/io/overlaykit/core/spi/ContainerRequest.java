package io.overlaykit.core.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A container to create with no network of its own ({@code netns: none}), so that OverlayKit wires it.
 *
 * <pre>{@code
 * ContainerRequest.builder("demo-podA", "localhost/overlaykit/busybox:latest")
 *     .command("sh", "-c", "while sleep 3600; do :; done").label("io.overlaykit.spec", "demo").build()
 * }</pre>
 */
public record ContainerRequest(String name, String image, List<String> command, Map<String, String> env,
                               Map<String, String> labels, String hostname, List<String> dnsServers,
                               Map<String, String> sysctls, List<String> capAdd) {

    /** Requires {@code name} and {@code image}; copies the lists and maps, which must not be null. */
    public ContainerRequest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        command = List.copyOf(command);
        env = Map.copyOf(env);
        labels = Map.copyOf(labels);
        dnsServers = List.copyOf(dnsServers);
        sysctls = Map.copyOf(sysctls);
        capAdd = List.copyOf(capAdd);
    }

    /** A builder for a container {@code name} from {@code image}, with no network of its own. */
    public static Builder builder(String name, String image) {
        return new Builder(name, image);
    }

    /** Builder; everything but name and image is optional. */
    public static final class Builder {
        private final String name;
        private final String image;
        private List<String> command = List.of();
        private final java.util.LinkedHashMap<String, String> env = new java.util.LinkedHashMap<>();
        private final java.util.LinkedHashMap<String, String> labels = new java.util.LinkedHashMap<>();
        private String hostname;
        private List<String> dns = List.of();
        private final java.util.LinkedHashMap<String, String> sysctls = new java.util.LinkedHashMap<>();
        private List<String> capAdd = List.of();

        private Builder(String name, String image) {
            this.name = name;
            this.image = image;
        }

        /** The command to run (else the image's default). */
        public Builder command(String... command) {
            return command(List.of(command));
        }

        /** The command to run (else the image's default). */
        public Builder command(List<String> command) {
            this.command = List.copyOf(command);
            return this;
        }

        /** Adds an environment variable. */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /** Adds a label (OverlayKit tags its containers with spec and host). */
        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        /** Adds several labels. */
        public Builder labels(Map<String, String> more) {
            labels.putAll(more);
            return this;
        }

        /** The container's host name. */
        public Builder hostname(String hostname) {
            this.hostname = hostname;
            return this;
        }

        /** Name servers for the runtime to put in the container's resolv.conf. */
        public Builder dnsServers(List<String> servers) {
            this.dns = List.copyOf(servers);
            return this;
        }

        /** A namespaced sysctl set at start, e.g. {@code net.ipv4.ip_forward}. */
        public Builder sysctl(String key, String value) {
            sysctls.put(key, value);
            return this;
        }

        /** Extra capabilities, e.g. {@code NET_ADMIN} (replaces earlier ones). */
        public Builder capAdd(String... caps) {
            this.capAdd = List.of(caps);
            return this;
        }

        /** The request; validates name and image. */
        public ContainerRequest build() {
            return new ContainerRequest(name, image, command, env, labels, hostname, dns, sysctls, capAdd);
        }
    }
}
