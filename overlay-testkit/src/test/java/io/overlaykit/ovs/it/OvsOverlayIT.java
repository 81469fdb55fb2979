package io.overlaykit.ovs.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.overlaykit.core.Bridge;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.netlink.RtnetlinkLinks;
import io.overlaykit.ovs.OvsSwitch;
import io.overlaykit.ovs.OvsdbClient;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabHost;
import io.overlaykit.testkit.TrafficOracle;
import io.overlaykit.testkit.WithLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The two-host overlay of SANDBOX.md on the lab: hosts A and B with their own OVS daemons and {@code br-phy}
 * (the lab's wire link plus the underlay address), here an overlay bridge with a VXLAN port (key 5000) to the
 * other host, and a container stand-in namespace plugged in by a veth. OVS is driven only through overlay-ovs,
 * links and addresses only through overlay-netlink (the lab's NetlinkStack); {@code ip}/{@code socat}/
 * {@code iperf3} run only as oracles and load.
 */
@Timeout(120)
@WithLab(hosts = 2, ovs = true, outside = false)
class OvsOverlayIT {
    private static final long TEN_MB = 10L * 1024 * 1024;
    private static final String OWNER = "okovs-ovl";

    @Test
    void tcpCrossesTheOverlay(Lab lab) throws Exception {
        LabHost a = lab.host("hostA");
        LabHost b = lab.host("hostB");
        NetNamespace cA = lab.createNamespace("cA");
        NetNamespace cB = lab.createNamespace("cB");
        long t0 = System.nanoTime();
        host(lab, a, "A", b.underlayAddress(), cA, "10.98.0.10/24");
        host(lab, b, "B", a.underlayAddress(), cB, "10.98.0.11/24");
        System.out.printf("OVS overlay: both hosts wired through overlay-ovs + overlay-netlink in %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);

        awaitPing(lab, cA, "10.98.0.11");

        // Exact count: 10 MiB of random bytes through socat, compared byte for byte at the receiver.
        Path sent = lab.runDir().resolve("okovs-sent.bin");
        Path got = lab.runDir().resolve("okovs-got.bin");
        byte[] data = new byte[(int) TEN_MB];
        new Random(42).nextBytes(data);
        Files.write(sent, data);
        Process server = new ProcessBuilder("ip", "netns", "exec", cB.name(), "socat", "-u",
                "TCP-LISTEN:5202,reuseaddr", "CREATE:" + got).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            TrafficOracle.awaitListening(cB, 5202, Duration.ofSeconds(5));
            long t1 = System.nanoTime();
            lab.exec(cA, "socat", "-u", "OPEN:" + sent, "TCP:10.98.0.11:5202");
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("receiver finished").isTrue();
            double seconds = (System.nanoTime() - t1) / 1e9;
            assertThat(Files.size(got)).isEqualTo(TEN_MB);
            assertThat(Arrays.equals(Files.readAllBytes(got), data)).as("payload intact").isTrue();
            System.out.printf("OVS overlay: %d bytes by socat in %.2f s%n", TEN_MB, seconds);
        } finally {
            server.destroyForcibly();
        }

        // Throughput figure for the report (one iperf3 stream); the lab kills it with the namespace if need be.
        lab.exec(cB, "iperf3", "-s", "-1", "-D", "-p", "5201");
        TrafficOracle.awaitListening(cB, 5201, Duration.ofSeconds(5));
        String json = lab.exec(cA, "iperf3", "-c", "10.98.0.11", "-p", "5201", "-n", "50M", "-J");
        JsonNode sum = new ObjectMapper().readTree(json).path("end").path("sum_sent");
        System.out.printf("OVS overlay iperf3: %d bytes in %.2f s = %.2f Gbit/s%n", sum.path("bytes").asLong(),
                sum.path("seconds").asDouble(), sum.path("bits_per_second").asDouble() / 1e9);
        assertThat(sum.path("bytes").asLong()).isGreaterThanOrEqualTo(50L << 20);
    }

    /** One host: the overlay bridge with the tunnel and the container's veth; br-phy is the lab's. */
    private static void host(Lab lab, LabHost h, String id, String peer, NetNamespace container, String overlayIp) {
        RtnetlinkLinks hostLinks = lab.network().links(h.namespace());
        RtnetlinkLinks inside = lab.network().links(container);
        try (OvsdbClient client = OvsdbClient.connect(h.ovsdbRemote())) {
            OvsSwitch sw = OvsSwitch.create(client, "netdev").waitingForVswitchd(Duration.ofSeconds(10));
            assertThat(sw.needsTxChecksumOff()).isTrue();
            InterfaceName ovl = InterfaceName.of("okovs-ovl");
            sw.ensureBridge(Bridge.named(ovl.value()), OWNER);
            sw.addTunnels(ovl, List.of(VxlanTunnel.builder("okovs-vx" + id, 5000).remote(peer)
                    .local(h.underlayAddress()).build()), OWNER);

            InterfaceName hostEnd = InterfaceName.of("okovs-p" + id);
            InterfaceName eth0 = InterfaceName.of("eth0");
            hostLinks.create(VethPair.builder(hostEnd.value()).peer(eth0.value()).peerNamespace(container).build());
            hostLinks.disableTxChecksum(hostEnd); // its frames are read by a userspace-datapath port
            hostLinks.setUp(hostEnd);
            sw.attach(ovl, List.of(hostEnd), OWNER);

            inside.disableTxChecksum(eth0);
            inside.setMtu(eth0, 1450); // room for the 50-byte VXLAN header on a 1500 underlay
            inside.addAddress(eth0, IpPrefix.parse(overlayIp));
            inside.setUp(eth0);
            assertThat(sw.tunnels(ovl)).extracting(t -> t.remote().getHostAddress()).containsExactly(peer);
        }
    }

    private static void awaitPing(Lab lab, NetNamespace ns, String ip) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                lab.exec(ns, "ping", "-c", "1", "-W", "1", ip);
                return;
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new AssertionError("no ping from " + ns.name() + " to " + ip + " across the overlay", last);
    }

}
