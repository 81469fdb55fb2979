package io.overlaykit.core;

import io.overlaykit.core.spec.SwitchKind;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.ContainerRuntime;
import io.overlaykit.core.spi.Firewall;
import io.overlaykit.core.spi.Links;
import io.overlaykit.core.spi.Namespaces;
import io.overlaykit.core.spi.NetworkStack;
import io.overlaykit.core.spi.OverlaySwitch;
import io.overlaykit.core.spi.RequestHook;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * One host's backends, as the planner needs them: its name in the spec, its network namespace (the
 * real root, or a lab namespace), the kernel stack, the switch backends, the container runtime, and a
 * state directory where OverlayKit records what it found and what it added.
 *
 * <pre>{@code
 * Host hostA = Host.builder("hostA")
 *     .stack(stack).containers(podman)
 *     .ovs(ovsSwitch)                                  // for "switch": "ovs"
 *     // for "switch": "linux" nothing more is needed: the stack's own (NetlinkStack's Linux bridge switch)
 *     .build();
 * }</pre>
 */
public final class Host {
    /** Where state directories live by default: {@code /run/overlaykit/<spec>/<host>}. */
    public static final Path DEFAULT_STATE_ROOT = Path.of("/run/overlaykit");

    private final String name;
    private final NetNamespace namespace;
    private final NetworkStack stack;
    private final OverlaySwitch ovs;
    private final OverlaySwitch ovn;
    private final Function<Links, OverlaySwitch> linuxSwitch;
    private final ContainerRuntime containers;
    private final Path stateRoot;
    private final Function<ContainerInfo, Path> containerRoot;
    private final io.overlaykit.core.spi.WireGuardDevices wireguard;
    private final Secret wireguardPrivateKey;
    private OverlaySwitch linux;
    private RequestHook hook = RequestHook.NONE;

    private Host(Builder b) {
        this.name = Objects.requireNonNull(b.name, "name");
        this.namespace = b.namespace == null ? NetNamespace.current() : b.namespace;
        this.stack = Objects.requireNonNull(b.stack, "host " + b.name + ": stack (the NetworkStack) is required");
        this.ovs = b.ovs;
        this.ovn = b.ovn;
        this.linuxSwitch = b.linuxSwitch; // null: the stack's own, see overlaySwitch

        this.containers = b.containers;
        this.wireguardPrivateKey = b.wireguardPrivateKey;
        this.wireguard = b.wireguard != null ? b.wireguard : stack.wireguard();
        this.stateRoot = b.stateRoot == null ? DEFAULT_STATE_ROOT : b.stateRoot;
        this.containerRoot = b.containerRoot == null
                ? c -> Path.of("/proc", Long.toString(c.pid()), "root") : b.containerRoot;
    }

    /** A builder for the host the spec calls {@code name}; {@link Builder#stack} is required. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The host's name as the spec spells it. */
    public String name() {
        return name;
    }

    /** The namespace that plays this host's root namespace. */
    public NetNamespace namespace() {
        return namespace;
    }

    /** The kernel-side backend this host runs on (links, firewall and namespaces of every namespace). */
    public NetworkStack stack() {
        return stack;
    }

    /** Links of this host's namespace. */
    public Links links() {
        return stack.links(namespace);
    }

    /** Links of another namespace (a container's). */
    public Links links(NetNamespace ns) {
        return stack.links(ns);
    }

    /** The firewall (our nft table) of this host's namespace. */
    public Firewall firewall() {
        return stack.firewall(namespace);
    }

    /** How namespaces (this host's and its containers') are opened and entered. */
    public Namespaces namespaces() {
        return stack.namespaces();
    }

    /**
     * The container runtime.
     *
     * @throws OverlayException when the host was built without one
     */
    public ContainerRuntime containers() {
        if (containers == null) {
            throw new OverlayException("host " + name + " has no container runtime; give one with .containers(...)");
        }
        return containers;
    }

    /**
     * Where this host's WireGuard interfaces are configured (encrypted overlays): by default its stack's
     * ({@link NetworkStack#wireguard}; on overlay-netlink's stack the kernel's WireGuard where it exists, else the
     * UAPI sockets of {@code wireguard-go} in {@code /var/run/wireguard}).
     */
    public io.overlaykit.core.spi.WireGuardDevices wireguard() {
        return wireguard;
    }

    /** The WireGuard private key given for this host (a spec with its {@code publicKey}); empty: derived from the psk. */
    public java.util.Optional<Secret> wireguardPrivateKey() {
        return java.util.Optional.ofNullable(wireguardPrivateKey);
    }

    /** Whether a container runtime was given. */
    public boolean hasContainers() {
        return containers != null;
    }

