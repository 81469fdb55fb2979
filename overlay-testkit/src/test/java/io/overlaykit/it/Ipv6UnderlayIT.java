package io.overlaykit.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
import io.overlaykit.testkit.TrafficOracle;
import io.overlaykit.testkit.WithLab;
import java.net.InetAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * VXLAN over an IPv6 underlay (issue 17): the lab's wire carries 2001:db8::/64 only; the overlay (dual stack)
 * derives its MTU as the uplink's minus 70 (1430, not 1450), checked with {@code ip -j link}; the tunnel's
 * remote is the peer's IPv6 underlay (by {@code ip -d link}/{@code bridge fdb} or {@code ovs-vsctl}); containers on
 * different hosts ping and move TCP over IPv4 and IPv6 inside it.
 */
@WithLab(podman = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Ipv6UnderlayIT {
    private static final String SLEEP = "[\"sh\", \"-c\", \"while sleep 3600; do :; done\"]";
    private static final String SPEC = """
            {"name": "%1$s", "vni": 5181, "subnet": "10.81.0.0/16", "subnet6": "fd00:81::/64", "switch": "%2$s",
             "lab": {"outside": "2001:db8:81::100"},
             "hosts": [
              {"name": "hostA", "underlay": "2001:db8:81::2", "gateway": "10.81.0.1",
               "containers": [{"name": "a1", "ip": "10.81.1.1", "image": "%3$s", "command": %4$s}],
               "forwards": [{"listen": "[2001:db8:81::5]:8080", "target": "[fd00:81::201]:9000", "mode": "dnat"}]},
              {"name": "hostB", "underlay": "2001:db8:81::3", "gateway": "10.81.0.2", "egress": false,
               "containers": [{"name": "b1", "ip": "10.81.2.1", "image": "%3$s", "command": %4$s}]}
             ]}
            """;

    private OverlaySpec spec;
    private Lab lab;
    private LabOverlay overlay;

    String switchKind() {
        return "linux";
    }

    String specName() {
        return "ckit-u6x17";
    }

    @BeforeAll
    void applyOverlay() {
        spec = OverlaySpec.read(SPEC.formatted(specName(), switchKind(), Lab.TEST_IMAGE, SLEEP));
        lab = LabOverlay.labFor(spec).start();
        overlay = LabOverlay.connect(lab);
        overlay.applyAll(spec);
    }

    @AfterAll
    void close() {
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

    @Test
    void theOverlayRunsOverIpv6WithTheMtuThatLeavesRoomFor70Bytes() throws Exception {
        NetNamespace a1 = overlay.container(spec, "hostA", "a1").namespace();
        NetNamespace b1 = overlay.container(spec, "hostB", "b1").namespace();
        assertThat(Oracle.in(a1, "ip", "-j", "link", "show", "dev", "eth0")).contains("\"mtu\":1430");
        String peer = switchKind().equals("ovs") ? "remote_ip=\"2001:db8:81:0:0:0:0:3\"" : "2001:db8:81::3";
        String tunnelView = switchKind().equals("ovs")
                ? Oracle.in(overlay.namespace("hostA"), "ovs-vsctl", "--db=unix:" + lab.host("hostA").ovsdbSocket(),
                        "--columns=options", "list", "Interface")
                : Oracle.in(overlay.namespace("hostA"), "bridge", "fdb", "show");
        assertThat(tunnelView).as("hostA's tunnel goes to hostB's IPv6 underlay").contains(peer);
        assertThat(TrafficOracle.ping(a1, InetAddress.getByName("10.81.2.1"), 3)).isTrue();
        assertThat(TrafficOracle.ping(a1, InetAddress.getByName("fd00:81::201"), 3)).isTrue();
        assertThat(TrafficOracle.tcpEcho(a1, b1, InetAddress.getByName("10.81.2.1"), 9700, "v4 in v6"))
                .isEqualTo("v4 in v6");
        assertThat(TrafficOracle.tcpEcho(b1, a1, InetAddress.getByName("fd00:81::101"), 9701, "v6 in v6"))
                .isEqualTo("v6 in v6");
        byte[] data = new byte[256 * 1024];
        new java.util.Random(17).nextBytes(data);
        assertThat(TrafficOracle.tcpTransfer(a1, b1, InetAddress.getByName("10.81.2.1"), 9702, data))
                .as("256 KiB across, full-size segments at MTU 1430").isEqualTo(data);
        assertThat(Overlay.of(spec).status(overlay.host("hostA")).isClean()).isTrue();
    }

    @Test
    void ipv6EgressIsMasqueradedAndIpv6DnatKeepsTheClientAddress() throws Exception {
        var namespaces = overlay.stack().namespaces();
        NetNamespace outside = lab.outside().namespace();
        InetAddress outside6 = InetAddress.getByName("2001:db8:81::100");
        NetNamespace a1 = overlay.container(spec, "hostA", "a1").namespace();
        NetNamespace b1 = overlay.container(spec, "hostB", "b1").namespace();
        assertThat(Oracle.in(overlay.namespace("hostA"), "cat", "/proc/sys/net/ipv6/conf/all/forwarding").trim())
                .isEqualTo("1");
        assertThat(Oracle.in(overlay.namespace("hostA"), "nft", "list", "ruleset")).contains("ip6 saddr fd00:81::/64");
        try (EchoService server = EchoService.tcp(namespaces, outside, outside6, 7600)) {
            assertThat(TrafficOracle.ping(a1, outside6, 3)).as("a1 pings outside over IPv6").isTrue();
            Clients.tcpEcho(namespaces, a1, new java.net.InetSocketAddress(outside6, 7600), 1 << 20);
            // masqueraded: an address of hostA's uplink, chosen by the kernel's IPv6 source selection (the
            // forward's listen address 2001:db8:81::5 is one of them), never the container's own
            assertThat(server.lastPeer().getHostAddress()).as("outside sees an address of hostA's uplink")
                    .isIn("2001:db8:81:0:0:0:0:2", "2001:db8:81:0:0:0:0:5");
        }
        try (EchoService service = EchoService.tcp(namespaces, b1, InetAddress.getByName("fd00:81::201"), 9000)) {
            long ms = Clients.tcpEcho(namespaces, outside,
                    new java.net.InetSocketAddress(InetAddress.getByName("2001:db8:81::5"), 8080), 1 << 20);
            System.out.printf("[%s] outside -> [2001:db8:81::5]:8080 -> b1 over IPv6: 1 MiB echoed in %d ms%n",
                    specName(), ms);
            assertThat(service.lastPeer()).as("b1 sees the client's own address").isEqualTo(outside6);
        }
        assertThat(TrafficOracle.tcpEcho(outside, InetAddress.getByName("2001:db8:81::5"), 8080, b1,
                InetAddress.getByName("fd00:81::201"), 9000, "socat over ipv6 dnat")).isEqualTo("socat over ipv6 dnat");
    }
}
