package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.core.spi.FirewallTable.Dnat;
import io.overlaykit.core.spi.FirewallTable.ForwardAccept;
import io.overlaykit.core.spi.FirewallTable.Masquerade;
import io.overlaykit.core.spi.FirewallTable.Protocol;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real traffic through the rules: client (192.0.2.2) -- router (192.0.2.1 | 198.51.100.1) -- server
 * (198.51.100.2). The server side plays the overlay, the router the host with our table.
 */
class NftablesTrafficIT {
    private static final String TABLE = "oknft-traffic";
    private static final String CLIENT = "192.0.2.2";
    private static final String LISTEN = "192.0.2.1";
    private static final String ROUTER_INSIDE = "198.51.100.1";
    private static final String SERVER = "198.51.100.2";
    private static final IpPrefix OVERLAY = IpPrefix.parse("198.51.100.0/24");
    private static final String CLIENT6 = "2001:db8:1::2";
    private static final String LISTEN6 = "2001:db8:1::1";
    private static final String SERVER6 = "2001:db8:2::2";

    private static NetLab lab;
    private static NetNamespace client;
    private static NetNamespace router;
    private static NetNamespace server;
    private static NftablesFirewall firewall;

    @BeforeAll
    static void buildLab() {
        Prerequisites.requireRootAndNftables();
        lab = new NetLab();
        try {
            client = lab.namespace("cli");
            router = lab.namespace("rtr");
            server = lab.namespace("srv");
            lab.veth(client, "c0", CLIENT + "/24", router, "r0", LISTEN + "/24");
            lab.veth(router, "r1", ROUTER_INSIDE + "/24", server, "s0", SERVER + "/24");
            NetLab.ip(client, "route", "add", "default", "via", LISTEN);
            NetLab.ip(server, "route", "add", "default", "via", ROUTER_INSIDE);
            lab.forwarding(router);
            // IPv6 beside IPv4 (documentation prefix; nodad so the addresses work at once).
            NetLab.ip(client, "addr", "add", CLIENT6 + "/64", "dev", "c0", "nodad");
            NetLab.ip(router, "addr", "add", LISTEN6 + "/64", "dev", "r0", "nodad");
            NetLab.ip(router, "addr", "add", "2001:db8:2::1/64", "dev", "r1", "nodad");
            NetLab.ip(server, "addr", "add", SERVER6 + "/64", "dev", "s0", "nodad");
            NetLab.ip(client, "-6", "route", "add", "default", "via", LISTEN6);
            NetLab.ip(server, "-6", "route", "add", "default", "via", "2001:db8:2::1");
            NetLab.exec(router, "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
            // Resolve the IPv6 neighbours before any test counts on a connect timeout.
            NetLab.exec(client, "ping", "-6", "-c", "1", "-W", "5", LISTEN6);
            NetLab.exec(server, "ping", "-6", "-c", "1", "-W", "5", "2001:db8:2::1");
            firewall = new NftablesFirewall(lab.namespaces, router);
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    @AfterAll
    static void removeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @AfterEach
    void dropTable() {
        if (firewall != null) {
            firewall.deleteTable(TABLE);
        }
    }

    private static Dnat tcpForward() {
        return new Dnat(Protocol.TCP, IpPrefix.parseAddress(LISTEN), 8080, IpPrefix.parseAddress(SERVER), 80);
    }

    @Test
    void masqueradeHidesTheOverlayBehindTheRouter() throws Exception {
        try (ServerSocket outside = lab.listen(client, CLIENT, 7001)) {
            assertThat(peerSeen(outside, server, CLIENT, 7001)).as("without the table").isEqualTo(SERVER);

            firewall.replaceTable(new FirewallTable(TABLE, List.of(
                    new Masquerade(OVERLAY, InterfaceName.of("r0"), null, false))));
            assertThat(peerSeen(outside, server, CLIENT, 7001)).isEqualTo(LISTEN);
        }
    }

    @Test
    void masqueradeSparesTheExceptedDestination() throws Exception {
        firewall.replaceTable(new FirewallTable(TABLE, List.of(
                new Masquerade(OVERLAY, null, IpPrefix.parse("192.0.2.0/24"), false))));
        try (ServerSocket outside = lab.listen(client, CLIENT, 7002)) {
            assertThat(peerSeen(outside, server, CLIENT, 7002)).isEqualTo(SERVER);
        }
    }

    @Test
    void tcpDnatReachesTheTargetWhichSeesTheRealClient() throws Exception {
        firewall.replaceTable(new FirewallTable(TABLE, List.of(tcpForward())));
        try (ServerSocket service = lab.listen(server, SERVER, 80)) {
            assertThat(peerSeen(service, client, LISTEN, 8080)).isEqualTo(CLIENT);
        }
    }

    @Test
    void outputDnatServesClientsOnTheRouterItself() throws Exception {
        firewall.replaceTable(new FirewallTable(TABLE, List.of(tcpForward())));
        try (ServerSocket service = lab.listen(server, SERVER, 80)) {
            assertThat(peerSeen(service, router, LISTEN, 8080)).isEqualTo(LISTEN);
        }
    }

    @Test
    void hairpinWorksWithTheDnattedMasquerade() throws Exception {
        firewall.replaceTable(new FirewallTable(TABLE, List.of(tcpForward(),
                new Masquerade(OVERLAY, InterfaceName.of("r1"), null, true))));
        try (ServerSocket service = lab.listen(server, SERVER, 80)) {
            CompletableFuture<InetAddress> seen = NetLab.echoOnce(service);
            // The service reaches itself through the listen address: back through the router, SNATed.
            assertThat(lab.talk(server, LISTEN, 8080, 5000)).isEqualTo("echo:hello");
            assertThat(seen.get(5, TimeUnit.SECONDS).getHostAddress()).isEqualTo(ROUTER_INSIDE);
        }
    }

    @Test
    void udpDnatEchoesThroughTheForward() throws Exception {
        firewall.replaceTable(new FirewallTable(TABLE, List.of(new Dnat(Protocol.UDP,
                IpPrefix.parseAddress(LISTEN), 5353, IpPrefix.parseAddress(SERVER), 53))));
        try (DatagramSocket service = lab.namespaces.callIn(server,
                () -> new DatagramSocket(new InetSocketAddress(InetAddress.getByName(SERVER), 53)))) {
            service.setSoTimeout(5_000);
            CompletableFuture<InetAddress> seen = CompletableFuture.supplyAsync(() -> {
                try {
                    DatagramPacket p = new DatagramPacket(new byte[512], 512);
                    service.receive(p);
                    byte[] reply = ("echo:" + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8);
                    service.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                    return p.getAddress();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            DatagramPacket answer = lab.namespaces.callIn(client, () -> {
                try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(CLIENT), 0))) {
                    s.setSoTimeout(3_000);
                    byte[] query = "ping".getBytes(StandardCharsets.UTF_8);
                    s.send(new DatagramPacket(query, query.length, InetAddress.getByName(LISTEN), 5353));
                    DatagramPacket p = new DatagramPacket(new byte[512], 512);
                    s.receive(p);
                    return p;
                }
            });
            assertThat(new String(answer.getData(), 0, answer.getLength(), StandardCharsets.UTF_8)).isEqualTo("echo:ping");
            assertThat(answer.getSocketAddress()).as("the reply comes from the listen address")
                    .isEqualTo(new InetSocketAddress(InetAddress.getByName(LISTEN), 5353));
            assertThat(seen.get(5, TimeUnit.SECONDS).getHostAddress()).isEqualTo(CLIENT);
        }
    }

    @Test
    void forwardAcceptLetsOnlyForwardsAndRepliesIntoTheOverlay() throws Exception {
        try (ServerSocket service = lab.listen(server, SERVER, 80);
             ServerSocket outside = lab.listen(client, CLIENT, 7003)) {
            CompletableFuture<InetAddress> seen = NetLab.echoOnce(service);
            assertThat(lab.talk(client, SERVER, 80, 5000)).as("without the table, routed straight in")
                    .isEqualTo("echo:hello");
            seen.get(5, TimeUnit.SECONDS);

            firewall.replaceTable(new FirewallTable(TABLE, List.of(tcpForward(),
                    new ForwardAccept(OVERLAY, InterfaceName.of("r1")))));

            assertThatThrownBy(() -> lab.talk(client, SERVER, 80, 1000))
                    .hasRootCauseInstanceOf(SocketTimeoutException.class);

            seen = NetLab.echoOnce(service);
            assertThat(lab.talk(client, LISTEN, 8080, 5000)).as("the forward passes").isEqualTo("echo:hello");
            assertThat(seen.get(5, TimeUnit.SECONDS).getHostAddress()).isEqualTo(CLIENT);

            CompletableFuture<InetAddress> out = NetLab.echoOnce(outside);
            assertThat(lab.talk(server, CLIENT, 7003, 5000)).as("the overlay still reaches out").isEqualTo("echo:hello");
            assertThat(out.get(5, TimeUnit.SECONDS).getHostAddress()).isEqualTo(SERVER);
        }
    }

    @Test
    void ipv6DnatAndMasquerade() throws Exception {
        firewall.replaceTable(new FirewallTable(TABLE, List.of(
                new Dnat(Protocol.TCP, IpPrefix.parseAddress(LISTEN6), 8080, IpPrefix.parseAddress(SERVER6), 80),
                new Masquerade(IpPrefix.parse("2001:db8:2::/64"), InterfaceName.of("r0"), null, false))));
        try (ServerSocket service = lab.listen(server, SERVER6, 80);
             ServerSocket outside = lab.listen(client, CLIENT6, 7004)) {
            CompletableFuture<InetAddress> seen = NetLab.echoOnce(service);
            assertThat(lab.talk(client, LISTEN6, 8080, 5000)).isEqualTo("echo:hello");
            assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo(InetAddress.getByName(CLIENT6));

            CompletableFuture<InetAddress> out = NetLab.echoOnce(outside);
            assertThat(lab.talk(server, CLIENT6, 7004, 5000)).isEqualTo("echo:hello");
            assertThat(out.get(5, TimeUnit.SECONDS)).isEqualTo(InetAddress.getByName(LISTEN6));
        }
    }

    /**
     * Sends a line from {@code from} to {@code address:port}, checks that {@code service} echoed it, and returns
     * the client address the service saw.
     */
    private static String peerSeen(ServerSocket service, NetNamespace from, String address, int port) throws Exception {
        CompletableFuture<InetAddress> seen = NetLab.echoOnce(service);
        assertThat(lab.talk(from, address, port, 5000)).isEqualTo("echo:hello");
        return seen.get(5, TimeUnit.SECONDS).getHostAddress();
    }
}
