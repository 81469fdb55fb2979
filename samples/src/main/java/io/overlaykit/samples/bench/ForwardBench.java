package io.overlaykit.samples.bench;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Route;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.netlink.NetlinkStack;
import io.overlaykit.netlink.RtnetlinkLinks;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabHost;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code overlay bench forward}: TCP from the lab's outside namespace through a host namespace to a container
 * namespace (a veth away from the host), four ways, with iperf3 for each stream count asked for:
 * <ul>
 * <li>routed: to the container's address, the host forwarding;</li>
 * <li>kernel DNAT: to the host's address, through an nftables table of ours (the SDK's {@link FirewallTable});</li>
 * <li>userspace: through our forwarder ({@code overlay forward}, a {@code PortForward} in a JVM of its own);</li>
 * <li>socat: through {@code socat TCP-LISTEN,fork}.</li>
 * </ul>
 * Then memory per idle connection through our forwarder ({@link IdleConnections}). The lab's links keep their
 * offloads (no userspace datapath reads them).
 */
public final class ForwardBench {
    /** What to run: {@code seconds} per transfer, one transfer per method and stream count. */
    public record Options(int seconds, List<Integer> streams) {
    }

    /** The idle-connection count the issue asks for (fewer when the open-files limit does not allow it). */
    public static final int IDLE_CONNECTIONS = 10_000;

    static final String HOST = "192.0.2.2";
    static final String CONTAINER = "198.51.100.2";
    private static final String HOST_INNER = "198.51.100.1";
    private static final int DNAT_PORT = 5301;
    private static final int USERSPACE_PORT = 5302;
    private static final int SOCAT_PORT = 5303;
    private static final int IDLE_PORT = 5304;
    private static final int SINK_PORT = 5202;
    private static final int MAX_CONNECTIONS = 1_000_000; // the forwarder's own cap must not be the limit

    private ForwardBench() {
    }

    /** Runs the benchmark; {@code progress} gets one line per measurement. */
    public static ForwardResult run(Options o, Consumer<String> progress) {
        Machine machine = Machine.current();
        try (Lab lab = Lab.builder().host("hostA", HOST + "/24").outside("192.0.2.100/24").start();
             Processes processes = new Processes(lab.runDir().resolve("bench"))) {
            LabHost host = lab.host("hostA");
            NetNamespace outside = lab.outside().namespace();
            NetNamespace container = lab.createNamespace("ct");
            wire(lab.network(), host.namespace(), outside, container);
            progress.accept("lab " + lab.prefix() + ": outside 192.0.2.100 -> hostA " + HOST + " -> container "
                    + CONTAINER + " (a veth); DNAT table, overlay forward and socat on hostA");

            Forwarder forwarder = Forwarder.start(processes, host.namespace(), HOST + ":" + USERSPACE_PORT,
                    CONTAINER + ":" + Iperf.PORT, MAX_CONNECTIONS);
            Processes.Background socat = processes.start("socat", Processes.in(host.namespace(), "socat",
                    "TCP-LISTEN:" + SOCAT_PORT + ",bind=" + HOST + ",reuseaddr,fork,backlog=1024",
                    "TCP:" + CONTAINER + ":" + Iperf.PORT), Map.of());
            Iperf.awaitListening(socat, SOCAT_PORT);

            Map<Integer, ForwardResult.Row> rows = new LinkedHashMap<>();
            for (int streams : o.streams()) {
                Map<String, Iperf.Transfer> t = new LinkedHashMap<>();
                t.put("routed", transfer(processes, container, outside, CONTAINER, Iperf.PORT, o.seconds(), streams));
                t.put("dnat", transfer(processes, container, outside, HOST, DNAT_PORT, o.seconds(), streams));
                t.put("userspace", transfer(processes, container, outside, HOST, USERSPACE_PORT, o.seconds(), streams));
                t.put("socat", transfer(processes, container, outside, HOST, SOCAT_PORT, o.seconds(), streams));
                ForwardResult.Row row = new ForwardResult.Row(t);
                rows.put(streams, row);
                progress.accept(streams + " stream" + (streams == 1 ? "" : "s") + ": " + row.describe());
            }
            forwarder.stop();
            processes.stop(socat);

            Forwarder idleForwarder = Forwarder.start(processes, host.namespace(), HOST + ":" + IDLE_PORT,
                    CONTAINER + ":" + SINK_PORT, MAX_CONNECTIONS);
            IdleConnections.Measurement idle = IdleConnections.measure(lab.network().namespaces(), container,
                    new InetSocketAddress(address(CONTAINER), SINK_PORT), outside,
                    new InetSocketAddress(address(HOST), IDLE_PORT), idleForwarder, IDLE_CONNECTIONS);
            idleForwarder.stop();
            progress.accept(String.format(java.util.Locale.ROOT, "%d idle connections through overlay forward: "
                            + "RSS %d -> %d KiB, %.2f KiB each (open-files limit %d)", idle.connections(),
                    idle.rssBeforeKib(), idle.rssWithKib(), idle.kibPerConnection(), idle.openFilesLimit()));
            return new ForwardResult(machine, o.seconds(), rows, idle);
        }
    }

    private static Iperf.Transfer transfer(Processes processes, NetNamespace server, NetNamespace client,
                                           String address, int port, int seconds, int streams) {
        return Iperf.measure(processes, server, client, address, port, seconds, streams);
    }

    /** hostA <-> container on a veth, outside routed to the container via hostA, hostA forwarding and DNAT. */
    private static void wire(NetlinkStack net, NetNamespace host, NetNamespace outside, NetNamespace container) {
        RtnetlinkLinks h = net.links(host);
        InterfaceName hostEnd = InterfaceName.of("bfc");
        InterfaceName eth0 = InterfaceName.of("eth0");
        h.create(VethPair.builder(hostEnd.value()).peer(eth0.value()).peerNamespace(container).build());
        h.addAddress(hostEnd, IpPrefix.parse(HOST_INNER + "/24"));
        h.setUp(hostEnd);
        RtnetlinkLinks c = net.links(container);
        c.addAddress(eth0, IpPrefix.parse(CONTAINER + "/24"));
        c.setUp(eth0);
        c.addRoute(Route.defaultVia(HOST_INNER));
        net.links(outside).addRoute(new Route(IpPrefix.parse("198.51.100.0/24"), address(HOST), null, false,
                Route.MAIN_TABLE, null));
        net.namespaces().writeSysctl(host, "net.ipv4.ip_forward", "1");
        net.firewall(host).replaceTable(new FirewallTable("okbench_forward", List.of(new FirewallTable.Dnat(
                FirewallTable.Protocol.TCP, address(HOST), DNAT_PORT, address(CONTAINER), Iperf.PORT))));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
