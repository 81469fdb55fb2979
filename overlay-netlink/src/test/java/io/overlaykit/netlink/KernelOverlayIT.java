package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.spi.Links;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The two-host kernel overlay of SANDBOX.md built only through this module: hosts oknl-hA and oknl-hB
 * joined by a veth underlay, a bridge and a VXLAN device (vni 5000, port 4789, learning off, flood entry
 * to the other host) on each, a veth into a container namespace on each. Then 16 MiB cross it over TCP
 * between Java sockets opened inside the two container namespaces.
 */
class KernelOverlayIT {
    private static final List<String> NAMESPACES = List.of("oknl-hA", "oknl-hB", "oknl-cA", "oknl-cB");
    private static final int BYTES = 16 << 20;
    private static final int PORT = 5201;
    private NetlinkStack stack;

    @BeforeEach
    void setUp() {
        Oracle.requirePrerequisites();
        stack = NetlinkStack.open();
    }

    @AfterEach
    void tearDown() {
        try {
            NAMESPACES.forEach(stack.namespaces()::delete);
        } finally {
            stack.close();
        }
    }

    private static InterfaceName n(String s) {
        return InterfaceName.of(s);
    }

    private void host(NetNamespace host, NetNamespace container, String wire, String underlayIp, String peerIp,
                      String containerIp) {
        Links h = stack.links(host);
        h.addAddress(n(wire), IpPrefix.parse(underlayIp + "/24"));
        h.setUp(n(wire));
        h.setUp(n("lo"));
        h.create(Bridge.named("oknl-br0"));
        h.create(VxlanTunnel.builder("oknl-vx0", 5000).local(underlayIp).device(wire).build());
        h.addFdb(FdbEntry.flood(n("oknl-vx0"), IpPrefix.parseAddress(peerIp)));
        h.create(VethPair.builder("oknl-ctr").peer("eth0").peerNamespace(container).mtu(1450).build());
        h.setMaster(n("oknl-vx0"), n("oknl-br0"));
        h.setMaster(n("oknl-ctr"), n("oknl-br0"));
        for (String l : List.of("oknl-br0", "oknl-vx0", "oknl-ctr")) {
            h.setUp(n(l));
        }
        Links c = stack.links(container);
        c.addAddress(n("eth0"), IpPrefix.parse(containerIp + "/24"));
        c.setUp(n("eth0"));
        c.setUp(n("lo"));
    }

    @Test
    void tcpCrossesTheKernelVxlanOverlay() throws Exception {
        var ns = stack.namespaces();
        NetNamespace hA = ns.create("oknl-hA");
        NetNamespace hB = ns.create("oknl-hB");
        NetNamespace cA = ns.create("oknl-cA");
        NetNamespace cB = ns.create("oknl-cB");
        stack.links(hA).create(VethPair.builder("oknl-wA").peer("oknl-wB").peerNamespace(hB).build());
        host(hA, cA, "oknl-wA", "192.0.2.2", "192.0.2.3", "10.99.0.10");
        host(hB, cB, "oknl-wB", "192.0.2.3", "192.0.2.2", "10.99.0.11");

        assertThat(stack.links(hA).get(n("oknl-vx0")).mtu()).isEqualTo(1450);
        assertThat(Oracle.in("oknl-hA", "bridge", "fdb", "show", "dev", "oknl-vx0")).contains("dst 192.0.2.3");

        ServerSocket server = ns.callIn(cB, () -> {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(IpPrefix.parseAddress("10.99.0.11"), PORT));
            return s;
        });
        try (server) {
            CompletableFuture<String[]> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    byte[] buf = new byte[64 * 1024];
                    long total = 0;
                    for (int r; (r = in.read(buf)) > 0; ) {
                        md.update(buf, 0, r);
                        total += r;
                    }
                    return new String[] {Long.toString(total), HexFormat.of().formatHex(md.digest())};
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] chunk = new byte[64 * 1024];
            new Random(42).nextBytes(chunk);
            long start = System.nanoTime();
            String sent = ns.callIn(cA, () -> {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(IpPrefix.parseAddress("10.99.0.11"), PORT), 5000);
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < BYTES / chunk.length; i++) {
                        out.write(chunk);
                        md.update(chunk);
                    }
                    s.shutdownOutput();
                }
                return HexFormat.of().formatHex(md.digest());
            });
            String[] got = received.get(60, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("kernel VXLAN overlay: %d bytes in %.3f s = %.1f Mbit/s%n", BYTES, seconds,
                    BYTES * 8 / seconds / 1e6);

            assertThat(Long.parseLong(got[0])).isEqualTo(BYTES);
            assertThat(got[1]).isEqualTo(sent);
        }
        // the bytes really crossed the tunnel: the VXLAN device of host A sent at least the payload
        String stats = Oracle.in("oknl-hA", "ip", "-s", "-j", "link", "show", "dev", "oknl-vx0");
        long txBytes = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stats).get(0)
                .path("stats64").path("tx").path("bytes").asLong();
        assertThat(txBytes).isGreaterThanOrEqualTo(BYTES);
    }
}
