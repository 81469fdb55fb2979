package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.overlaykit.core.Bridge;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.spi.Links;
import io.overlaykit.core.spi.Links.LinkEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Links in a fresh namespace per test, checked with {@code ip -j -d link} and {@code ethtool -k}. */
class LinksIT extends InFreshNamespace {
    private static final String PEER_NS = "oknl-p-" + ProcessHandle.current().pid();

    LinksIT() {
        super("l");
    }

    @AfterEach
    void deletePeerNamespace() {
        stack.namespaces().delete(PEER_NS); // runs before the base class closes the stack
    }

    private static InterfaceName n(String s) {
        return InterfaceName.of(s);
    }

    @Test
    void vethPeerIsCreatedDirectlyInItsNamespace() {
        NetNamespace peerNs = stack.namespaces().create(PEER_NS);

        LinkInfo info = links.create(VethPair.builder("oknl-a").peer("eth0").peerNamespace(peerNs).mtu(1450)
                .peerMac(MacAddress.parse("02:00:00:00:00:0b")).alias("oknl test").build());

        assertThat(info.kind()).isEqualTo("veth");
        assertThat(info.mtu()).isEqualTo(1450);
        JsonNode here = Oracle.link(NS, "oknl-a");
        assertThat(here.path("linkinfo").path("info_kind").asText()).isEqualTo("veth");
        assertThat(here.path("mtu").asInt()).isEqualTo(1450);
        assertThat(here.path("ifalias").asText()).isEqualTo("oknl test");
        JsonNode there = Oracle.link(PEER_NS, "eth0");
        assertThat(there.path("mtu").asInt()).isEqualTo(1450);
        assertThat(there.path("address").asText()).isEqualTo("02:00:00:00:00:0b");
        assertThat(stack.links(peerNs).get(n("eth0")).kind()).isEqualTo("veth");

        VethPair same = VethPair.builder("oknl-a").peer("eth0").peerNamespace(peerNs).mtu(1450).build();
        assertThat(links.ensure(same).index()).isEqualTo(info.index());
        assertThatThrownBy(() -> links.ensure(VethPair.builder("oknl-a").peer("eth1").peerNamespace(peerNs).build()))
                .isInstanceOf(ConflictException.class).hasMessageContaining("no peer 'eth1' in namespace " + PEER_NS);

        assertThat(links.delete(n("oknl-a"))).isTrue();
        assertThat(links.find(n("oknl-a"))).isEmpty();
        assertThat(Oracle.json(PEER_NS, "ip", "-j", "link").findValuesAsText("ifname")).containsExactly("lo");
        assertThat(links.delete(n("oknl-a"))).isFalse();
    }

    @Test
    void bridgeMasterUpMtuMacAliasRename() {
        links.create(Bridge.named("oknl-br").withMtu(1450));
        links.create(VethPair.builder("oknl-v1").peer("oknl-v2").build());

        links.setMaster(n("oknl-v1"), n("oknl-br"));
        links.setUp(n("oknl-br"));
        links.setMtu(n("oknl-v1"), 1400);
        links.setMac(n("oknl-v1"), MacAddress.parse("02:00:00:00:00:42"));
        links.setAlias(n("oknl-v1"), "overlaykit:test");

        JsonNode v1 = Oracle.link(NS, "oknl-v1");
        assertThat(v1.path("master").asText()).isEqualTo("oknl-br");
        assertThat(v1.path("mtu").asInt()).isEqualTo(1400);
        assertThat(v1.path("address").asText()).isEqualTo("02:00:00:00:00:42");
        assertThat(v1.path("ifalias").asText()).isEqualTo("overlaykit:test");
        JsonNode br = Oracle.link(NS, "oknl-br");
        assertThat(br.path("linkinfo").path("info_kind").asText()).isEqualTo("bridge");
        assertThat(br.path("flags").toString()).contains("\"UP\"");
        LinkInfo read = links.get(n("oknl-v1"));
        assertThat(read.masterIndex()).isEqualTo(links.get(n("oknl-br")).index());
        assertThat(read.alias()).isEqualTo("overlaykit:test");
        assertThat(read.peerIndex()).isEqualTo(links.get(n("oknl-v2")).index());
        assertThat(links.get(n("oknl-br")).up()).isTrue();

        links.setMaster(n("oknl-v1"), null);
        links.setDown(n("oknl-br"));
        links.rename(n("oknl-v2"), n("oknl-v3"));

        assertThat(Oracle.link(NS, "oknl-v1").has("master")).isFalse();
        assertThat(Oracle.link(NS, "oknl-br").path("flags").toString()).doesNotContain("\"UP\"");
        assertThat(Oracle.json(NS, "ip", "-j", "link").findValuesAsText("ifname")).contains("oknl-v3")
                .doesNotContain("oknl-v2");
        assertThat(links.list()).extracting(l -> l.name().value()).contains("lo", "oknl-br", "oknl-v1", "oknl-v3");
    }

    @Test
    void moveToAnotherNamespace() {
        NetNamespace peerNs = stack.namespaces().create(PEER_NS);
        links.create(VethPair.builder("oknl-m1").peer("oknl-m2").build());

        links.moveTo(n("oknl-m2"), peerNs);

        assertThat(links.find(n("oknl-m2"))).isEmpty();
        assertThat(Oracle.json(PEER_NS, "ip", "-j", "link").findValuesAsText("ifname")).contains("oknl-m2");
        assertThat(stack.links(peerNs).get(n("oknl-m2")).kind()).isEqualTo("veth");
    }

