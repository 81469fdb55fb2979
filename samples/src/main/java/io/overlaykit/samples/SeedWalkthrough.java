package io.overlaykit.samples;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.Host;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.PortForward;
import io.overlaykit.core.Route;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.check.ConnectivityCheck;
import io.overlaykit.core.check.Probe;
import io.overlaykit.core.check.Transfer;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.ContainerRequest;
import io.overlaykit.core.spi.ContainerRuntime;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.core.spi.Links;
import io.overlaykit.core.spi.NetworkStack;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The seed walkthrough (the blog post this project automates), one typed SDK call per step of the post,
 * on two hosts and an {@code outside} machine: a bridge per host, a VXLAN tunnel with key 5000, containers
 * without a network, a veth per container, addresses, a cross-host ping and TCP transfer, a gateway per
 * host, default routes, {@code ip_forward}, DNS, masquerade and a transfer to {@code outside}, then a
 * secondary address on host A and a port forward from {@code outside} to the {@code nc} echo server of
 * the container on host B. After each step a check proves it worked; {@link #run()} stops at the first
 * failed check.
 *
 * <pre>{@code
 * try (SeedWalkthrough seed = new SeedWalkthrough(stack, podman, hostA, hostB, outsideNs, outsideIp, image, listener)) {
 *     boolean allPassed = seed.run();
 * }
 * }</pre>
 *
 * The walkthrough creates but does not remove: on a lab, closing the lab removes everything; {@link #close()}
 * stops the port forward (it lives in this JVM).
 */
public final class SeedWalkthrough implements AutoCloseable {
    /** Owner tag of the bridges and tunnels, and the label of the containers. */
    public static final String OWNER = "overlaykit-seed";
    /** The VXLAN key of the post. */
    public static final int VNI = 5000;
    /** The bridge name of the post. */
    public static final String BRIDGE = "ovs-br0";
    /** The overlay MTU: 1500 on the underlay minus 50 for VXLAN. */
    public static final int MTU = 1450;
    /** The port the containers' {@code nc} echo server listens on. */
    public static final int ECHO_PORT = 9000;
    /** The secondary address on host A's uplink, and the port forwarded from it. */
    public static final String SECONDARY = "192.0.2.5";
    public static final int FORWARD_PORT = 1234;

    /** Hears about each step and each check. */
    public interface Listener {
        /** A step did {@code what} in {@code took}. */
        void did(String step, String what, Duration took);

        /** A check of {@code step} passed or failed. */
        void checked(String step, String what, boolean passed, Duration took);
    }

    private final NetworkStack stack;
    private final ContainerRuntime podman;
    private final List<SeedHost> hosts;
    private final NetNamespace outside;
    private final InetAddress outsideIp;
    private final String image;
    private final Listener listener;
    private final ConnectivityCheck check;
    private final Map<String, ContainerInfo> containers = new LinkedHashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private int checks;

    public SeedWalkthrough(NetworkStack stack, ContainerRuntime podman, SeedHost hostA, SeedHost hostB,
                           NetNamespace outside, InetAddress outsideIp, String image, Listener listener) {
        this.stack = Objects.requireNonNull(stack, "stack");
        this.podman = Objects.requireNonNull(podman, "podman");
        this.hosts = List.of(hostA, hostB);
        this.outside = Objects.requireNonNull(outside, "outside");
        this.outsideIp = Objects.requireNonNull(outsideIp, "outsideIp");
        this.image = Objects.requireNonNull(image, "image");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.check = new ConnectivityCheck(stack.namespaces());
    }

    /** How many checks passed so far. */
    public int checksPassed() {
        return checks;
    }

    /** Runs every step of the post; true when every check passed. */
    public boolean run() {
        SeedHost a = hosts.get(0);
        SeedHost b = hosts.get(1);
        InterfaceName br = InterfaceName.of(BRIDGE);
        InterfaceName eth0 = InterfaceName.of("eth0");

        // 1. A bridge per host (ovs-vsctl add-br ovs-br0 / ip link add br0 type bridge).
        step("bridge", () -> {
            for (SeedHost h : hosts) {
                h.overlaySwitch().ensureBridge(Bridge.named(BRIDGE).withMtu(MTU), OWNER);
            }
            return h("bridge " + BRIDGE + " (" + a.overlaySwitch().kind() + ", mtu " + MTU + ")");
        }, () -> all(h -> h.overlaySwitch().bridges(OWNER).contains(br)), "the switch lists " + BRIDGE + " as ours");

        // 2. A VXLAN port per remote host, key 5000 (ovs-vsctl add-port ovs-br0 vxlan0 -- set interface
        //    vxlan0 type=vxlan options:remote_ip=B options:key=5000).
        step("vxlan", () -> {
            for (SeedHost h : hosts) {
                SeedHost peer = h == a ? b : a;
                h.overlaySwitch().addTunnels(br, List.of(VxlanTunnel.builder("vx-" + peer.name(), VNI)
                        .remote(peer.underlay()).local(h.underlay()).device(h.uplink().value()).build()), OWNER);
            }
            return h("vxlan key " + VNI + " to the other host's underlay");
        }, () -> all(h -> h.overlaySwitch().tunnels(br).stream().anyMatch(t -> t.vni().value() == VNI
                && t.remote() != null && t.remote().equals((h == a ? b : a).underlay()))),
                "each bridge has a tunnel with key " + VNI + " to its peer");

        // 3. Containers with no network (podman run --network none).
        step("containers", () -> {
            for (SeedHost h : hosts) {
                podman.remove(h.container()); // a leftover of an earlier run
                containers.put(h.name(), podman.run(ContainerRequest.builder(h.container(), image)
                        .command("sh", "-c", "nc -ll -p " + ECHO_PORT + " -e cat & while sleep 3600; do :; done")
                        .label("io.overlaykit.demo", OWNER).build()));
            }
            return hosts.stream().map(h -> h.container() + " (pid " + container(h).pid() + ")").toList()
                    + " with --network none";
        }, () -> all(h -> stack.links(container(h).namespace()).list().stream()
                .allMatch(l -> l.name().value().equals("lo"))), "each container's namespace has only lo");

        // 4. A veth per container: one end in the container as eth0, the other plugged into the bridge.
        step("veths", () -> {
            for (SeedHost h : hosts) {
                NetNamespace ns = container(h).namespace();
                InterfaceName hostEnd = InterfaceName.of("veth-" + h.name());
                Links links = stack.links(h.namespace());
                Links inside = stack.links(ns);
                links.create(VethPair.builder(hostEnd.value()).peer("eth0").peerNamespace(ns).mtu(MTU).build());
                h.overlaySwitch().attach(br, List.of(hostEnd), OWNER);
                if (Switches.userspaceDatapath(h.overlaySwitch())) { // userspace datapath: see SANDBOX.md
                    links.disableTxChecksum(hostEnd);
                    inside.disableTxChecksum(eth0);
                }
                links.setUp(hostEnd);
                inside.setUp(InterfaceName.of("lo"));
                inside.setUp(eth0);
            }
            return h("veth-<host> on " + BRIDGE + " <-> eth0 in the container");
        }, () -> all(h -> h.overlaySwitch().ports(br).contains(InterfaceName.of("veth-" + h.name()))
                && stack.links(container(h).namespace()).get(eth0).up()), "ports on the bridge, eth0 up inside");

        // 5. Addresses (ip addr add 172.16.0.10/24 dev eth0, inside the container).
        step("addresses", () -> {
            for (SeedHost h : hosts) {
                stack.links(container(h).namespace()).addAddress(eth0, h.containerIp());
            }
            return hosts.stream().map(h -> h.container() + " " + h.containerIp()).toList().toString();
        }, () -> all(h -> stack.links(container(h).namespace()).addresses(eth0).stream()
                .anyMatch(x -> x.prefix().equals(h.containerIp()))), "eth0 holds the address");

        // 6. Cross-host ping, then a TCP transfer through the tunnel.
        step("ping", () -> "ping " + b.containerIp().address().getHostAddress() + " from " + a.container(),
                () -> probe(check.icmp(container(a).namespace(), b.containerIp().address(), Duration.ofSeconds(5))),
                "ICMP echo from " + a.container() + " on " + a.name() + " to " + b.container() + " on " + b.name());
        Transfer[] t = new Transfer[1];
        step("transfer", () -> {
            t[0] = check.tcpTransfer(container(a).namespace(), container(b).namespace(), b.containerIp().address(),
                    8L << 20);
            return "8 MiB each way " + a.container() + " <-> " + b.container() + ": up "
                    + Transfer.formatRate(t[0].uploadBitsPerSecond()) + ", down "
                    + Transfer.formatRate(t[0].downloadBitsPerSecond());
        }, () -> t[0].bytesReceived() == t[0].bytesSent(), "every byte came back intact");

        // 7. A gateway per host, with a distinct address per host (one shared address would make ARP flap).
        //    OVS: a veth whose bridge end is a port and whose other end holds the address (the post's way).
        //    Linux bridge: the address on the bridge itself, like docker0 (see gateway() for why).
        step("gateway", () -> {
            for (SeedHost h : hosts) {
                gateway(h, br);
            }
            return hosts.stream().map(h -> h.name() + " " + gatewayLink(h) + " " + h.gateway()).toList().toString();
        }, () -> allProbes(h -> check.icmp(container(h).namespace(), h.gateway().address(), Duration.ofSeconds(5))),
                "each container pings its host's gateway");

        // 8. Default route in each container (ip route add default via 172.16.0.1).
        step("default route", () -> {
            for (SeedHost h : hosts) {
                stack.links(container(h).namespace()).addRoute(Route.defaultVia(h.gateway().address()));
            }
            return h("default via the host's gateway in " + a.container() + ", " + b.container());
        }, () -> all(h -> stack.links(container(h).namespace()).routes(Route.MAIN_TABLE).stream()
                .anyMatch(r -> r.destination() == null || r.destination().length() == 0)), "the route is there");

        // 9. ip_forward (sysctl -w net.ipv4.ip_forward=1).
        step("ip_forward", () -> {
            for (SeedHost h : hosts) {
                stack.namespaces().writeSysctl(h.namespace(), "net.ipv4.ip_forward", "1");
            }
            return h("net.ipv4.ip_forward=1");
        }, () -> all(h -> stack.namespaces().readSysctl(h.namespace(), "net.ipv4.ip_forward").trim().equals("1")),
                "the sysctl reads 1");

        // 10. DNS inside the containers (echo nameserver ... > /etc/resolv.conf).
        String resolv = "nameserver " + outsideIp.getHostAddress() + "\n";
        step("dns", () -> {
            for (SeedHost h : hosts) {
                writeResolvConf(h, container(h), resolv);
            }
            return "nameserver " + outsideIp.getHostAddress() + " in /etc/resolv.conf of each container";
        }, () -> all(h -> podman.exec(h.container(), List.of("cat", "/etc/resolv.conf"), Duration.ofSeconds(10))
                .stdout().contains(resolv.trim())), "`cat /etc/resolv.conf` inside each container shows it");

        // 11. Masquerade out of the uplink (iptables -t nat -A POSTROUTING -s 172.16.0.0/24 -o eth0 -j MASQUERADE).
        IpPrefix subnet = a.containerIp().network();
        InetAddress[] seenAs = new InetAddress[1];
        step("masquerade", () -> {
            for (SeedHost h : hosts) {
                stack.firewall(h.namespace()).replaceTable(new FirewallTable("overlaykit_seed",
                        List.of(new FirewallTable.Masquerade(subnet, h.uplink(), subnet, false))));
            }
            Transfer out = check.tcpTransfer(container(a).namespace(), outside, outsideIp, 4L << 20);
            seenAs[0] = Probes.peerSeenBy(stack.namespaces(), container(a).namespace(), outside, outsideIp);
            return "masquerade " + subnet + " out of the uplink; " + a.container() + " -> outside 4 MiB each way at "
                    + Transfer.formatRate(out.uploadBitsPerSecond());
        }, () -> seenAs[0].equals(a.underlay()),
                "a server in outside sees " + a.container() + " as " + a.underlay().getHostAddress() + " (the host)");

        // 12. A secondary address on host A's uplink, and a TCP forward from it to the nc echo server in the
        //     container on host B (the post's socat/nc step), reached from outside.
        InetAddress secondary = IpPrefix.parseAddress(SECONDARY);
        InetSocketAddress target = new InetSocketAddress(b.containerIp().address(), ECHO_PORT);
        String[] echoed = new String[1];
        step("port forward", () -> {
            stack.links(a.namespace()).addAddress(a.uplink(), new IpPrefix(secondary, 24));
            PortForward forward = PortForward.tcp(new InetSocketAddress(secondary, FORWARD_PORT), target)
                    .listenNamespace(a.namespace()).targetNamespace(a.namespace())
                    .namespaces(stack.namespaces()).start();
            closeables.add(forward);
            echoed[0] = Probes.echo(stack.namespaces(), outside, new InetSocketAddress(secondary, FORWARD_PORT),
                    "hello from outside");
            return SECONDARY + "/24 on " + a.name() + " " + a.uplink() + "; forward " + SECONDARY + ":" + FORWARD_PORT
                    + " -> " + b.containerIp().address().getHostAddress() + ":" + ECHO_PORT + " (nc -e cat in "
                    + b.container() + ")";
        }, () -> "hello from outside".equals(echoed[0]),
                "outside sent a line to " + SECONDARY + ":" + FORWARD_PORT + " and " + b.container() + " on " + b.name()
                        + " echoed it");
        return true;
    }

    /** Stops the port forward; idempotent. */
    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                System.getLogger(SeedWalkthrough.class.getName()).log(System.Logger.Level.WARNING,
                        "closing " + c + ": " + e.getMessage());
            }
        }
        closeables.clear();
    }

    /** The link that holds the gateway address on {@code h}. */
    private static String gatewayLink(SeedHost h) {
        return h.overlaySwitch().kind().equals("ovs") ? "gw0" : BRIDGE;
    }

    private void gateway(SeedHost h, InterfaceName br) {
        Links links = stack.links(h.namespace());
        if (!h.overlaySwitch().kind().equals("ovs")) {
            // A Linux bridge holds the address itself, like docker0. With the post's gateway veth instead, the
            // bridge device (no address of its own, arp_ignore=0) also answers ARP for the gateway address, so
            // some frames reach the host's stack through the bridge device and masqueraded TCP to outside stalls.
            links.addAddress(br, h.gateway());
            return;
        }
        InterfaceName gw = InterfaceName.of("gw0");
        InterfaceName port = InterfaceName.of("gw0-port");
        links.create(VethPair.builder("gw0-port").peer("gw0").mtu(MTU).build());
        h.overlaySwitch().attach(br, List.of(port), OWNER);
        if (Switches.userspaceDatapath(h.overlaySwitch())) {
            links.disableTxChecksum(port);
            links.disableTxChecksum(gw);
        }
        links.addAddress(gw, h.gateway());
        links.setUp(port);
        links.setUp(gw);
    }

    private ContainerInfo container(SeedHost h) {
        ContainerInfo ci = containers.get(h.name());
        if (ci == null) {
            throw new IllegalStateException("container of " + h.name() + " is not running yet");
        }
        return ci;
    }

    private String h(String what) {
        return what + " on " + hosts.get(0).name() + ", " + hosts.get(1).name();
    }

    private boolean all(java.util.function.Predicate<SeedHost> test) {
        return hosts.stream().allMatch(test);
    }

    private boolean allProbes(java.util.function.Function<SeedHost, Probe> probe) {
        return hosts.stream().allMatch(h -> probe(probe.apply(h)));
    }

    private static boolean probe(Probe p) {
        if (!p.ok()) {
            throw new SeedCheckFailed(p.toString());
        }
        return true;
    }

    private void writeResolvConf(SeedHost h, ContainerInfo ci, String content) {
        // The planner's own write, through the container's root as the engine's Host finds it.
        Host host = Host.builder(h.name()).namespace(h.namespace()).stack(stack).build();
        host.writeContainerFile(ci, "etc/resolv.conf", content);
    }

    /** Runs one step and its check; a failed check (false or an exception) throws {@link SeedCheckFailed}. */
    private void step(String name, java.util.function.Supplier<String> action,
                      java.util.function.BooleanSupplier verify, String what) {
        long t0 = System.nanoTime();
        String did = action.get();
        listener.did(name, did, Duration.ofNanos(System.nanoTime() - t0));
        long t1 = System.nanoTime();
        boolean ok;
        String detail = what;
        try {
            ok = verify.getAsBoolean();
        } catch (RuntimeException e) {
            ok = false;
            detail = what + ": " + e.getMessage();
        }
        listener.checked(name, detail, ok, Duration.ofNanos(System.nanoTime() - t1));
        if (!ok) {
            throw new SeedCheckFailed("step " + name + ": check failed: " + detail);
        }
        checks++;
    }

    /** A check of the walkthrough did not pass. */
    public static final class SeedCheckFailed extends io.overlaykit.core.OverlayException {
        private static final long serialVersionUID = 1L;

        SeedCheckFailed(String message) {
            super(message);
        }
    }
}
