package io.overlaykit.testkit;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.OverlayException;
import io.overlaykit.netlink.NetlinkStack;
import io.overlaykit.podman.PodmanClient;
import io.overlaykit.testkit.internal.Cli;
import io.overlaykit.testkit.internal.LabBuild;
import io.overlaykit.testkit.internal.LabLayout;
import io.overlaykit.testkit.internal.LabState;
import io.overlaykit.testkit.internal.OvsDaemons;
import io.overlaykit.testkit.internal.WireGuardDaemons;
import io.overlaykit.testkit.internal.PodmanService;
import io.overlaykit.testkit.internal.Teardown;
import io.overlaykit.testkit.internal.Wire;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * A virtual lab: several "hosts" on one machine, each a network namespace {@code PREFIX-HOST} joined by an
 * underlay wire (a Linux bridge in namespace {@code PREFIX-wire}), an optional {@code PREFIX-outside}
 * namespace standing for the LAN, optionally per host its own ovsdb-server + ovs-vswitchd (userspace
 * datapath, underlay address on {@code br-phy}), and optionally one private podman service with the busybox
 * test image.
 *
 * <pre>{@code
 * try (Lab lab = Lab.builder().host("hostA", "192.0.2.2/24").host("hostB", "192.0.2.3/24")
 *         .outside("192.0.2.100/24").withOvs(true).withPodman(true).start()) {
 *     lab.host("hostA").exec("ping", "-c1", lab.host("hostB").underlayAddress());
 * }
 * }</pre>
 *
 * Everything the lab makes carries its prefix and is recorded under {@code /run/overlaykit-lab/PREFIX/}
 * before it is made; {@link #close()} (also run from a shutdown hook) removes all of it, and the next
 * start sweeps what a killed run left behind. Another process reaches a running lab with
 * {@link #attach(String)}. Requires root.
 */
public final class Lab implements AutoCloseable {
    /** The busybox image every lab with podman has. */
    public static final String TEST_IMAGE = "localhost/overlaykit/busybox:latest";
    /** Temporary directories of lab runs: {@code RUN_ROOT/PREFIX/...}. */
    public static final Path RUN_ROOT = Path.of("/tmp/overlaykit-lab");
    /** The OVS bridge that holds a host's wire port and its underlay address. */
    public static final String OVS_UPLINK = OvsDaemons.UPLINK;

    private static final System.Logger LOG = System.getLogger(Lab.class.getName());
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");

    private final String prefix;
    private final Path runDir;
    private final LabState state;
    private final Map<String, LabHost> hosts = new LinkedHashMap<>();
    private List<io.overlaykit.testkit.internal.OvnDaemons.Member> ovnCentral = List.of();
    private String ovnEncap;
    private LabHost outside;
    private final boolean podman;
    /** False for a lab this object {@linkplain #attach attached} to: closing it leaves the lab running. */
    private final boolean owner;
    private final NetlinkStack network = NetlinkStack.open();
    private volatile PodmanClient podmanClient;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;
    private Duration startDuration = Duration.ZERO;

    private Lab(String prefix, LabState state, boolean podman, boolean owner) {
        this.prefix = prefix;
        this.runDir = RUN_ROOT.resolve(prefix);
        this.state = state;
        this.podman = podman;
        this.owner = owner;
        this.shutdownHook = new Thread(this::closeQuietly, "overlaykit-lab-" + prefix + "-shutdown");
    }

    /** A builder for a lab; nothing happens until {@link Builder#start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Removes a lab by its prefix, whoever started it: the way to take down a {@linkplain Builder#persistent
     * persistent} lab (e.g. {@code overlay lab down NAME}). Returns false when no such lab is recorded.
     */
    public static boolean destroy(String prefix) {
        LabState s = LabState.of(prefix);
        if (!s.exists()) {
            return false;
        }
        Teardown.run(s);
        return true;
    }

    /**
     * Attaches to the running lab {@code prefix}, started by this or another process (e.g. by
     * {@code overlay lab up}): its hosts, outside endpoint, OVS sockets and podman service as its record says.
     * Closing the returned lab closes this process's connections only; the lab keeps running until its owner
     * closes it or {@link #destroy(String)} removes it.
     *
     * @throws NotFoundException when no lab {@code prefix} runs (none recorded, still starting, or its owner died)
     */
    public static Lab attach(String prefix) {
        LabState s = LabState.of(prefix);
        if (!s.exists()) {
            throw new NotFoundException("no lab '" + prefix + "' is running (no record in " + s.dir() + ")");
        }
        LabLayout layout = LabLayout.readFrom(s);
        if (layout == null) {
            throw new NotFoundException("lab '" + prefix + "' has not finished starting (no layout in " + s.dir() + ")");
        }
        if (s.ownerDead(0)) {
            throw new NotFoundException("lab '" + prefix + "' belonged to a process that died; the next lab start"
                    + " sweeps it (or `Lab.destroy(\"" + prefix + "\")`)");
        }
        Lab lab = new Lab(prefix, s, layout.podman(), false);
        try {
            lab.adopt(layout);
            if (layout.podman()) {
                lab.podmanClient = PodmanClient.connect(lab.podmanSocket());
            }
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** True when a lab {@code prefix} is recorded on this machine (running, starting, or left by a dead run). */
    public static boolean exists(String prefix) {
        return LabState.of(prefix).exists();
    }

    /** The run prefix every name of this lab starts with. */
    public String prefix() {
        return prefix;
    }

    /** The host called {@code name}. */
    public LabHost host(String name) {
        LabHost h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("lab '" + prefix + "' has no host '" + name + "'; hosts: " + hosts.keySet());
        }
        return h;
    }

    /** The hosts in the order they were declared. */
    public List<LabHost> hosts() {
        return List.copyOf(hosts.values());
    }

    /** The {@code outside} endpoint (LAN/internet stand-in); fails if the lab was built without one. */
    public LabHost outside() {
        if (outside == null) {
            throw new IllegalStateException("lab '" + prefix + "' has no outside namespace");
        }
        return outside;
    }

    /** The namespace holding the wire bridge, {@code PREFIX-wire}. */
    public NetNamespace wireNamespace() {
        return NetNamespace.named(prefix + "-wire");
    }

    /** True when the lab runs its own podman service. */
    public boolean hasPodman() {
        return podman;
    }

    /** The socket of the lab's podman service. */
    public Path podmanSocket() {
        if (!podman) {
            throw new IllegalStateException("lab '" + prefix + "' runs no podman (build it withPodman(true))");
        }
        return PodmanService.socket(runDir.resolve("podman"));
    }

    /** SIGKILLs the lab's podman service, as a crash (containers keep running); see {@link #restartPodmanService}. */
    public void killPodmanService() {
        PodmanService.kill(podmanSocket().getParent());
    }

    /** Starts the lab's podman service again on the same storage and socket; returns once it answers. */
    public void restartPodmanService() {
        PodmanService.start(state, podmanSocket().getParent());
    }

    /** The lab's own {@link NetlinkStack} (built its namespaces and wire; closed with the lab), e.g. for a Host. */
    public NetlinkStack network() {
        requireOpen();
        return network;
    }

    /**
     * Creates an extra namespace {@code PREFIX-NAME} with {@code lo} up (e.g. a container stand-in), recorded
     * like the lab's own so that close, the shutdown hook and the sweeper remove it.
     */
    public NetNamespace createNamespace(String name) {
        if (name == null || !HOST.matcher(name).matches() || hosts.containsKey(name) || name.equals("wire")) {
            throw new InvalidSpecException("namespace", name, "must match " + HOST.pattern() + " and be no lab name");
        }
        return Wire.createExtraNamespace(network(), state, prefix + "-" + name);
    }

    /** A client connected to the lab's podman service, shared and closed with the lab. */
    public PodmanClient podman() {
        podmanSocket(); // fails clearly without podman
        requireOpen();
        return podmanClient;
    }

    /** The podman service as a URL for {@code podman --url}: {@code unix:///...}. */
    public String podmanUrl() {
        return "unix://" + podmanSocket();
    }

    /** The lab's temporary directory ({@code /tmp/overlaykit-lab/PREFIX}). */
    public Path runDir() {
        return runDir;
    }

    /** Where the engine keeps the state of this lab's hosts ({@code Host.Builder.stateRoot}): it goes with the lab. */
    public Path stateRoot() {
        return runDir.resolve("overlaykit-state");
    }

    /** False when this object {@linkplain #attach attached} to a lab another process (or object) started. */
    public boolean isOwner() {
        return owner;
    }

    /** How long {@link Builder#start()} took. */
    public Duration startDuration() {
        return startDuration;
    }

    /**
     * Runs a command inside a namespace (named, or a path such as a container's {@code /proc/PID/ns/net}) and
     * returns its stdout; throws a {@link BackendException} with the command line and stderr unless it exits 0.
     */
    public String exec(NetNamespace ns, String... command) {
        return exec(Cli.DEFAULT_TIMEOUT, ns, command);
    }

    /** {@link #exec(NetNamespace, String...)} with a time limit other than 30 s. */
    public String exec(Duration timeout, NetNamespace ns, String... command) {
        return Cli.exec(Cli.inNamespace(ns, command), Map.of(), null, timeout).check().stdout();
    }

    /**
     * Removes everything the lab made: containers, daemons, namespaces, temporary directories and its
     * record. Idempotent; safe to call from any thread. A lab {@linkplain #attach attached} to closes only its
     * own connections and leaves the lab running.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (!owner) {
            try {
                if (podmanClient != null) {
                    podmanClient.close();
                }
            } finally {
                network.close();
            }
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: this is the hook itself.
        }
        long t0 = System.nanoTime();
        PodmanClient client = podmanClient;
        try {
            if (client != null) {
                client.close(); // ends event subscriptions before the service goes
            }
            Teardown.run(state, network.namespaces());
        } finally {
            network.close();
        }
        LOG.log(System.Logger.Level.INFO, "lab ''{0}'' removed in {1} ms", prefix, (System.nanoTime() - t0) / 1_000_000);
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("lab '" + prefix + "' is closed");
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing lab '" + prefix + "' failed", e);
        }
    }

    @Override
    public String toString() {
        return "Lab[" + prefix + ", hosts " + hosts.keySet() + (outside != null ? " + outside" : "")
                + (podman ? ", podman" : "") + (owner ? "" : ", attached") + "]";
    }

    private void build(Builder b) {
        long t0 = System.nanoTime();
        List<LabLayout.Endpoint> shape = new ArrayList<>();
        b.hosts.forEach((name, underlay) -> shape.add(new LabLayout.Endpoint(name, underlay, b.ovs)));
        LabLayout layout = new LabLayout(shape, b.outside, b.podman, b.ovnCentral, b.ovnEncap);
        long wired = new LabBuild(network, state, runDir).run(layout, TEST_IMAGE, client -> podmanClient = client);
        adopt(layout);
        b.wireguard.forEach((host, ifname) -> WireGuardDaemons.start(state, prefix + "-" + host, ifname,
                runDir.resolve("wireguard")));
        layout.writeTo(state); // from now on another process can attach
        startDuration = Duration.ofNanos(System.nanoTime() - t0);
        LOG.log(System.Logger.Level.INFO, "lab ''{0}'' started in {1} ms (namespaces and wire {2} ms, then hosts{3} in"
                + " parallel {4} ms)", prefix, startDuration.toMillis(), (wired - t0) / 1_000_000,
                (b.ovs ? " with OVS" : "") + (b.podman ? ", podman" : ""), (System.nanoTime() - wired) / 1_000_000);
    }

    /** The lab hosts (and outside) of {@code layout}, on namespaces {@code PREFIX-NAME}. */
    private void adopt(LabLayout layout) {
        List<io.overlaykit.testkit.internal.OvnDaemons.Member> central = new ArrayList<>();
        for (int i = 0; i < layout.ovnCentral().size(); i++) {
            String name = LabLayout.centralName(i);
            central.add(new io.overlaykit.testkit.internal.OvnDaemons.Member(prefix + "-" + name,
                    layout.ovnCentral().get(i).address().getHostAddress(), runDir.resolve(name)));
        }
        ovnCentral = List.copyOf(central);
        ovnEncap = layout.ovnEncap();
        for (LabLayout.Endpoint e : layout.hosts()) {
            hosts.put(e.name(), new LabHost(this, e.name(), NetNamespace.named(prefix + "-" + e.name()), e.underlay(),
                    e.ovs() ? runDir.resolve(e.name()) : null));
        }
        if (layout.outside() != null) { // no host may be called "outside": the builder refuses it
            outside = new LabHost(this, "outside", NetNamespace.named(prefix + "-outside"), layout.outside(), null);
        }
    }

    /** Whether the lab runs OVN's central databases and an ovn-controller per host. */
    public boolean hasOvn() {
        return !ovnCentral.isEmpty();
    }

    /** The northbound remotes of the lab's OVN central members ({@code tcp:IP:6641,...}). */
    public String ovnNorthbound() {
        return io.overlaykit.testkit.internal.OvnDaemons.remotes(ovnCentral,
                io.overlaykit.testkit.internal.OvnDaemons.NB_PORT);
    }

    /** The southbound remotes of the lab's OVN central members ({@code tcp:IP:6642,...}). */
    public String ovnSouthbound() {
        return io.overlaykit.testkit.internal.OvnDaemons.remotes(ovnCentral,
                io.overlaykit.testkit.internal.OvnDaemons.SB_PORT);
    }

    /** The encapsulation the lab's hosts use between each other ({@code geneve} or {@code vxlan}). */
    public String ovnEncap() {
        return ovnEncap;
    }

    /** The namespaces of the OVN central members ({@code PREFIX-central}, {@code PREFIX-central2}, ...). */
    public List<NetNamespace> ovnCentralNamespaces() {
        return ovnCentral.stream().map(m -> NetNamespace.named(m.namespace())).toList();
    }

    /** The unix socket of central member {@code i}'s {@code nb} or {@code sb} database (for ovn-nbctl as oracle). */
    public Path ovnSocket(int member, String db) {
        return ovnCentral.get(member).dir().resolve(db + ".sock");
    }

    /** The control socket of central member {@code i}'s {@code nb} or {@code sb} ovsdb-server (for ovs-appctl). */
    public Path ovnControlSocket(int member, String db) {
        return ovnCentral.get(member).dir().resolve(db + ".ctl");
    }

    /** Kills central member {@code i}'s {@code nb} or {@code sb} ovsdb-server (SIGKILL). */
    public void killOvnDb(int member, String db) {
        io.overlaykit.testkit.internal.OvnDaemons.killDb(ovnCentral.get(member), db);
    }

    /** Starts central member {@code i}'s {@code nb} or {@code sb} ovsdb-server again on its database. */
    public void restartOvnDb(int member, String db) {
        io.overlaykit.testkit.internal.OvnDaemons.startDb(ovnCentral.get(member), db,
                db.equals("nb") ? io.overlaykit.testkit.internal.OvnDaemons.NB_PORT
                        : io.overlaykit.testkit.internal.OvnDaemons.SB_PORT);
    }

    /** Collects the lab's shape; {@link #start()} builds it. */
    public static final class Builder {
        private String prefix;
        private final Map<String, IpPrefix> hosts = new LinkedHashMap<>();
        private IpPrefix outside;
        private boolean ovs;
        private boolean podman;
        private boolean persistent;
        private List<IpPrefix> ovnCentral = List.of();
        private String ovnEncap;
        private final Map<String, String> wireguard = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * The prefix of every name the lab makes (namespaces {@code PREFIX-HOST}); default {@code ok} plus
         * four random base-36 characters. A spec-driven lab uses the spec's name.
         */
        public Builder prefix(String prefix) {
            if (prefix == null || !PREFIX.matcher(prefix).matches()) {
                throw new InvalidSpecException("prefix", prefix, "must match " + PREFIX.pattern());
            }
            this.prefix = prefix;
            return this;
        }

        /** Adds a host with its underlay address, e.g. {@code host("hostA", "192.0.2.2/24")}. */
        public Builder host(String name, String underlay) {
            if (name == null || !HOST.matcher(name).matches() || name.equals("wire") || name.equals("outside")) {
                throw new InvalidSpecException("hosts." + name, name, "must match " + HOST.pattern()
                        + " and not be 'wire' or 'outside'");
            }
            if (hosts.containsKey(name)) {
                throw new InvalidSpecException("hosts." + name, name, "declared twice");
            }
            hosts.put(name, IpPrefix.parse(underlay));
            return this;
        }

        /** Adds the {@code outside} namespace on the wire with this address. */
        public Builder outside(String underlay) {
            this.outside = IpPrefix.parse(underlay);
            return this;
        }

        /** Whether each host runs its own ovsdb-server + ovs-vswitchd with {@code br-phy}. */
        public Builder withOvs(boolean ovs) {
            this.ovs = ovs;
            return this;
        }

        /**
         * OVN: central members on the wire with these addresses (one, or three for a Raft cluster), each in its own
         * namespace with the northbound (6641) and southbound (6642) databases, ovn-northd beside the first, and an
         * ovn-controller on every host (which needs {@link #withOvs}).
         */
        public Builder withOvn(List<String> centralUnderlays, String encap) {
            this.ovnCentral = centralUnderlays.stream().map(IpPrefix::parse).toList();
            this.ovnEncap = encap;
            return this;
        }

        /**
         * Runs {@code wireguard-go IFNAME} in host {@code host}'s namespace (for encrypted overlays): the interface
         * name must be unique on the machine (wireguard-go's socket directory is shared by every namespace).
         */
        public Builder wireguard(String host, String ifname) {
            io.overlaykit.core.InterfaceName.of(ifname);
            wireguard.put(host, ifname);
            return this;
        }

        /** Whether the lab runs a private podman service with {@link Lab#TEST_IMAGE}. */
        public Builder withPodman(boolean podman) {
            this.podman = podman;
            return this;
        }

        /**
         * Whether the lab outlives this JVM (default false): no shutdown hook, never swept as a dead run;
         * removed only by {@link Lab#close()} or {@link Lab#destroy(String)}. For labs brought up from a spec by
         * a command that exits.
         */
        public Builder persistent(boolean persistent) {
            this.persistent = persistent;
            return this;
        }

        /**
         * Sweeps leftovers of dead runs, then builds the lab. A start that fails removes what it made before
         * it throws.
         */
        public Lab start() {
            if (hosts.isEmpty() && outside == null) {
                throw new InvalidSpecException("hosts", null, "a lab needs at least one host");
            }
            List<String> missing = new java.util.ArrayList<>(LabPrerequisites.missing(ovs, podman, !ovnCentral.isEmpty()));
            if (!wireguard.isEmpty() && !LabPrerequisites.wireguardMissing().isEmpty()) {
                missing.addAll(LabPrerequisites.wireguardMissing());
            }
            if (!missing.isEmpty()) {
                throw new OverlayException("cannot start a lab: " + String.join(", ", missing));
            }
            Teardown.sweepDeadRuns();
            String p = prefix != null ? prefix : LabState.randomPrefix();
            Lab lab = new Lab(p, LabState.create(p), podman, true);
            // Until the start succeeds, even a persistent lab is cleaned up if this JVM dies.
            Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
            try {
                lab.build(this);
                if (persistent) {
                    lab.state.markPersistent();
                    Runtime.getRuntime().removeShutdownHook(lab.shutdownHook);
                }
                return lab;
            } catch (RuntimeException e) {
                try {
                    lab.close();
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
        }
    }
}
