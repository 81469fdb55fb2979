package io.overlaykit.it;

import io.overlaykit.core.Overlay;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.PortForward;
import io.overlaykit.core.check.ConnectivityCheck;
import io.overlaykit.core.check.Probe;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.Namespaces;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
import io.overlaykit.testkit.TrafficOracle;
import io.overlaykit.testkit.WithLab;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Egress and ingress (issue 7) on two lab hosts and the lab's {@code outside} namespace: containers reach
 * {@code outside} masqueraded behind their host's underlay address; a service in a container on hostB is
 * reached from {@code outside} through the listen address 192.0.2.5 on hostA, by kernel DNAT (TCP and UDP,
 * keeping the client address) and by the userspace {@link PortForward}; hairpin; teardown restores hostA.
 */
@WithLab(podman = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EgressIngressIT {
    private static final String IMAGE = Lab.TEST_IMAGE;
    private static final String SLEEP = "[\"sh\", \"-c\", \"while sleep 3600; do :; done\"]";
    private static final String SPEC_TEMPLATE = """
            {"name": "%3$s", "vni": 5078, "subnet": "10.78.0.0/16", "switch": "%4$s",
             "lab": {"outside": "192.0.2.100"},
             "hosts": [
              {"name": "hostA", "underlay": "192.0.2.2", "gateway": "10.78.0.1",
               "containers": [{"name": "a1", "ip": "10.78.1.1", "image": "%1$s", "command": %2$s}],
               "forwards": [
                 {"listen": "192.0.2.5:8080", "target": "10.78.2.1:9000", "mode": "dnat"},
                 {"listen": "192.0.2.5:5353", "target": "10.78.2.1:9053", "mode": "dnat", "protocol": "udp"},
                 {"listen": "192.0.2.5:8081", "target": "10.78.2.1:9001", "mode": "userspace"}]},
              {"name": "hostB", "underlay": "192.0.2.3", "gateway": "10.78.0.2",
               "containers": [{"name": "b1", "ip": "10.78.2.1", "image": "%1$s", "command": %2$s}]}
             ]}
            """;
    private static final InetAddress OUTSIDE = address("192.0.2.100");
    private static final InetAddress LISTEN = address("192.0.2.5");
    private static final InetAddress B1 = address("10.78.2.1");

    private OverlaySpec spec;
    private Lab lab;
    private LabOverlay overlay;
    private Namespaces namespaces;
    private final Map<String, String> ipForwardBefore = new LinkedHashMap<>();
    private EchoService dnatService;
    private EchoService userspaceService;
    private EchoService udpService;
    private PortForward userspaceForward;

    /** The switch of the overlay: {@code linux} here. */
    String switchKind() {
        return "linux";
    }

    /** The spec name and lab prefix. */
    String specName() {
        return "ckit-eg";
    }

    @BeforeAll
    void applyOverlay() {
        spec = OverlaySpec.read(SPEC_TEMPLATE.formatted(IMAGE, SLEEP, specName(), switchKind()));
        lab = LabOverlay.labFor(spec).start();
        overlay = LabOverlay.connect(lab);
        namespaces = overlay.stack().namespaces();
        for (String h : new String[] {"hostA", "hostB"}) {
            ipForwardBefore.put(h, namespaces.readSysctl(overlay.namespace(h), "net.ipv4.ip_forward").trim());
        }
        long t0 = System.nanoTime();
        overlay.applyAll(spec).values().forEach(r -> System.out.printf("[%s] %s: apply %d ms, %d steps%n", specName(),
                r.host(), r.took().toMillis(), r.steps().size()));
        System.out.printf("[%s] applied 2 hosts in %d ms%n", specName(), (System.nanoTime() - t0) / 1_000_000);
        NetNamespace b1 = b1();
        dnatService = EchoService.tcp(namespaces, b1, B1, 9000);
        userspaceService = EchoService.tcp(namespaces, b1, B1, 9001);
        udpService = EchoService.udp(namespaces, b1, B1, 9053);
        // The userspace forwarder listens in hostA and dials from hostA too: 10.78.2.1 is reachable there
        // through hostA's gateway veth and the overlay.
        NetNamespace hostA = overlay.namespace("hostA");
        userspaceForward = PortForward.tcp(new InetSocketAddress(LISTEN, 8081), new InetSocketAddress(B1, 9001))
                .listenNamespace(hostA).targetNamespace(hostA).namespaces(namespaces).start();
    }

    @AfterAll
    void close() throws Exception {
        try {
            for (AutoCloseable c : new AutoCloseable[] {userspaceForward, dnatService, userspaceService, udpService}) {
                if (c != null) {
                    c.close();
                }
            }
        } finally {
            try {
                if (overlay != null) {
                    overlay.close();
                }
            } finally {
                if (lab != null) {
                    lab.close();
                }
            }
        }
    }

    @Test
    @Order(1)
    void containersReachOutsideMasqueradedBehindTheirHost() throws Exception {
        ConnectivityCheck check = new ConnectivityCheck(namespaces);
        NetNamespace outside = lab.outside().namespace();
        try (EchoService server = EchoService.tcp(namespaces, outside, OUTSIDE, 7000)) {
            for (String[] c : new String[][] {{"hostA", "a1", "192.0.2.2"}, {"hostB", "b1", "192.0.2.3"}}) {
                NetNamespace ns = overlay.container(spec, c[0], c[1]).namespace();
                Probe ping = check.icmp(ns, OUTSIDE, Duration.ofSeconds(3));
                assertThat(ping.ok()).as(c[1] + " pings outside: " + ping).isTrue();
                assertThat(TrafficOracle.ping(ns, OUTSIDE, 3)).as(c[1] + " pings outside (iputils)").isTrue();
                assertThat(TrafficOracle.tcpEcho(ns, outside, OUTSIDE, 7100, "egress from " + c[1]))
                        .as("socat echo from " + c[1] + " to outside").isEqualTo("egress from " + c[1]);
                long ms = Clients.tcpEcho(namespaces, ns, new InetSocketAddress(OUTSIDE, 7000), 4 << 20);
                System.out.printf("[%s] %s -> outside: 4 MiB echoed in %d ms%n", specName(), c[1], ms);
                assertThat(server.lastPeer().getHostAddress()).as("the address outside sees for " + c[1])
                        .isEqualTo(c[2]);
            }
        }
    }

    @Test
    @Order(2)
    void dnatOnHostAReachesTheServiceOnHostBWithTheRealClientAddress() {
        NetNamespace outside = lab.outside().namespace();
        long ms = Clients.tcpEcho(namespaces, outside, new InetSocketAddress(LISTEN, 8080), 1 << 20);
        System.out.printf("[%s] outside -> 192.0.2.5:8080 (dnat) -> b1: 1 MiB echoed in %d ms%n", specName(), ms);
        assertThat(dnatService.lastPeer()).as("client address the service sees").isEqualTo(OUTSIDE);
        // the same path with socat at both ends: outside dials the listen address, b1 answers on its own
        assertThat(TrafficOracle.tcpEcho(outside, LISTEN, 8080, b1(), B1, 9000, "dnat by socat"))
                .isEqualTo("dnat by socat");
    }

    @Test
    @Order(3)
    void udpDnatEchoes() {
        Clients.udpEcho(namespaces, lab.outside().namespace(), new InetSocketAddress(LISTEN, 5353), "dns-like query");
        assertThat(udpService.lastPeer()).isEqualTo(OUTSIDE);
    }

    @Test
    @Order(4)
    void userspaceForwardOnHostAReachesTheServiceOnHostBAcrossTheOverlay() {
        NetNamespace outside = lab.outside().namespace();
        long ms = Clients.tcpEcho(namespaces, outside, new InetSocketAddress(LISTEN, 8081), 1 << 20);
        System.out.printf("[%s] outside -> 192.0.2.5:8081 (userspace) -> b1: 1 MiB echoed in %d ms%n", specName(), ms);
        // The forwarder dials from hostA, whose route into the overlay is its gateway veth.
        assertThat(userspaceService.lastPeer()).as("the forwarder's own address on hostA's gateway")
                .isEqualTo(spec.host("hostA").gateway());
        assertThat(userspaceForward.stats().accepted()).isPositive();
        assertThat(TrafficOracle.tcpEcho(outside, LISTEN, 8081, b1(), B1, 9001, "userspace by socat"))
                .isEqualTo("userspace by socat");
    }

    @Test
    @Order(5)
    void hairpinFromTheListenHostAndFromTheServiceItself() {
        for (String[] c : new String[][] {{"hostA", "a1"}, {"hostB", "b1"}}) {
            NetNamespace ns = overlay.container(spec, c[0], c[1]).namespace();
            Clients.tcpEcho(namespaces, ns, new InetSocketAddress(LISTEN, 8080), 64 << 10);
        }
        assertThat(dnatService.peers()).hasSizeGreaterThanOrEqualTo(3);
    }

    /**
     * Scoping: from {@code outside}, with a route into the overlay through hostA, only the forwards reach it;
     * neither another address of hostA nor another port of the listen address leads in; and a network behind
     * hostA that is not the overlay is forwarded unmasqueraded (masquerade is for the overlay subnet only).
     */
    @Test
    @Order(6)
    void fromOutsideNothingButTheForwardsReachesTheOverlay() throws Exception {
        NetNamespace outside = lab.outside().namespace();
        lab.exec(outside, "ip", "route", "replace", "10.78.0.0/16", "via", "192.0.2.2");
        lab.exec(outside, "ip", "route", "replace", "198.51.100.0/24", "via", "192.0.2.2");
        NetNamespace priv = lab.createNamespace("priv");
        NetNamespace hostA = overlay.namespace("hostA");
        lab.exec(hostA, "ip", "link", "add", "okegpriv0", "type", "veth", "peer", "name", "eth0", "netns", priv.name());
        lab.exec(hostA, "ip", "addr", "add", "198.51.100.1/24", "dev", "okegpriv0");
        lab.exec(hostA, "ip", "link", "set", "okegpriv0", "up");
        lab.exec(priv, "ip", "addr", "add", "198.51.100.2/24", "dev", "eth0");
        lab.exec(priv, "ip", "link", "set", "eth0", "up");
        lab.exec(priv, "ip", "route", "add", "default", "via", "198.51.100.1");
        try {
            Duration quick = Duration.ofSeconds(2);
            // straight at the container, bypassing the forward: dropped by the forward filter
            assertThat(TrafficOracle.tcpConnects(outside, B1, 9000, quick)).as("outside -> b1:9000 directly").isFalse();
            assertThat(TrafficOracle.ping(outside, B1, 1)).as("outside pings b1 directly").isFalse();
            // the forward's port on another address of hostA, another port on the listen address: nothing
            assertThat(TrafficOracle.tcpConnects(outside, address("192.0.2.2"), 8080, quick))
                    .as("hostA's underlay address on the forward's port").isFalse();
            assertThat(TrafficOracle.tcpConnects(outside, LISTEN, 9000, quick)).as("listen address, target's port")
                    .isFalse();
            assertThat(TrafficOracle.tcpConnects(outside, LISTEN, 8082, quick)).as("listen address, unlisted port")
                    .isFalse();
            // the forwards themselves still work
            assertThat(TrafficOracle.tcpConnects(outside, LISTEN, 8080, quick)).as("the dnat forward").isTrue();
            // a network behind hostA that is no part of the spec: routed as before, not masqueraded
            try (EchoService server = EchoService.tcp(namespaces, outside, OUTSIDE, 7002)) {
                Clients.tcpEcho(namespaces, priv, new InetSocketAddress(OUTSIDE, 7002), 1024);
                assertThat(server.lastPeer().getHostAddress()).as("the address outside sees for a non-overlay source")
                        .isEqualTo("198.51.100.2");
            }
        } finally {
            lab.exec(outside, "ip", "route", "del", "10.78.0.0/16");
            lab.exec(outside, "ip", "route", "del", "198.51.100.0/24");
            lab.exec(hostA, "ip", "link", "del", "okegpriv0");
        }
    }

    @Test
    @Order(7)
    void teardownRemovesListenAddressTableAndForwarderAndRestoresIpForward() throws Exception {
        userspaceForward.close();
        assertThat(userspaceForward.isOpen()).isFalse();
        overlay.teardownAll(spec);
        NetNamespace hostA = overlay.namespace("hostA");
        assertThat(Oracle.in(hostA, "ip", "-j", "addr", "show")).doesNotContain("\"192.0.2.5\"");
        String table = Overlay.of(spec).tags().firewallTable();
        for (String h : ipForwardBefore.keySet()) {
            NetNamespace ns = overlay.namespace(h);
            assertThat(Oracle.in(ns, "nft", "-j", "list", "tables")).as(h).doesNotContain("\"" + table + "\"");
            assertThat(Oracle.in(ns, "cat", "/proc/sys/net/ipv4/ip_forward").trim()).as("ip_forward on " + h)
                    .isEqualTo(ipForwardBefore.get(h));
        }
        NetNamespace outside = lab.outside().namespace();
        assertThatThrownBy(() -> Clients.tcpEcho(namespaces, outside, new InetSocketAddress(LISTEN, 8081), 16))
                .as("nothing listens on 192.0.2.5:8081 any more").isNotNull();
    }

    private NetNamespace b1() {
        return overlay.container(spec, "hostB", "b1").namespace();
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
