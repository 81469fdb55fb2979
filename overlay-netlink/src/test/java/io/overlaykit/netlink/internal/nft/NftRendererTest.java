package io.overlaykit.netlink.internal.nft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.core.spi.FirewallTable.Connmark;
import io.overlaykit.core.spi.FirewallTable.Dnat;
import io.overlaykit.core.spi.FirewallTable.ForwardAccept;
import io.overlaykit.core.spi.FirewallTable.Masquerade;
import io.overlaykit.core.spi.FirewallTable.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The renderer against JSON fixtures shaped like nft's own {@code nft -j list} output. */
class NftRendererTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode fixture(String name) throws IOException {
        try (InputStream in = NftRendererTest.class.getResourceAsStream(name)) {
            assertThat(in).as("fixture " + name).isNotNull();
            return MAPPER.readTree(in);
        }
    }

    /** Through text and back, so numbers compare by value whatever node type built them. */
    private static JsonNode normalized(JsonNode node) throws IOException {
        return MAPPER.readTree(node.toString());
    }

    @Test
    void masqueradeWithEveryOption() throws IOException {
        Masquerade m = new Masquerade(IpPrefix.parse("10.1.0.0/24"), InterfaceName.of("eth0"),
                IpPrefix.parse("10.1.0.0/24"), true);
        assertThat(normalized(NftRenderer.masquerade(m))).isEqualTo(fixture("masquerade-full.json"));
    }

    @Test
    void masqueradeIpv6UsesIp6AndTheNetworkAddress() throws IOException {
        Masquerade m = new Masquerade(IpPrefix.parse("fd00::1/64"), null, null, false);
        assertThat(normalized(NftRenderer.masquerade(m))).isEqualTo(fixture("masquerade-ipv6.json"));
    }

    @Test
    void dnatTcpUdpAndIpv6() throws IOException {
        assertThat(normalized(NftRenderer.dnat(dnat(Protocol.TCP, "192.0.2.5", 8080, "10.1.0.2", 80))))
                .isEqualTo(fixture("dnat-tcp.json"));
        assertThat(normalized(NftRenderer.dnat(dnat(Protocol.UDP, "192.0.2.5", 53, "10.1.0.2", 5353))))
                .isEqualTo(fixture("dnat-udp.json"));
        assertThat(normalized(NftRenderer.dnat(dnat(Protocol.TCP, "fd00:0:0:0:0:0:0:5", 8080, "fd00::2", 80))))
                .isEqualTo(fixture("dnat-ipv6.json"));
    }

    @Test
    void connmarkMarksNewConnectionsAndRoutesReplies() throws IOException {
        Connmark c = new Connmark(InterfaceName.of("eth1"), MacAddress.parse("02:00:00:00:00:01"), 16);
        assertThat(normalized(NftRenderer.markNew(c))).isEqualTo(fixture("connmark-new.json"));
        assertThat(normalized(NftRenderer.markReplies(c))).isEqualTo(fixture("connmark-replies.json"));
    }

    @Test
    void untrackedInterfaceGetsNotrackInARawPreroutingChain() {
        FirewallTable.Untracked u = new FirewallTable.Untracked(InterfaceName.of("br0"));
        assertThat(NftRenderer.notrack(u).toString())
                .isEqualTo("[{\"match\":{\"op\":\"==\",\"left\":{\"meta\":{\"key\":\"iifname\"}},\"right\":\"br0\"}},"
                        + "{\"notrack\":null}]");
        assertThat(NftRenderer.rulesByChain(java.util.List.of(u))).containsOnlyKeys(NftChain.RAW_PREROUTING);
        assertThat(NftChain.RAW_PREROUTING.priority()).as("before conntrack (-200)").isLessThan(-200);
    }

    @Test
    void highMarksStayUnsigned() {
        Connmark c = new Connmark(InterfaceName.of("eth1"), MacAddress.parse("02:00:00:00:00:01"), 0x80000001);
        assertThat(NftRenderer.markReplies(c).get(1).get("mangle").get("value").asLong()).isEqualTo(0x80000001L);
    }

    @Test
    void forwardAcceptsRepliesAndDnatIntoTheOverlayAndDropsTheRest() throws IOException {
        ForwardAccept f = new ForwardAccept(IpPrefix.parse("10.1.0.0/24"), InterfaceName.of("br0"));
        JsonNode rendered = MAPPER.createArrayNode().addAll(NftRenderer.forward(f));
        assertThat(normalized(rendered)).isEqualTo(fixture("forward.json"));
    }

    @Test
    void replaceBatchAddsDeletesAndRecreatesWithOnlyTheNeededChains() throws IOException {
        FirewallTable table = new FirewallTable("oknft-t", List.of(
                new Masquerade(IpPrefix.parse("10.1.0.7/32"), null, null, false),
                dnat(Protocol.UDP, "192.0.2.5", 53, "10.1.0.2", 5353)));
        assertThat(normalized(NftRenderer.replaceBatch(table))).isEqualTo(fixture("replace-batch.json"));
    }

    @Test
    void deleteBatchCannotFailOnAMissingTable() throws IOException {
        assertThat(normalized(NftRenderer.deleteBatch("oknft-t"))).isEqualTo(fixture("delete-batch.json"));
    }

    @Test
    void anEmptyTableIsJustTheTable() {
        JsonNode batch = NftRenderer.replaceBatch(new FirewallTable("oknft-empty", List.of()));
        assertThat(batch.get("nftables")).hasSize(3);
    }

    @Test
    void everyChainHasItsHookTypeAndPriority() {
        FirewallTable table = new FirewallTable("oknft-all", List.of(
                new Masquerade(IpPrefix.parse("10.1.0.0/24"), null, null, false),
                dnat(Protocol.TCP, "192.0.2.5", 80, "10.1.0.2", 80),
                new Connmark(InterfaceName.of("eth0"), MacAddress.parse("02:00:00:00:00:02"), 5),
                new ForwardAccept(IpPrefix.parse("10.1.0.0/24"), InterfaceName.of("br0"))));
        JsonNode commands = NftRenderer.replaceBatch(table).get("nftables");
        StringBuilder chains = new StringBuilder();
        commands.forEach(c -> {
            JsonNode chain = c.path("add").get("chain");
            if (chain != null) {
                chains.append(chain.get("name").asText()).append('=').append(chain.get("type").asText())
                        .append('/').append(chain.get("hook").asText()).append('/')
                        .append(chain.get("prio").asInt()).append(' ');
            }
        });
        assertThat(chains.toString().strip()).isEqualTo("nat-prerouting=nat/prerouting/-100 "
                + "nat-output=nat/output/-100 nat-postrouting=nat/postrouting/100 "
                + "mark-prerouting=filter/prerouting/-150 route-output=route/output/-150 forward=filter/forward/0");
        assertThat(commands).hasSize(3 + 6 + 1 + 2 + 2 + 3);
    }

    @Test
    void badInputNeverReachesLibnftables() {
        assertThatThrownBy(() -> NftRenderer.replaceBatch(new FirewallTable("1bad", List.of())))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("1bad");
        assertThatThrownBy(() -> NftRenderer.replaceBatch(new FirewallTable("a b", List.of())))
                .isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> NftRenderer.dnat(dnat(Protocol.TCP, "192.0.2.5", 80, "fd00::2", 80)))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("same IP family");
        assertThatThrownBy(() -> NftRenderer.dnat(dnat(Protocol.TCP, "192.0.2.5", 0, "10.1.0.2", 80)))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> NftRenderer.dnat(dnat(Protocol.UDP, "192.0.2.5", 53, "10.1.0.2", 65536)))
                .isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> NftRenderer.masquerade(new Masquerade(IpPrefix.parse("10.1.0.0/24"), null,
                IpPrefix.parse("fd00::/64"), false))).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> NftRenderer.markNew(new Connmark(InterfaceName.of("eth0"),
                MacAddress.parse("02:00:00:00:00:02"), 0))).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> NftRenderer.masquerade(new Masquerade(null, null, null, false)))
                .isInstanceOf(InvalidSpecException.class);
    }

    @Test
    void ipv6AddressesInTheShortForm() {
        assertThat(NftRenderer.text(IpPrefix.parseAddress("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(NftRenderer.text(IpPrefix.parseAddress("::"))).isEqualTo("::");
        assertThat(NftRenderer.text(IpPrefix.parseAddress("::1"))).isEqualTo("::1");
        assertThat(NftRenderer.text(IpPrefix.parseAddress("fe80::"))).isEqualTo("fe80::");
        assertThat(NftRenderer.text(IpPrefix.parseAddress("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1");
    }

    private static Dnat dnat(Protocol p, String listen, int port, String target, int targetPort) {
        return new Dnat(p, IpPrefix.parseAddress(listen), port, IpPrefix.parseAddress(target), targetPort);
    }
}
