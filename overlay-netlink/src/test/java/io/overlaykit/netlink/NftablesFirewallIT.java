package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.overlaykit.core.BackendException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.core.spi.FirewallTable.Connmark;
import io.overlaykit.core.spi.FirewallTable.Dnat;
import io.overlaykit.core.spi.FirewallTable.ForwardAccept;
import io.overlaykit.core.spi.FirewallTable.Masquerade;
import io.overlaykit.core.spi.FirewallTable.Protocol;
import io.overlaykit.netlink.internal.nft.NftRenderer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Table lifecycle in a throwaway namespace, checked with {@code nft -j} as the oracle. */
class NftablesFirewallIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String TABLE = "oknft-test";

    private final LinuxNamespaces namespaces = new LinuxNamespaces();
    private final String nsName = "oknft-fw-" + ProcessHandle.current().pid();
    private NetNamespace ns;
    private NftablesFirewall firewall;

    @BeforeEach
    void setUp() {
        Prerequisites.requireRootAndNftables();
        ns = namespaces.create(nsName);
        firewall = new NftablesFirewall(namespaces, ns);
    }

    @AfterEach
    void tearDown() {
        try {
            namespaces.delete(nsName);
        } finally {
            namespaces.close();
        }
    }

    private static FirewallTable fullTable() {
        return new FirewallTable(TABLE, List.of(
                new Masquerade(IpPrefix.parse("10.20.0.0/16"), InterfaceName.of("eth0"),
                        IpPrefix.parse("10.20.0.0/16"), false),
                new Masquerade(IpPrefix.parse("10.20.0.0/16"), null, null, true),
                new Dnat(Protocol.TCP, IpPrefix.parseAddress("192.0.2.10"), 8080,
                        IpPrefix.parseAddress("10.20.0.5"), 80),
                new Dnat(Protocol.UDP, IpPrefix.parseAddress("192.0.2.10"), 53,
                        IpPrefix.parseAddress("10.20.0.5"), 5353),
                new Dnat(Protocol.TCP, IpPrefix.parseAddress("2001:db8::10"), 8080,
                        IpPrefix.parseAddress("fd00::5"), 80),
                new Connmark(InterfaceName.of("eth0"), MacAddress.parse("02:00:00:00:00:01"), 0x77),
                new ForwardAccept(IpPrefix.parse("10.20.0.0/16"), InterfaceName.of("ovgw0"))));
    }

    @Test
    void replaceCreatesEveryChainAndRule() throws Exception {
        firewall.replaceTable(fullTable());

        JsonNode listing = oracle();
        assertThat(chains(listing)).containsExactlyInAnyOrder("nat-prerouting", "nat-output",
                "nat-postrouting", "mark-prerouting", "route-output", "forward");
        // 2 masquerade + 3 dnat x 2 chains + 2 connmark + 3 forward
        assertThat(rules(listing)).hasSize(13);
        assertThat(firewall.tables()).contains(TABLE);
        List<String> described = firewall.describe(TABLE);
        assertThat(described).hasSize(13).contains(
                "nat-postrouting: ip saddr 10.20.0.0/16 oifname \"eth0\" ip daddr != 10.20.0.0/16 masquerade",
                "nat-postrouting: ip saddr 10.20.0.0/16 ct status dnat masquerade",
                "nat-prerouting: ip daddr 192.0.2.10 tcp dport 8080 dnat ip to 10.20.0.5:80",
                "nat-output: ip daddr 192.0.2.10 udp dport 53 dnat ip to 10.20.0.5:5353",
                "nat-prerouting: ip6 daddr 2001:db8::10 tcp dport 8080 dnat ip6 to [fd00::5]:80",
                "mark-prerouting: iifname \"eth0\" ether saddr 02:00:00:00:00:01 ct state new ct mark set 0x00000077",
                "route-output: ct mark 0x00000077 meta mark set 0x00000077",
                "forward: oifname \"ovgw0\" ip daddr 10.20.0.0/16 ct status dnat accept",
                "forward: oifname \"ovgw0\" ip daddr 10.20.0.0/16 drop");
    }

    @Test
    void replaceWithFewerRulesRemovesTheOldOnes() throws Exception {
        firewall.replaceTable(fullTable());
        firewall.replaceTable(new FirewallTable(TABLE, List.of(
                new Masquerade(IpPrefix.parse("10.30.0.0/24"), null, null, false))));

        JsonNode listing = oracle();
        assertThat(chains(listing)).containsExactly("nat-postrouting");
        assertThat(rules(listing)).hasSize(1);
        assertThat(firewall.describe(TABLE)).containsExactly("nat-postrouting: ip saddr 10.30.0.0/24 masquerade");
    }

    @Test
    void deleteRemovesTheTableAndReportsAbsence() {
        firewall.replaceTable(fullTable());
        assertThat(firewall.deleteTable(TABLE)).isTrue();

        assertThat(Shell.tryRun("ip", "netns", "exec", nsName, "nft", "list", "table", "inet", TABLE).exitCode())
                .isNotZero();
        assertThat(firewall.tables()).doesNotContain(TABLE);
        assertThat(firewall.deleteTable(TABLE)).isFalse();
        assertThatThrownBy(() -> firewall.describe(TABLE)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining(TABLE).hasMessageContaining(nsName);
    }

    @Test
    void tablesListsOtherTablesToo() {
        Shell.run("ip", "netns", "exec", nsName, "nft", "add", "table", "ip", "oknft-other");
        firewall.replaceTable(fullTable());
        assertThat(firewall.tables()).containsExactlyInAnyOrder("oknft-other", TABLE);
        firewall.deleteTable(TABLE);
        assertThat(firewall.tables()).containsExactly("oknft-other");
    }

    @Test
    void aRefusedBatchCarriesNftsTextAndKeepsThePreviousTable() throws Exception {
        firewall.replaceTable(fullTable());
        String before = Shell.run("ip", "netns", "exec", nsName, "nft", "list", "table", "inet", TABLE);

        // A port mapping without a transport match: nft's evaluator refuses it, after the delete.
        ObjectNode batch = NftRenderer.replaceBatch(new FirewallTable(TABLE, List.of(
                new Masquerade(IpPrefix.parse("10.40.0.0/24"), null, null, false))));
        ObjectNode bad = MAPPER.readValue("{\"add\":{\"rule\":{\"family\":\"inet\",\"table\":\"" + TABLE + "\","
                + "\"chain\":\"nat-postrouting\",\"expr\":[{\"dnat\":{\"family\":\"ip\",\"addr\":\"10.0.0.1\","
                + "\"port\":80}}]}}}", ObjectNode.class);
        ((ArrayNode) batch.get("nftables")).add(bad);

        assertThatThrownBy(() -> firewall.run(batch.toString(), false, "replace table inet " + TABLE))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("transport protocol mapping is only valid after transport protocol match")
                .hasMessageContaining(TABLE)
                .hasMessageContaining(nsName);
        assertThat(Shell.run("ip", "netns", "exec", nsName, "nft", "list", "table", "inet", TABLE)).isEqualTo(before);
    }

    @Test
    void theKernelsRefusalReachesTheCaller() {
        // A nat chain in the output hook of family inet is fine; 'dnat' in a filter chain is not.
        String batch = "{\"nftables\":[{\"add\":{\"table\":{\"family\":\"inet\",\"name\":\"" + TABLE + "\"}}},"
                + "{\"add\":{\"chain\":{\"family\":\"inet\",\"table\":\"" + TABLE + "\",\"name\":\"f\","
                + "\"type\":\"filter\",\"hook\":\"forward\",\"prio\":0,\"policy\":\"accept\"}}},"
                + "{\"add\":{\"rule\":{\"family\":\"inet\",\"table\":\"" + TABLE + "\",\"chain\":\"f\",\"expr\":["
                + "{\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"tcp\",\"field\":\"dport\"}},"
                + "\"right\":80}},{\"dnat\":{\"family\":\"ip\",\"addr\":\"10.0.0.1\",\"port\":80}}]}}}]}";
        assertThatThrownBy(() -> firewall.run(batch, false, "replace table inet " + TABLE))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("Error: ")
                .hasMessageContaining(nsName);
        assertThat(firewall.tables()).doesNotContain(TABLE);
    }

    @Test
    void replacingIsQuickAndStaysOneTable() {
        firewall.replaceTable(fullTable()); // warm up: library load, first context
        int rounds = 30;
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            firewall.replaceTable(fullTable());
        }
        double millis = (System.nanoTime() - start) / 1e6 / rounds;
        System.out.printf("NftablesFirewallIT: replaceTable with 13 rules took %.2f ms on average%n", millis);
        assertThat(millis).isLessThan(1000);
        assertThat(firewall.tables()).containsOnlyOnce(TABLE);
        assertThat(firewall.describe(TABLE)).hasSize(13);
    }

    private JsonNode oracle() throws Exception {
        return MAPPER.readTree(Shell.run("ip", "netns", "exec", nsName, "nft", "-j", "list", "table", "inet", TABLE));
    }

    private static List<String> chains(JsonNode listing) {
        List<String> names = new ArrayList<>();
        listing.get("nftables").forEach(item -> {
            if (item.has("chain")) {
                names.add(item.get("chain").get("name").asText());
            }
        });
        return names;
    }

    private static List<JsonNode> rules(JsonNode listing) {
        List<JsonNode> rules = new ArrayList<>();
        listing.get("nftables").forEach(item -> {
            if (item.has("rule")) {
                rules.add(item.get("rule"));
            }
        });
        return rules;
    }
}
