package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.VxlanTunnel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** VXLAN devices and their FDB in a fresh namespace, checked with {@code ip -j -d link} and {@code bridge -j fdb}. */
class VxlanIT extends InFreshNamespace {
    private static final InterfaceName VX = InterfaceName.of("oknl-vx");

    VxlanIT() {
        super("x");
    }

    @BeforeEach
    void setUp() {
        links.create(VethPair.builder("oknl-u0").peer("oknl-u1").build());
        links.addAddress(InterfaceName.of("oknl-u0"), IpPrefix.parse("192.0.2.2/24"));
    }

    @Test
    void vxlanSettingsAreWrittenAndReadBack() {
        VxlanTunnel want = VxlanTunnel.builder(VX.value(), 5000).remote("192.0.2.3").local("192.0.2.2")
                .device("oknl-u0").ttl(64).udpChecksum(true).mtu(1450).alias("overlaykit:vx").build();

        LinkInfo info = links.create(want);

        JsonNode d = Oracle.link(NS, VX.value()).path("linkinfo").path("info_data");
        assertThat(d.path("id").asInt()).isEqualTo(5000);
        assertThat(d.path("remote").asText()).isEqualTo("192.0.2.3");
        assertThat(d.path("local").asText()).isEqualTo("192.0.2.2");
        assertThat(d.path("link").asText()).isEqualTo("oknl-u0");
        assertThat(d.path("port").asInt()).isEqualTo(4789);
        assertThat(d.path("learning").asBoolean()).isFalse();
        assertThat(d.path("ttl").asInt()).isEqualTo(64);
        assertThat(d.path("udp_csum").asBoolean()).isTrue();
        assertThat(Oracle.link(NS, VX.value()).path("mtu").asInt()).isEqualTo(1450);
        assertThat(info.kind()).isEqualTo("vxlan");
        assertThat(info.vxlan()).isEqualTo(want);
        assertThat(links.ensure(want).index()).isEqualTo(info.index());
        assertThatThrownBy(() -> links.ensure(want.toBuilder().dstPort(8472).learning(true).build()))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("dstport 4789, wanted 8472").hasMessageContaining("learning false, wanted true");
    }

    @Test
    void multicastGroupAndDefaults() {
        VxlanTunnel want = VxlanTunnel.builder(VX.value(), 42).group("239.1.1.1").device("oknl-u0").learning(true).build();

        LinkInfo info = links.create(want);

        JsonNode d = Oracle.link(NS, VX.value()).path("linkinfo").path("info_data");
        assertThat(d.path("group").asText()).isEqualTo("239.1.1.1");
        assertThat(d.path("learning").asBoolean()).isTrue();
        assertThat(d.path("port").asInt()).isEqualTo(4789);
        assertThat(info.vxlan().group().getHostAddress()).isEqualTo("239.1.1.1");
        assertThat(info.vxlan().remote()).isNull();
        assertThat(links.list()).filteredOn(l -> l.isKind("vxlan")).extracting(l -> l.vxlan().device().value())
                .containsExactly("oknl-u0");
    }

    @Test
    void floodEntriesAppendAndDelete() {
        links.create(VxlanTunnel.builder(VX.value(), 5000).local("192.0.2.2").device("oknl-u0").build());
        FdbEntry toB = FdbEntry.flood(VX, IpPrefix.parseAddress("192.0.2.3"));
        FdbEntry toC = FdbEntry.flood(VX, IpPrefix.parseAddress("192.0.2.4"));
        FdbEntry mac = new FdbEntry(VX, MacAddress.parse("02:00:00:00:00:99"), IpPrefix.parseAddress("192.0.2.3"), 5001);

        links.addFdb(toB);
        links.addFdb(toC);
        links.addFdb(mac);

        JsonNode fdb = Oracle.json(NS, "bridge", "-j", "fdb", "show", "dev", VX.value());
        assertThat(fdb.toString()).contains("\"mac\":\"00:00:00:00:00:00\",\"dst\":\"192.0.2.3\"",
                "\"mac\":\"00:00:00:00:00:00\",\"dst\":\"192.0.2.4\"", "\"mac\":\"02:00:00:00:00:99\"", "\"vni\":5001",
                "permanent", "self");
        assertThat(links.fdb(VX)).contains(toB, toC, mac);

        assertThat(links.deleteFdb(toB)).isTrue();
        assertThat(links.deleteFdb(toB)).isFalse();
        assertThat(Oracle.in(NS, "bridge", "fdb", "show", "dev", VX.value())).doesNotContain("192.0.2.3 self")
                .contains("dst 192.0.2.4");
        assertThat(links.fdb(VX)).doesNotContain(toB).contains(toC);
    }
}
