package io.overlaykit.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.plan.TunnelStatus;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
import io.overlaykit.testkit.TrafficOracle;
import io.overlaykit.testkit.internal.Cli;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An overlay with a psk on real wireguard-go daemons (one per lab host): what crosses the lab's wire, seen by
 * tcpdump in the wire's namespace, is WireGuard UDP between the hosts' underlay addresses and nothing else, not one
 * VXLAN packet, and no 64-byte block of a 10 MiB random transfer between containers on two hosts; the transfer
 * arrives byte for byte. Keys are checked against {@code wg} (wireguard-tools talking to wireguard-go).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractEncryptionIT {
    static final String PSK = "okcrypt-psk-Yt7rQ2mW9xV4nB8kL1pZ";
    private static final int TRANSFER = 10 * 1024 * 1024;

    Lab lab;
    LabOverlay overlay;
    OverlaySpec spec;

    abstract String switchKind();

    abstract String specName();

    static String spec(String name, String switchKind, String psk) {
        return """
                {"name": "%s", "vni": 5011, "subnet": "10.91.0.0/16", "switch": "%s", "psk": "%s",
                 "hosts": [
                  {"name": "hostA", "underlay": "198.51.100.2", "gateway": "10.91.0.1", "egress": false, "containers": [
                    {"name": "a1", "ip": "10.91.1.1", "image": "%s", "command": %s}]},
                  {"name": "hostB", "underlay": "198.51.100.3", "gateway": "10.91.0.2", "egress": false, "containers": [
                    {"name": "b1", "ip": "10.91.2.1", "image": "%4$s", "command": %5$s}]}
                 ]}
                """.formatted(name, switchKind, psk, Lab.TEST_IMAGE, "[\"sh\", \"-c\", \"while sleep 3600; do :; done\"]");
    }

    @BeforeAll
    void startLab() {
        spec = OverlaySpec.read(spec(specName(), switchKind(), PSK));
        lab = LabOverlay.labFor(spec).start();
        overlay = LabOverlay.connect(lab);
    }

    @AfterAll
    void closeLab() {
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
    @Order(1)
    void applyConfiguresEachHostsWireGuardWithKeysThatWgAgreesWith() {
        overlay.applyAll(spec);
        Overlay o = Overlay.of(spec);
        for (String h : List.of("hostA", "hostB")) {
            String wg = o.wireguardInterface(h).value();
            String other = h.equals("hostA") ? "hostB" : "hostA";
            // wg (wireguard-tools) reads wireguard-go, which computed the public key from the private key we set
            assertThat(wgShow(h, wg, "public-key")).isEqualTo(o.wireguardPublicKey(h));
            // and `wg pubkey` (wireguard-tools' own X25519) derives the same public key from the private key
            String priv = wgShow(h, wg, "private-key");
            assertThat(Cli.exec(List.of("wg", "pubkey"), Map.of(), priv + "\n", Duration.ofSeconds(5)).check().stdout().trim())
                    .isEqualTo(o.wireguardPublicKey(h));
            assertThat(wgShow(h, wg, "peers")).isEqualTo(o.wireguardPublicKey(other));
            assertThat(wgShow(h, wg, "listen-port")).isEqualTo("51820");
            assertThat(wgShow(h, wg, "endpoints")).contains(lab.host(other).underlayAddress() + ":51820");
            assertThat(wgShow(h, wg, "allowed-ips")).contains(o.transitAddress(other).getHostAddress() + "/32");
            assertThat(wgShow(h, wg, "preshared-keys")).doesNotContain("(none)");
            // nft (our own table) drops WireGuard packets from anyone but the other host
            String nft = Cli.exec(Cli.inNamespace(lab.host(h).namespace(), "nft", "list", "table", "inet",
                    o.tags().firewallTable()), Map.of(), null, Duration.ofSeconds(10)).check().stdout();
            assertThat(nft).contains("udp dport 51820 ip saddr != " + lab.host(other).underlayAddress() + " drop");
        }
        // a second apply changes nothing
        assertThat(Overlay.of(spec).plan(overlay.host("hostA")).pending()).isEmpty();
    }

    @Test
    @Order(2)
    void theWireCarriesOnlyWireGuardAndNoPlaintext() throws Exception {
        byte[] data = new byte[TRANSFER];
        new SecureRandom().nextBytes(data);
        NetNamespace a1 = overlay.container(spec, "hostA", "a1").namespace();
        NetNamespace b1 = overlay.container(spec, "hostB", "b1").namespace();
        Path pcap = Files.createTempFile("okcrypt-", ".pcap");
        try {
            byte[] received;
            Process dump = capture(pcap);
            try {
                assertThat(TrafficOracle.ping(a1, spec.host("hostB").containers().get(0).ip(), 10)).isTrue();
                received = TrafficOracle.tcpTransfer(a1, b1, spec.host("hostB").containers().get(0).ip(), 7301, data);
            } finally {
                stopCapture(dump);
            }
            assertThat(received.length).isEqualTo(data.length);
            assertThat(received).isEqualTo(data);
            String a = lab.host("hostA").underlayAddress();
            String b = lab.host("hostB").underlayAddress();
            int vxlan = count(pcap, "udp port 4789 or udp port 8472");
            int wgAtoB = count(pcap, "udp and src host " + a + " and dst host " + b + " and port 51820");
            int wgBtoA = count(pcap, "udp and src host " + b + " and dst host " + a + " and port 51820");
            // the kernel's own IGMP reports (from 0.0.0.0, when a link of the wire's namespace comes up) carry nothing
            String notWireGuard = "ip and not igmp and not (udp and port 51820 and (host " + a + " or host " + b + "))";
            int other = count(pcap, notWireGuard);
            System.out.printf("[%s] wire capture: %d WireGuard packets A->B, %d B->A, %d VXLAN, %d other IPv4, %d bytes%n",
                    specName(), wgAtoB, wgBtoA, vxlan, other, Files.size(pcap));
            assertThat(vxlan).as("VXLAN packets on the wire").isZero();
            assertThat(other).as("IPv4 packets on the wire that are not WireGuard between the underlays: %s",
                    other == 0 ? "" : packets(pcap, notWireGuard)).isZero();
            assertThat(wgAtoB).as("WireGuard packets A->B").isGreaterThan(TRANSFER / 1500);
            assertThat(wgBtoA).isPositive();
            assertThat(plaintextBlocks(Files.readAllBytes(pcap), data)).as("64-byte blocks of the payload in the capture")
                    .isZero();
        } finally {
            Files.deleteIfExists(pcap);
        }
    }

    @Test
    @Order(3)
    void everyTunnelReportsWireGuardAndAFreshHandshake() {
        for (String h : List.of("hostA", "hostB")) {
            List<TunnelStatus> tunnels = Overlay.of(spec).tunnels(overlay.host(h));
            assertThat(tunnels).hasSize(1);
            TunnelStatus t = tunnels.get(0);
            assertThat(t.encryption()).isEqualTo("wireguard");
            assertThat(t.healthy()).as(t.describe()).isTrue();
            assertThat(t.age()).isLessThanOrEqualTo(TunnelStatus.REKEY_WINDOW);
            assertThat(t.toMap().toString()).doesNotContain(PSK);
        }
    }

    @Test
    @Order(4)
    void aHostWithAnotherPskIsCutOffAndNothingCrossesInPlaintext() throws Exception {
        OverlaySpec other = OverlaySpec.read(spec(specName(), switchKind(), PSK + "-other"));
        overlay.host("hostB");
        Overlay.of(other).apply(overlay.host("hostB"));
        NetNamespace a1 = overlay.container(spec, "hostA", "a1").namespace();
        Path pcap = Files.createTempFile("okcrypt-", ".pcap");
        try {
            Process dump = capture(pcap);
            boolean reached;
            try {
                reached = TrafficOracle.ping(a1, spec.host("hostB").containers().get(0).ip(), 3)
                        || TrafficOracle.tcpConnects(a1, spec.host("hostB").containers().get(0).ip(), 7302,
                        Duration.ofSeconds(2));
            } finally {
                stopCapture(dump);
            }
            assertThat(reached).as("a1 reaches b1 although hostB has another psk").isFalse();
            assertThat(count(pcap, "udp port 4789 or udp port 8472")).isZero();
            String a = lab.host("hostA").underlayAddress();
            String b = lab.host("hostB").underlayAddress();
            assertThat(count(pcap, "ip and not (udp and port 51820 and (host " + a + " or host " + b + "))")).isZero();
        } finally {
            Files.deleteIfExists(pcap);
        }
        // hostB's only peer is a key hostA does not have: no handshake, named
        TunnelStatus t = Overlay.of(other).tunnels(overlay.host("hostB")).get(0);
        assertThat(t.healthy()).isFalse();
        assertThat(t.describe()).contains("hostB -> hostA").contains("no handshake");
    }

    @Test
    @Order(5)
    void rotatingThePskReplacesEveryKeyAndConnectivityReturns() {
        OverlaySpec rotated = OverlaySpec.read(spec(specName(), switchKind(), PSK + "-rotated"));
        Overlay old = Overlay.of(spec);
        Overlay now = Overlay.of(rotated);
        overlay.applyAll(rotated);
        for (String h : List.of("hostA", "hostB")) {
            String wg = now.wireguardInterface(h).value();
            String other = h.equals("hostA") ? "hostB" : "hostA";
            assertThat(wgShow(h, wg, "public-key")).isEqualTo(now.wireguardPublicKey(h))
                    .isNotEqualTo(old.wireguardPublicKey(h));
            assertThat(wgShow(h, wg, "peers")).isEqualTo(now.wireguardPublicKey(other))
                    .doesNotContain(old.wireguardPublicKey(other));
        }
        NetNamespace a1 = overlay.container(rotated, "hostA", "a1").namespace();
        assertThat(TrafficOracle.ping(a1, rotated.host("hostB").containers().get(0).ip(), 20)).isTrue();
        for (String h : List.of("hostA", "hostB")) {
            assertThat(now.tunnels(overlay.host(h)).get(0).healthy()).isTrue();
        }
        spec = rotated;
    }

    @Test
    @Order(6)
    void teardownClearsTheWireGuardInterfaces() {
        overlay.teardownAll(spec);
        for (String h : List.of("hostA", "hostB")) {
            String wg = Overlay.of(spec).wireguardInterface(h).value();
            assertThat(wgShow(h, wg, "peers")).isEmpty();
            assertThat(wgShow(h, wg, "private-key")).isIn("(none)", "");
            assertThat(Cli.exec(Cli.inNamespace(lab.host(h).namespace(), "ip", "-o", "addr", "show", "dev", wg),
                    Map.of(), null, Duration.ofSeconds(5)).check().stdout()).doesNotContain("inet ");
        }
    }

    @Test
    @Order(7)
    void throughputEncryptedAndPlainSideBySide() {
        long bytes = 100L * 1024 * 1024;
        overlay.applyAll(spec);
        TrafficOracle.Iperf wg = iperf(spec, bytes);
        overlay.teardownAll(spec);
        OverlaySpec plain = OverlaySpec.read(spec(specName(), switchKind(), PSK).replace("\"psk\": \"" + PSK + "\",", ""));
        assertThat(plain.encrypted()).isFalse();
        overlay.applyAll(plain);
        TrafficOracle.Iperf clear = iperf(plain, bytes);
        overlay.teardownAll(plain);
        System.out.printf("[%s] iperf3 a1 -> b1 (one TCP stream, %d MiB): encrypted (WireGuard, wireguard-go) %.0f Mbit/s,"
                + " unencrypted %.0f Mbit/s%n", specName(), bytes >> 20, wg.bitsPerSecond() / 1e6, clear.bitsPerSecond() / 1e6);
        assertThat(wg.bytesSent()).isGreaterThanOrEqualTo(bytes); // iperf3 rounds up to whole blocks
        assertThat(clear.bytesSent()).isGreaterThanOrEqualTo(bytes);
    }

    private TrafficOracle.Iperf iperf(OverlaySpec s, long bytes) {
        NetNamespace a1 = overlay.container(s, "hostA", "a1").namespace();
        NetNamespace b1 = overlay.container(s, "hostB", "b1").namespace();
        assertThat(TrafficOracle.ping(a1, s.host("hostB").containers().get(0).ip(), 20)).isTrue();
        return TrafficOracle.iperf3(a1, b1, s.host("hostB").containers().get(0).ip(), 7303, bytes);
    }

    String wgShow(String host, String wg, String what) {
        return Cli.exec(Cli.inNamespace(lab.host(host).namespace(), "wg", "show", wg, what), Map.of(), null,
                Duration.ofSeconds(10)).check().stdout().trim().replaceAll("^\\S+\\t", "");
    }

    Process capture(Path pcap) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Cli.inNamespace(lab.wireNamespace(), "tcpdump", "-i", "any", "-s", "0", "-U",
                "-w", pcap.toString())).redirectErrorStream(true).redirectOutput(pcap.resolveSibling(pcap.getFileName() + ".log")
                .toFile()).start();
        Path log = pcap.resolveSibling(pcap.getFileName() + ".log");
        for (int i = 0; i < 100 && !Files.readString(log).contains("listening on"); i++) {
            Thread.sleep(50);
        }
        assertThat(Files.readString(log)).contains("listening on");
        return p;
    }

    static void stopCapture(Process p) throws InterruptedException {
        Thread.sleep(300);
        p.destroy(); // SIGTERM: tcpdump flushes and exits
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    /** The packets of the capture that match {@code filter}, as tcpdump prints them. */
    static String packets(Path pcap, String filter) {
        return Cli.exec(List.of("tcpdump", "-r", pcap.toString(), "-nn", "-v", filter), Map.of(), null,
                Duration.ofSeconds(60)).check().stdout();
    }

    static int count(Path pcap, String filter) {
        String out = Cli.exec(List.of("tcpdump", "-r", pcap.toString(), "-nn", filter), Map.of(), null,
                Duration.ofSeconds(60)).check().stdout();
        return (int) out.lines().filter(l -> !l.isBlank()).count();
    }

    /**
     * How many 64-byte-aligned blocks of {@code payload} occur anywhere in {@code capture}. A TCP segment in plaintext
     * would hold over a kilobyte of contiguous payload, so at least one whole aligned block.
     */
    static int plaintextBlocks(byte[] capture, byte[] payload) {
        Map<Long, Integer> first = new HashMap<>();
        ByteBuffer p = ByteBuffer.wrap(payload);
        for (int off = 0; off + 64 <= payload.length; off += 64) {
            first.put(p.getLong(off), off);
        }
        ByteBuffer c = ByteBuffer.wrap(capture);
        int hits = 0;
        for (int i = 0; i + 64 <= capture.length; i++) {
            Integer off = first.get(c.getLong(i));
            if (off != null && java.util.Arrays.equals(capture, i, i + 64, payload, off, off + 64)) {
                hits++;
            }
        }
        return hits;
    }
}
