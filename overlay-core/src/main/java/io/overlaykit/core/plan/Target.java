package io.overlaykit.core.plan;

/**
 * Where a change runs: the host's own namespace, or the namespace of one of its containers (named as the
 * container runtime knows it). A container's namespace is resolved when the change runs, so a plan can
 * hold changes for a container that the same plan starts.
 */
public record Target(String container) {
    /** The host's namespace (the real root, or a lab namespace). */
    public static final Target HOST = new Target(null);

    /** The namespace of the container the runtime calls {@code name}. */
    public static Target container(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("container name must not be empty");
        }
        return new Target(name);
    }

    /** True for {@link #HOST}. */
    public boolean isHost() {
        return container == null;
    }

    @Override
    public String toString() {
        return isHost() ? "host" : "container " + container;
    }
}