    /**
     * The switch backend for {@code kind}. The Linux one is built on first use: by the builder's
     * {@link Builder#linuxSwitch} factory when given, else it is the stack's ({@link NetworkStack#linuxSwitch}).
     */
    public synchronized OverlaySwitch overlaySwitch(SwitchKind kind) {
        if (kind == SwitchKind.OVS) {
            if (ovs == null) {
                throw new OverlayException("host " + name + " has no Open vSwitch backend; the spec says "
                        + "\"switch\": \"ovs\", so give one with .ovs(...)");
            }
            return ovs;
        }
        if (kind == SwitchKind.OVN) {
            if (ovn == null) {
                throw new OverlayException("host " + name + " has no OVN backend; the spec says "
                        + "\"switch\": \"ovn\", so give one with .ovn(...)");
            }
            return ovn;
        }
        if (linux == null) {
            linux = linuxSwitch != null ? linuxSwitch.apply(links()) : stack.linuxSwitch(namespace)
                    .orElseThrow(() -> new OverlayException("host " + name + " has no Linux switch: the spec says"
                            + " \"switch\": \"linux\", and its stack (" + stack.getClass().getSimpleName()
                            + ") has none of its own; give one with .linuxSwitch(...)"));
            linux.requestHook(hook);
        }
        return linux;
    }

    /** {@code <stateRoot>/<spec>/<host>}: what OverlayKit found and added for {@code spec} here. */
    public Path stateDir(String spec) {
        return stateRoot.resolve(spec).resolve(name);
    }

    /** The root file system of a running container ({@code /proc/PID/root} by default). */
    public Path containerRoot(ContainerInfo container) {
        return containerRoot.apply(container);
    }

    /**
     * Writes a file inside a running container through its root file system ({@link #containerRoot}), e.g.
     * {@code etc/resolv.conf}; nothing runs inside the container.
     *
     * @throws OverlayException naming the file when it cannot be written
     */
    public void writeContainerFile(ContainerInfo container, String relativePath, String content) {
        Path f = containerRoot(container).resolve(relativePath);
        try {
            java.nio.file.Files.createDirectories(f.getParent());
            java.nio.file.Files.writeString(f, content, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new OverlayException("cannot write " + f + " in container " + container.name() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Routes every request of this host's backends (stack, switches, container runtime) through
     * {@code hook}: counting in benchmarks and tests, fault injection in tests. Null removes it.
     */
    public synchronized void requestHook(RequestHook hook) {
        RequestHook h = hook == null ? RequestHook.NONE : hook;
        this.hook = h;
        stack.requestHook(h);
        if (ovs != null) {
            ovs.requestHook(h);
        }
        if (ovn != null) {
            ovn.requestHook(h);
        }
        if (linux != null) {
            linux.requestHook(h);
        }
        if (containers != null) {
            containers.requestHook(h);
        }
    }

    @Override
    public String toString() {
        return "Host[" + name + ", " + namespace.displayName() + "]";
    }

    /** Builder; only the name and the stack are required. */
    public static final class Builder {
        private final String name;
        private NetNamespace namespace;
        private NetworkStack stack;
        private OverlaySwitch ovs;
        private OverlaySwitch ovn;
        private Function<Links, OverlaySwitch> linuxSwitch;
        private ContainerRuntime containers;
        private Path stateRoot;
        private Function<ContainerInfo, Path> containerRoot;
        private io.overlaykit.core.spi.WireGuardDevices wireguard;
        private Secret wireguardPrivateKey;

        private Builder(String name) {
            this.name = name;
        }

        /** The host's namespace; default: the one this JVM runs in. */
        public Builder namespace(NetNamespace ns) {
            this.namespace = ns;
            return this;
        }

        /** The netlink/firewall backend (e.g. overlay-netlink's {@code NetlinkStack}); required. */
        public Builder stack(NetworkStack stack) {
            this.stack = stack;
            return this;
        }

        /** The Open vSwitch backend, for specs with {@code "switch": "ovs"}. */
        public Builder ovs(OverlaySwitch ovs) {
            this.ovs = ovs;
            return this;
        }

        /** The OVN backend (overlay-ovn's {@code OvnSwitch}), for specs with {@code "switch": "ovn"}. */
        public Builder ovn(OverlaySwitch ovn) {
            this.ovn = ovn;
            return this;
        }

        /**
         * How to build the Linux bridge backend on this host's links, for {@code "switch": "linux"}; without
         * one the host uses its stack's ({@link NetworkStack#linuxSwitch}).
         */
        public Builder linuxSwitch(Function<Links, OverlaySwitch> factory) {
            this.linuxSwitch = factory;
            return this;
        }

        /** The container runtime (e.g. overlay-podman's {@code PodmanClient}), for specs with containers. */
        public Builder containers(ContainerRuntime runtime) {
            this.containers = runtime;
            return this;
        }

        /** Where WireGuard interfaces are configured; default: the stack's ({@link NetworkStack#wireguard}). */
        public Builder wireguard(io.overlaykit.core.spi.WireGuardDevices devices) {
            this.wireguard = devices;
            return this;
        }

        /** This host's WireGuard private key, for a spec that gives the host's {@code publicKey}. */
        public Builder wireguardPrivateKey(Secret key) {
            this.wireguardPrivateKey = key;
            return this;
        }

        /** Where state directories go; default {@code /run/overlaykit}. */
        public Builder stateRoot(Path dir) {
            this.stateRoot = dir;
            return this;
        }

        /** How to reach a container's files (tests, or runtimes without /proc access). */
        public Builder containerRoot(Function<ContainerInfo, Path> root) {
            this.containerRoot = root;
            return this;
        }

        /** The host; its Linux switch is found or built on first use. */
        public Host build() {
            return new Host(this);
        }
    }
}
