package io.overlaykit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.overlaykit.core.NetNamespace;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * TX checksum offload on the lab's wire: off only where a userspace datapath reads the frames (the wire end
 * towards an OVS host, and br-phy), on everywhere else, so that a Linux-switch lab runs the kernel's fast path.
 * Checked with {@code ethtool -k} inside the namespaces; an OVS lab must still carry TCP both ways.
 */
@WithLab(hosts = 2, ovs = true)
class LabOffloadIT {
    private static final String ON = "tx-checksumming: on";
    private static final String OFF = "tx-checksumming: off";
    /**
     * A one-second transfer moves gigabytes on a healthy path; broken checksums move nothing (the connection
     * never opens, or stalls). Not a fixed byte count ({@code -n}): iperf3's server stops counting when the
     * client has written its last byte into the socket buffers, which can be before the first byte arrived.
     */
    private static final long AT_LEAST = 1024 * 1024;

    @Test
    void aLabWithoutOvsKeepsTxChecksumOffloadOnEveryLink() {
        try (Lab lab = Lab.builder().host("hostA", "192.0.2.2/24").host("hostB", "192.0.2.3/24")
                .outside("192.0.2.100/24").start()) {
            for (LabHost h : List.of(lab.host("hostA"), lab.host("hostB"), lab.outside())) {
                assertThat(h.exec("ethtool", "-k", "eth0")).as(h.name()).contains(ON);
            }
            for (String wireEnd : List.of("w0-hostA", "w1-hostB", "w2-outside")) {
                assertThat(lab.exec(lab.wireNamespace(), "ethtool", "-k", wireEnd)).as(wireEnd).contains(ON);
            }
            assertThat(lab.network().links(lab.host("hostA").namespace()).txChecksum(
                    io.overlaykit.core.InterfaceName.of("eth0"))).isTrue();
            assertThat(received(lab, lab.host("hostA").namespace(), lab.host("hostB"), 5401)).isGreaterThan(AT_LEAST);
        }
    }

    @Test
    void anOvsLabTurnsItOffOnlyWhereTheUserspaceDatapathReads(Lab lab) {
        assertThat(lab.exec(lab.wireNamespace(), "ethtool", "-k", "w0-hostA")).contains(OFF);
        assertThat(lab.exec(lab.wireNamespace(), "ethtool", "-k", "w1-hostB")).contains(OFF);
        assertThat(lab.host("hostA").exec("ethtool", "-k", Lab.OVS_UPLINK)).contains(OFF);
        assertThat(lab.outside().exec("ethtool", "-k", "eth0")).contains(ON);
        assertThat(lab.exec(lab.wireNamespace(), "ethtool", "-k", "w2-outside")).contains(ON);
    }

    @Test
    void anOvsLabCarriesTcpFromOutsideAndBetweenHosts(Lab lab) {
        LabHost a = lab.host("hostA");
        LabHost b = lab.host("hostB");
        assertThat(received(lab, lab.outside().namespace(), a, 5402)).as("outside -> hostA br-phy")
                .isGreaterThan(AT_LEAST);
        assertThat(received(lab, a.namespace(), b, 5403)).as("hostA -> hostB").isGreaterThan(AT_LEAST);
        assertThat(received(lab, b.namespace(), lab.outside(), 5404)).as("hostB -> outside").isGreaterThan(AT_LEAST);
    }

    /** Waits until process {@code pid} listens on TCP {@code port}, as its own /proc/PID/net/tcp6 (or tcp) says. */
    private static void awaitListening(long pid, int port) {
        String local = String.format(":%04X", port);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (String table : List.of("tcp", "tcp6")) {
                try {
                    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc",
                            Long.toString(pid), "net", table))) {
                        String[] f = line.trim().split("\\s+");
                        if (f.length > 3 && f[1].endsWith(local) && f[3].equals("0A")) { // 0A: LISTEN
                            return;
                        }
                    }
                } catch (java.io.IOException e) {
                    // not started yet
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("iperf3 -s (pid " + pid + ") does not listen on port " + port);
    }

    /** Sends for one second with iperf3 from {@code client} to {@code server}'s underlay; bytes the server counted. */
    private static long received(Lab lab, NetNamespace client, LabHost server, int port) {
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", server.namespace().name(), "iperf3", "-s", "-1",
                "-p", Integer.toString(port)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process iperf;
        try {
            iperf = pb.start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot start iperf3 -s in " + server.namespace().name(), e);
        }
        try {
            awaitListening(iperf.pid(), port);
            String json = lab.exec(Duration.ofSeconds(20), client, "iperf3", "-c", server.underlayAddress(),
                    "-p", Integer.toString(port), "-t", "1", "-J", "--connect-timeout", "3000");
            JsonNode root = new ObjectMapper().readTree(json.getBytes(StandardCharsets.UTF_8));
            if (root.has("error")) {
                return 0; // iperf3 3.12 can exit 0 with an error in its JSON (no connection)
            }
            return root.path("end").path("sum_received").path("bytes").asLong();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("iperf3 printed no JSON", e);
        } finally {
            iperf.destroy();
            try {
                iperf.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
