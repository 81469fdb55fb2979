package io.overlaykit.ovs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.overlaykit.core.Bridge;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.VxlanTunnel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The two-host overlay of SANDBOX.md: hosts okovs-hA/okovs-hB joined by a veth wire, each with its
 * own OVS daemons, {@code br-phy} holding the wire with the underlay address, an overlay bridge with a
 * VXLAN port (key 5000) to the other host, and a container namespace plugged in by a veth. OVS is
 * driven only through this module; links and addresses with {@code ip} (netlink is another module).
 */
@Timeout(120)
class OvsOverlayIT {
    private static final long TEN_MB = 10L * 1024 * 1024;

    @Test
    void tcpCrossesTheOverlay() throws Exception {
        List<AutoCloseable> cleanup = new ArrayList<>();
        try {
            OvsDaemons hA = OvsDaemons.start("okovs-hA", true, true);
            cleanup.add(hA);
            OvsDaemons hB = OvsDaemons.start("okovs-hB", true, true);
            cleanup.add(hB);
            for (String c : List.of("okovs-cA", "okovs-cB")) {
                OvsDaemons.run("ip", "netns", "add", c);
                cleanup.add(() -> OvsDaemons.runQuietly("ip", "netns", "del", c));
            }
            OvsDaemons.run("ip", "link", "add", "okovs-wA", "netns", "okovs-hA", "type", "veth",
                    "peer", "name", "okovs-wB", "netns", "okovs-hB");

            host(hA, "A", "192.0.2.2", "192.0.2.3", "okovs-wA", "okovs-cA", "10.98.0.10");
            host(hB, "B", "192.0.2.3", "192.0.2.2", "okovs-wB", "okovs-cB", "10.98.0.11");

            awaitPing("okovs-cA", "10.98.0.11");

            // Exact count: 10 MiB of random bytes through socat, compared byte for byte at the receiver.
            Path sent = hA.dir.resolve("okovs-sent.bin");
            Path got = hB.dir.resolve("okovs-got.bin");
            byte[] data = new byte[(int) TEN_MB];
            new Random(42).nextBytes(data);
            Files.write(sent, data);
            Process server = new ProcessBuilder("ip", "netns", "exec", "okovs-cB", "socat", "-u",
                    "TCP-LISTEN:5202,reuseaddr", "CREATE:" + got).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            cleanup.add(server::destroyForcibly);
            awaitListening("okovs-cB", 5202);
            long t0 = System.nanoTime();
            OvsDaemons.run("ip", "netns", "exec", "okovs-cA", "socat", "-u", "OPEN:" + sent, "TCP:10.98.0.11:5202");
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("receiver finished").isTrue();
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(Files.size(got)).isEqualTo(TEN_MB);
            assertThat(Arrays.equals(Files.readAllBytes(got), data)).as("payload intact").isTrue();
            System.out.printf("OVS overlay: %d bytes by socat in %.2f s%n", TEN_MB, seconds);

            // Throughput figure for the report (one iperf3 stream).
            OvsDaemons.run("ip", "netns", "exec", "okovs-cB", "iperf3", "-s", "-1", "-D", "-p", "5201",
                    "--pidfile", hB.dir.resolve("iperf3.pid").toString());
            awaitListening("okovs-cB", 5201);
            String json = OvsDaemons.run("ip", "netns", "exec", "okovs-cA", "iperf3", "-c", "10.98.0.11",
                    "-p", "5201", "-n", "50M", "-J");
            JsonNode sum = new ObjectMapper().readTree(json).path("end").path("sum_sent");
            System.out.printf("OVS overlay iperf3: %d bytes in %.2f s = %.2f Gbit/s%n", sum.path("bytes").asLong(),
                    sum.path("seconds").asDouble(), sum.path("bits_per_second").asDouble() / 1e9);
            assertThat(sum.path("bytes").asLong()).isGreaterThanOrEqualTo(50L << 20);
        } finally {
            for (int i = cleanup.size() - 1; i >= 0; i--) {
                try {
                    cleanup.get(i).close();
                } catch (Exception e) {
                    // keep cleaning
                }
            }
        }
    }

    /** One host: br-phy with the wire and the underlay IP, the overlay bridge with the tunnel and the container. */
    private static void host(OvsDaemons h, String id, String underlay, String peer, String wire, String container,
                             String overlayIp) {
        try (OvsdbClient client = OvsdbClient.connect(h.remote(), OvsdbClientOptions.defaults())) {
            OvsSwitch sw = OvsSwitch.create(client, "netdev").waitingForVswitchd(Duration.ofSeconds(10));
            assertThat(sw.needsTxChecksumOff()).isTrue();
            InterfaceName brPhy = InterfaceName.of("br-phy");
            sw.addBridge(brPhy, "netdev", "standalone", "okovs-lab", null);
            h.exec("ethtool", "-K", wire, "tx", "off");
            h.exec("ip", "link", "set", wire, "up");
            sw.attach(brPhy, List.of(InterfaceName.of(wire)), "okovs-lab");
            h.exec("ip", "addr", "add", underlay + "/24", "dev", "br-phy");
            h.exec("ip", "link", "set", "br-phy", "up");

            InterfaceName ovl = InterfaceName.of("okovs-ovl");
            sw.ensureBridge(Bridge.named(ovl.value()), "okovs-ovl");
            sw.addTunnels(ovl, List.of(VxlanTunnel.builder("okovs-vx" + id, 5000).remote(peer).local(underlay).build()),
                    "okovs-ovl");
            String hostEnd = "okovs-p" + id;
            OvsDaemons.run("ip", "link", "add", hostEnd, "netns", h.netns, "type", "veth",
                    "peer", "name", "eth0", "netns", container);
            h.exec("ethtool", "-K", hostEnd, "tx", "off");
            h.exec("ip", "link", "set", hostEnd, "up");
            sw.attach(ovl, List.of(InterfaceName.of(hostEnd)), "okovs-ovl");

            OvsDaemons.run("ip", "netns", "exec", container, "ethtool", "-K", "eth0", "tx", "off");
            OvsDaemons.run("ip", "-n", container, "link", "set", "eth0", "mtu", "1450");
            OvsDaemons.run("ip", "-n", container, "addr", "add", overlayIp + "/24", "dev", "eth0");
            OvsDaemons.run("ip", "-n", container, "link", "set", "eth0", "up");
            OvsDaemons.run("ip", "-n", container, "link", "set", "lo", "up");
            assertThat(sw.tunnels(ovl)).extracting(t -> t.remote().getHostAddress()).containsExactly(peer);
        }
    }

    private static void awaitPing(String netns, String ip) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                OvsDaemons.run("ip", "netns", "exec", netns, "ping", "-c", "1", "-W", "1", ip);
                return;
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new AssertionError("no ping from " + netns + " to " + ip + " across the overlay", last);
    }

    private static void awaitListening(String netns, int port) {
        for (int i = 0; i < 50; i++) {
            if (OvsDaemons.run("ip", "netns", "exec", netns, "ss", "-ltn").contains(":" + port)) {
                return;
            }
            OvsDaemons.sleep(100);
        }
    }
}
