package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.core.spi.FirewallTable.Connmark;
import io.overlaykit.core.spi.FirewallTable.Dnat;
import io.overlaykit.core.spi.FirewallTable.Protocol;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ingress through another host's gateway keeps the client address: a container whose default route
 * points at its own host (gateway B) answers a connection DNATed to it by the ingress host (gateway A)
 * back through A, thanks to a connection mark and a policy route inside the container.
 *
 * <pre>
 * client 192.0.2.2 -- 192.0.2.1 [A] 10.77.0.1 --+
 *                                               br0 10.77.0.2 [B, no route to the client]
 *                     container 10.77.0.10 -----+  (default via B)
 * </pre>
 */
class NftablesConnmarkIT {
    private static final String TABLE = "oknft-connmark";
    private static final int MARK = 0x77;
    private static final MacAddress GATEWAY_A_MAC = MacAddress.parse("02:00:00:77:00:01");

    private static NetLab lab;
    private static NetNamespace client;
    private static NetNamespace hostA;
    private static NetNamespace container;

    @BeforeAll
    static void buildLab() {
        Prerequisites.requireRootAndNftables();
        lab = new NetLab();
        try {
            client = lab.namespace("cmc");
            hostA = lab.namespace("cma");
            NetNamespace hostB = lab.namespace("cmb");
            container = lab.namespace("cmk");
            lab.veth(client, "c0", "192.0.2.2/24", hostA, "a0", "192.0.2.1/24");
            lab.veth(hostA, "a1", "10.77.0.1/24", hostB, "bA", null);
            lab.veth(container, "k0", "10.77.0.10/24", hostB, "bK", null);
            NetLab.ip(hostA, "link", "set", "a1", "address", GATEWAY_A_MAC.toString());
            NetLab.ip(hostB, "link", "add", "br0", "type", "bridge");
            NetLab.ip(hostB, "addr", "add", "10.77.0.2/24", "dev", "br0");
            NetLab.ip(hostB, "link", "set", "bA", "master", "br0");
            NetLab.ip(hostB, "link", "set", "bK", "master", "br0");
            NetLab.ip(hostB, "link", "set", "br0", "up");
            NetLab.ip(client, "route", "add", "default", "via", "192.0.2.1");
            NetLab.ip(container, "route", "add", "default", "via", "10.77.0.2");
            // What the core adds beside the rule: marked packets route via the ingress gateway.
            NetLab.ip(container, "route", "add", "default", "via", "10.77.0.1", "table", "77");
            NetLab.ip(container, "rule", "add", "fwmark", Integer.toString(MARK), "table", "77");
            lab.forwarding(hostA);
            new NftablesFirewall(lab.namespaces, hostA).replaceTable(new FirewallTable(TABLE, List.of(
                    new Dnat(Protocol.TCP, IpPrefix.parseAddress("192.0.2.1"), 8080,
                            IpPrefix.parseAddress("10.77.0.10"), 80))));
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    @AfterAll
    static void removeLab() {
        if (lab != null) {
            lab.close(); // the tables go with their namespaces
        }
    }

    @Test
    void repliesLeaveThroughTheGatewayTheRequestCameFrom() throws Exception {
        NftablesFirewall inContainer = new NftablesFirewall(lab.namespaces, container);
        try (ServerSocket service = lab.listen(container, "10.77.0.10", 80)) {
            // Without the mark the SYN-ACK follows the default route to B, which cannot deliver it.
            // (The kernel answers the SYN from the listen queue; nobody needs to accept yet.)
            assertThatThrownBy(() -> lab.talk(client, "192.0.2.1", 8080, 1500))
                    .hasRootCauseInstanceOf(SocketTimeoutException.class);

            inContainer.replaceTable(new FirewallTable(TABLE, List.of(
                    new Connmark(InterfaceName.of("k0"), GATEWAY_A_MAC, MARK))));
            assertThat(inContainer.describe(TABLE)).containsExactly(
                    "mark-prerouting: iifname \"k0\" ether saddr 02:00:00:77:00:01 ct state new ct mark set 0x00000077",
                    "route-output: ct mark 0x00000077 meta mark set 0x00000077");

            CompletableFuture<InetAddress> seen = NetLab.echoOnce(service);
            assertThat(lab.talk(client, "192.0.2.1", 8080, 5000)).isEqualTo("echo:hello");
            assertThat(seen.get(5, TimeUnit.SECONDS).getHostAddress()).as("the real client")
                    .isEqualTo("192.0.2.2");
        }
    }
}
