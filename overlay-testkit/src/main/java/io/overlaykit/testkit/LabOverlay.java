package io.overlaykit.testkit;

import io.overlaykit.core.Host;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.check.CheckReport;
import io.overlaykit.core.check.ConnectivityCheck;
import io.overlaykit.core.check.Endpoint;
import io.overlaykit.core.plan.ApplyResult;
import io.overlaykit.core.plan.ProgressListener;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spec.SwitchKind;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.netlink.NetlinkStack;
import io.overlaykit.ovs.OvsSwitch;
import io.overlaykit.ovs.OvsdbRemote;
import io.overlaykit.podman.PodmanClient;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Connects a running {@link Lab} to the overlay engine: one {@link Host} per lab host, built on the lab
 * host's namespace, one {@link NetlinkStack} shared by all of them, the host's own OVS (when the lab runs
 * OVS) and the lab's podman service. State directories live under the lab's run directory, so they go
 * with the lab.
 *
 * <pre>{@code
 * OverlaySpec spec = OverlaySpec.read(Path.of("demo.json"));
 * try (Lab lab = LabOverlay.labFor(spec).start(); LabOverlay overlay = LabOverlay.connect(lab)) {
 *     overlay.applyAll(spec);                 // every host, in spec order; all or nothing
 *     System.out.println(overlay.verifyAll(spec).toTable());
 *     overlay.teardownAll(spec);
 * }
 * }</pre>
 *
 * Closing a {@code LabOverlay} closes its connections only; what was applied stays until
 * {@link #teardownAll} or until the lab is closed.
 */
public final class LabOverlay implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LabOverlay.class.getName());
    /** How long an OVS change may wait for the host's ovs-vswitchd to take it. */
    private static final Duration VSWITCHD_TIMEOUT = Duration.ofSeconds(10);

    private final Lab lab;
    private final NetlinkStack stack;
    private final PodmanClient podman;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final List<OvsSwitch> switches = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private LabOverlay(Lab lab) {
        this.lab = Objects.requireNonNull(lab, "lab");
        this.stack = NetlinkStack.open();
        PodmanClient p = null;
        try {
            p = PodmanClient.connect(lab.podmanSocket());
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        this.podman = p;
    }

    /**
     * A lab builder shaped like {@code spec}: prefix = spec name, one host per spec host with its underlay
     * address on one wire (a prefix length covering every underlay and {@code lab.outside}), the outside
     * namespace when the spec has {@code lab.outside}, OVS when {@code switch} is {@code ovs}, podman, and a
     * {@code wireguard-go} per host when the spec is encrypted with WireGuard.
     * Add {@code persistent(true)} or other settings before {@code start()}.
     */
    public static Lab.Builder labFor(OverlaySpec spec) {
        spec.validate();
        List<InetAddress> all = new ArrayList<>();
        spec.hosts().forEach(h -> all.add(h.underlay()));
        InetAddress outside = spec.lab() == null ? null : spec.lab().outside();
        if (outside != null) {
            all.add(outside);
        }
        Lab.Builder b = Lab.builder().prefix(spec.name())
                .withOvs(spec.switchKind() == SwitchKind.OVS || spec.switchKind() == SwitchKind.OVN).withPodman(true);
        if (spec.switchKind() == SwitchKind.OVN) {
            // one central member per northbound remote's address, in spec order (the southbound ones sit beside them)
            List<String> central = new ArrayList<>();
            for (String r : io.overlaykit.core.spec.OvnSpec.split(spec.ovn().northbound())) {
                String a = r.substring(r.indexOf(':') + 1, r.lastIndexOf(':'));
                all.add(io.overlaykit.core.IpPrefix.parseAddress(a));
                central.add(a);
            }
            int len = wireLength(all);
            b.withOvn(central.stream().map(a -> a + "/" + len).toList(), spec.ovn().encapType());
        }
        int length = wireLength(all);
        for (HostSpec h : spec.hosts()) {
            b.host(h.name(), h.underlay().getHostAddress() + "/" + length);
            if (spec.encryptionMode() == io.overlaykit.core.spec.Encryption.Mode.WIREGUARD) {
                b.wireguard(h.name(), Overlay.of(spec).wireguardInterface(h.name()).value());
            }
        }
        if (outside != null) {
            b.outside(outside.getHostAddress() + "/" + length);
        }
        return b;
    }

    /** Opens the connections to {@code lab}'s backends (the lab must run podman). */
    public static LabOverlay connect(Lab lab) {
        return new LabOverlay(lab);
    }

    /** The lab this overlay runs on. */
    public Lab lab() {
        return lab;
    }

    /** The netlink stack every host of this lab shares (its namespaces, links and firewalls). */
    public NetlinkStack stack() {
        return stack;
    }

    /** The lab's podman service. */
    public PodmanClient podman() {
        return podman;
    }

    /**
     * The engine's view of lab host {@code name}: the lab host's namespace, the shared stack, its OVS when the
     * lab runs OVS (userspace datapath, waiting for ovs-vswitchd), podman, state under the lab's run dir.
     */
    public synchronized Host host(String name) {
        ensureOpen();
        Host h = hosts.get(name);
        if (h == null) {
            LabHost lh = lab.host(name);
            Host.Builder b = Host.builder(name).namespace(lh.namespace()).stack(stack).containers(podman)
                    .stateRoot(lab.stateRoot());
            if (lh.hasOvs() && lab.hasOvn()) {
                NetNamespace ns = lh.namespace();
                io.overlaykit.ovs.OvsdbClientOptions remote = io.overlaykit.ovs.OvsdbClientOptions.defaults()
                        .withSocketOpener(() -> stack.namespaces().callIn(ns, java.nio.channels.SocketChannel::open));
                io.overlaykit.ovn.OvnSwitch ovn = io.overlaykit.ovn.OvnSwitch.connect(new io.overlaykit.ovn.OvnSwitch.Config(
                        name, lab.ovnNorthbound(), lab.ovnSouthbound(), lab.ovnEncap(), "netdev",
                        io.overlaykit.ovn.OvnSwitch.INTEGRATION_BRIDGE), OvsdbRemote.parse(lh.ovsdbRemote()), remote);
                closeables.add(ovn);
                b.ovn(ovn);
            }
            if (lh.hasOvs()) {
                OvsSwitch ovs = OvsSwitch.connect(OvsdbRemote.parse(lh.ovsdbRemote()), "netdev", VSWITCHD_TIMEOUT);
                switches.add(ovs); // the Host does not close its backends; this overlay does
                b.ovs(ovs);
            }
            h = b.build();
            hosts.put(name, h);
        }
        return h;
    }

    /**
     * Applies every host's part of {@code spec} in spec order. When a host fails (its own apply has already
     * undone its steps), the hosts this call brought the overlay to for the first time are torn down again,
     * newest first, and the first error is thrown with any teardown failures suppressed in it. Hosts that
     * carried the overlay before the call keep it, as their own apply converged it.
     *
     * @return each host's result, in spec order
     */
    public Map<String, ApplyResult> applyAll(OverlaySpec spec) {
        return applyAll(spec, ProgressListener.NONE);
    }

    /** {@link #applyAll(OverlaySpec)} reporting every step of every host to {@code listener}. */
    public Map<String, ApplyResult> applyAll(OverlaySpec spec, ProgressListener listener) {
        Overlay overlay = Overlay.of(spec);
        Map<String, ApplyResult> results = new LinkedHashMap<>();
        List<Host> applied = new ArrayList<>();
        for (HostSpec hs : spec.hosts()) {
            Host h = host(hs.name());
            try {
                boolean carriedBefore = !h.overlaySwitch(spec.switchKind()).bridges(Overlay.of(spec).tags().switchOwner()).isEmpty();
                results.put(hs.name(), overlay.apply(h, listener));
                if (!carriedBefore) {
                    applied.add(h);
                }
            } catch (RuntimeException e) {
                // The failed host rolled itself back; take the others back too, so the overlay is all or nothing.
                for (int i = applied.size() - 1; i >= 0; i--) {
                    try {
                        overlay.teardown(applied.get(i));
                    } catch (RuntimeException undo) {
                        e.addSuppressed(undo);
                    }
                }
                throw e;
            }
        }
        return results;
    }

    /** Removes {@code spec}'s objects from every host (in reverse spec order); returns what each did. */
    public Map<String, List<String>> teardownAll(OverlaySpec spec) {
        Overlay overlay = Overlay.of(spec);
        Map<String, List<String>> done = new LinkedHashMap<>();
        OverlayException first = null;
        List<HostSpec> order = new ArrayList<>(spec.hosts());
        java.util.Collections.reverse(order);
        for (HostSpec hs : order) {
            try {
                done.put(hs.name(), overlay.teardown(host(hs.name())));
            } catch (RuntimeException e) {
                if (first == null) {
                    first = new OverlayException("teardown of spec " + spec.name() + " failed on host " + hs.name()
                            + ": " + e.getMessage(), e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return done;
    }

    /**
     * Checks the data path: ICMP and TCP from every container of {@code spec} to every other container and
     * to every host's gateway, from inside the containers' namespaces.
     */
    public CheckReport verifyAll(OverlaySpec spec) {
        return verifyAll(spec, ConnectivityCheck.DEFAULT_TIMEOUT);
    }

    /** {@link #verifyAll(OverlaySpec)} with a probe timeout of its own. */
    public CheckReport verifyAll(OverlaySpec spec, Duration timeout) {
        List<Endpoint> containers = containerEndpoints(spec);
        List<Endpoint> targets = new ArrayList<>(containers);
        for (HostSpec hs : spec.hosts()) {
            targets.add(new Endpoint("gw-" + hs.name(), lab.host(hs.name()).namespace(), hs.gateway()));
        }
        return new ConnectivityCheck(stack.namespaces()).check(containers, targets, timeout);
    }

    /** Every container of {@code spec} as a check endpoint {@code host/container} (they must be running). */
    public List<Endpoint> containerEndpoints(OverlaySpec spec) {
        List<Endpoint> out = new ArrayList<>();
        for (HostSpec hs : spec.hosts()) {
            for (ContainerSpec c : hs.containers()) {
                out.add(new Endpoint(hs.name() + "/" + c.name(), container(spec, hs.name(), c.name()).namespace(), c.ip()));
            }
        }
        return out;
    }

    /** The running container {@code container} of host {@code hostName} (podman name {@code <spec>-<name>}). */
    public ContainerInfo container(OverlaySpec spec, String hostName, String container) {
        ContainerSpec c = spec.host(hostName).container(container).orElseThrow(() -> new InvalidSpecException(
                "hosts." + hostName + ".containers", container, "no such container in spec " + spec.name()));
        String podName = Overlay.of(spec).containerName(c.name());
        return host(hostName).containers().inspect(podName).filter(ContainerInfo::running)
                .orElseThrow(() -> new io.overlaykit.core.NotFoundException("container " + podName + " of spec "
                        + spec.name() + " is not running on lab host " + hostName));
    }

    /** The namespace of lab host {@code name}. */
    public NetNamespace namespace(String name) {
        return lab.host(name).namespace();
    }

    /** Closes the OVSDB connections, the podman client and the netlink stack (idempotent). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (this) {
            for (OvsSwitch s : switches) {
                closeQuietly(s);
            }
            switches.clear();
            for (AutoCloseable c : closeables) {
                closeQuietly(c);
            }
            closeables.clear();
            hosts.clear();
        }
        closeQuietly(podman);
        closeQuietly(stack);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "closing " + c + " failed", e);
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("LabOverlay of lab " + lab.prefix() + " is closed");
        }
    }

    /** The longest prefix length (at most 24) whose network holds every address: one wire, one subnet. */
    static int wireLength(List<InetAddress> addresses) {
        if (addresses.isEmpty()) {
            return 24;
        }
        if (addresses.get(0) instanceof java.net.Inet6Address) {
            return wireLength6(addresses);
        }
        int first = ipv4(addresses.get(0));
        int length = 24;
        for (InetAddress a : addresses) {
            int diff = first ^ ipv4(a);
            length = Math.min(length, Integer.numberOfLeadingZeros(diff));
        }
        return length;
    }

    /** An IPv6 wire: /64, or shorter when the addresses differ in their first 64 bits. */
    private static int wireLength6(List<InetAddress> addresses) {
        java.math.BigInteger first = new java.math.BigInteger(1, addresses.get(0).getAddress());
        int length = 64;
        for (InetAddress a : addresses) {
            if (!(a instanceof java.net.Inet6Address)) {
                throw new InvalidSpecException("lab.outside", a.getHostAddress(), "the lab's wire is of one family: "
                        + "the underlay is IPv6, so outside must be too");
            }
            java.math.BigInteger diff = first.xor(new java.math.BigInteger(1, a.getAddress()));
            length = Math.min(length, diff.signum() == 0 ? 128 : 128 - diff.bitLength());
        }
        return length;
    }

    private static int ipv4(InetAddress a) {
        if (!(a instanceof Inet4Address)) {
            throw new InvalidSpecException("lab.outside", a.getHostAddress(), "the lab's wire is of one family: "
                    + "the underlay is IPv4, so outside must be too");
        }
        return ByteBuffer.wrap(a.getAddress()).getInt();
    }

    @Override
    public String toString() {
        return "LabOverlay[" + lab.prefix() + ", hosts " + hosts.keySet() + "]";
    }
}