    @Test
    void txChecksumOffloadCanBeTurnedOff() {
        links.create(VethPair.builder("oknl-t1").peer("oknl-t2").build());
        assertThat(links.txChecksum(n("oknl-t1"))).isTrue();

        links.disableTxChecksum(n("oknl-t1"));

        assertThat(links.txChecksum(n("oknl-t1"))).isFalse();
        assertThat(Oracle.in(NS, "ethtool", "-k", "oknl-t1")).contains("tx-checksumming: off");
        assertThat(Oracle.in(NS, "ethtool", "-k", "oknl-t2")).contains("tx-checksumming: on");
    }

    @Test
    void subscriptionSeesLinksAndAddresses() throws Exception {
        List<LinkEvent> events = new CopyOnWriteArrayList<>();
        try (AutoCloseable sub = links.subscribe(events::add)) {
            links.create(Bridge.named("oknl-ev"));
            links.addAddress(n("oknl-ev"), io.overlaykit.core.IpPrefix.parse("10.9.0.1/24"));
            links.delete(n("oknl-ev"));
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < deadline && events.stream().noneMatch(e -> e.type() == LinkEvent.Type.LINK_REMOVED)) {
                Thread.sleep(20);
            }
        }
        assertThat(events).extracting(LinkEvent::type).contains(LinkEvent.Type.LINK_ADDED,
                LinkEvent.Type.ADDRESS_ADDED, LinkEvent.Type.LINK_REMOVED);
        assertThat(events).filteredOn(e -> e.type() == LinkEvent.Type.ADDRESS_ADDED)
                .extracting(e -> e.address().prefix().toString()).contains("10.9.0.1/24");
        assertThat(events).filteredOn(e -> e.type() == LinkEvent.Type.LINK_ADDED)
                .extracting(e -> e.link().name().value()).contains("oknl-ev");
    }

    @Test
    void ensureReturnsAMatchingLinkAndRejectsAnotherKind() {
        LinkInfo first = links.ensure(Bridge.named("oknl-e").withMtu(1450));
        LinkInfo again = links.ensure(Bridge.named("oknl-e").withMtu(1450));
        assertThat(again.index()).isEqualTo(first.index());

        assertThatThrownBy(() -> links.ensure(VethPair.builder("oknl-e").peer("oknl-e2").build()))
                .isInstanceOf(ConflictException.class)
                .hasMessage("link 'oknl-e' exists in namespace " + NS + " as bridge, wanted veth");
        assertThatThrownBy(() -> links.ensure(Bridge.named("oknl-e").withMtu(1400)))
                .isInstanceOf(ConflictException.class).hasMessageContaining("mtu 1450, wanted 1400");
        assertThatThrownBy(() -> links.create(VethPair.builder("oknl-e").peer("oknl-e2").build()))
                .isInstanceOf(ConflictException.class)
                .hasMessageStartingWith("create veth 'oknl-e' in namespace " + NS + ": File exists (EEXIST)")
                .satisfies(e -> assertThat(NetlinkException.errnoOf(e)).isEqualTo(17));
        // nothing left behind: no half-made veth, the bridge untouched
        assertThat(Oracle.json(NS, "ip", "-j", "link").findValuesAsText("ifname")).containsExactlyInAnyOrder("lo", "oknl-e");
        assertThat(Oracle.link(NS, "oknl-e").path("linkinfo").path("info_kind").asText()).isEqualTo("bridge");
    }

    @Test
    void wiringFiftyContainerLinksIsFast() {
        NetNamespace peerNs = stack.namespaces().create(PEER_NS);
        Links there = stack.links(peerNs);
        links.create(Bridge.named("oknl-sw"));
        int count = 50;
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            // what one container costs: veth into its namespace, plug, address, up on both sides
            InterfaceName host = n("oknl-h" + i);
            InterfaceName inside = n("oknl-c" + i);
            links.create(VethPair.builder(host.value()).peer(inside.value()).peerNamespace(peerNs).mtu(1450).build());
            links.setMaster(host, n("oknl-sw"));
            links.setUp(host);
            there.addAddress(inside, io.overlaykit.core.IpPrefix.parse("10.77." + (i / 200) + "." + (i % 200 + 2) + "/16"));
            there.setUp(inside);
        }
        double perLinkMs = (System.nanoTime() - start) / 1e6 / count;
        System.out.printf("wired %d container links: %.2f ms each%n", count, perLinkMs);

        JsonNode ports = Oracle.json(NS, "ip", "-j", "link", "show", "master", "oknl-sw");
        assertThat(ports).hasSize(count);
        assertThat(Oracle.json(PEER_NS, "ip", "-j", "-4", "addr").findValuesAsText("local")).hasSize(count);
    }

    @Test
    void unknownKindsAreListedWithTheirKindString() {
        Oracle.in(NS, "ip", "link", "add", "oknl-ifb", "type", "ifb"); // a kind OverlayKit does not model

        assertThat(links.list()).filteredOn(l -> l.name().value().equals("oknl-ifb"))
                .singleElement().satisfies(l -> assertThat(l.kind()).isEqualTo("ifb"));
        assertThatThrownBy(() -> links.ensure(Bridge.named("oknl-ifb"))).isInstanceOf(ConflictException.class)
                .hasMessage("link 'oknl-ifb' exists in namespace " + NS + " as ifb, wanted bridge");
        assertThat(links.delete(n("oknl-ifb"))).isTrue();
        assertThat(Oracle.json(NS, "ip", "-j", "link").findValuesAsText("ifname")).containsExactly("lo");
    }
}
