package io.overlaykit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

    @Test
    void interfaceNamesFollowTheKernelRules() {
        assertThat(InterfaceName.of("podA-ovs").value()).isEqualTo("podA-ovs");
        assertThat(InterfaceName.of("123456789012345")).isNotNull();
        assertThatThrownBy(() -> InterfaceName.of("1234567890123456"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("1234567890123456").hasMessageContaining("16 bytes");
        assertThatThrownBy(() -> InterfaceName.of("a/b")).hasMessageContaining("'/'");
        assertThatThrownBy(() -> InterfaceName.of("a b")).hasMessageContaining("whitespace");
        assertThatThrownBy(() -> InterfaceName.of("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> InterfaceName.of("..")).isInstanceOf(InvalidSpecException.class);
        // Multi-byte characters count as bytes, as the kernel counts them.
        assertThatThrownBy(() -> InterfaceName.of("ééééééééé")).hasMessageContaining("18 bytes");
    }

    @Test
    void vniIs24Bits() {
        assertThat(Vni.of(0).value()).isZero();
        assertThat(Vni.of(16777215).value()).isEqualTo(16777215);
        assertThatThrownBy(() -> Vni.of(16777216)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("16777216");
        assertThatThrownBy(() -> Vni.of(-1)).isInstanceOf(InvalidSpecException.class);
    }

    @Test
    void macAddressesRoundTrip() {
        MacAddress mac = MacAddress.parse("02:0A:bc:00:00:ff");
        assertThat(mac).hasToString("02:0a:bc:00:00:ff");
        assertThat(MacAddress.ofBytes(mac.toBytes())).isEqualTo(mac);
        assertThat(mac.isLocallyAdministered()).isTrue();
        assertThat(MacAddress.ZERO).hasToString("00:00:00:00:00:00");
        assertThatThrownBy(() -> MacAddress.parse("02:00:00:00:00")).hasMessageContaining("six");
        assertThatThrownBy(() -> MacAddress.parse("02:00:00:00:00:zz")).hasMessageContaining("'zz'");
    }

    @Test
    void prefixesParseAndContain() {
        IpPrefix p = IpPrefix.parse("172.16.0.10/12");
        assertThat(p.network()).hasToString("172.16.0.0/12");
        assertThat(p.isNetwork()).isFalse();
        assertThat(p.network().isNetwork()).isTrue();
        assertThat(p.contains(IpPrefix.parseAddress("172.31.255.254"))).isTrue();
        assertThat(p.contains(IpPrefix.parseAddress("172.32.0.1"))).isFalse();
        assertThat(p.isNetworkOrBroadcast(IpPrefix.parseAddress("172.31.255.255"))).isTrue();
        assertThat(p.isNetworkOrBroadcast(IpPrefix.parseAddress("172.16.0.0"))).isTrue();
        assertThat(p.isNetworkOrBroadcast(IpPrefix.parseAddress("172.16.0.1"))).isFalse();
        assertThat(IpPrefix.parse("192.0.2.1")).hasToString("192.0.2.1/32");
        assertThat(IpPrefix.parse("2001:db8::1/64").network()).hasToString("2001:db8:0:0:0:0:0:0/64");
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.1/33")).hasMessageContaining("0..32");
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.256/8")).hasMessageContaining("10.0.0.256");
        assertThatThrownBy(() -> IpPrefix.parseAddress("example.com")).hasMessageContaining("host names");
    }

    @Test
    void namespacesAreValues() {
        assertThat(NetNamespace.named("hostA").path()).isEqualTo(Path.of("/run/netns/hostA"));
        assertThat(NetNamespace.atPath(Path.of("/run/netns/hostA"))).isEqualTo(NetNamespace.named("hostA"));
        assertThat(NetNamespace.ofPid(42).path()).isEqualTo(Path.of("/proc/42/ns/net"));
        assertThat(NetNamespace.ofPid(42).displayName()).isEqualTo("pid 42");
        assertThat(NetNamespace.current().isCurrent()).isTrue();
        assertThatThrownBy(() -> NetNamespace.named("a/b")).hasMessageContaining("a/b");
        assertThatThrownBy(() -> NetNamespace.ofPid(0)).isInstanceOf(InvalidSpecException.class);
    }

    @Test
    void vxlanTunnelDefaultsToIanaPortAndHidesThePsk() {
        VxlanTunnel t = VxlanTunnel.builder("vx-hostB", 5000).remote("192.0.2.3").local("192.0.2.2")
                .psk("s3cret").build();
        assertThat(t.dstPort()).isEqualTo(4789);
        assertThat(t.learning()).isFalse();
        assertThat(t.toString()).doesNotContain("s3cret").contains("psk=<redacted>").contains("192.0.2.3");
        assertThatThrownBy(() -> VxlanTunnel.builder("vx", 16777216)).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> VxlanTunnel.builder("vx", 1).dstPort(0).build()).hasMessageContaining("dstPort");
        assertThatThrownBy(() -> VxlanTunnel.builder("vx", 1).remote("192.0.2.3").group("239.1.1.1").build())
                .hasMessageContaining("not both");
    }

    @Test
    void routesAndVeths() throws Exception {
        Route r = Route.defaultVia("172.16.0.1");
        assertThat(r.isDefault()).isTrue();
        assertThat(r).hasToString("default via 172.16.0.1");
        assertThat(r.inTable(100).toString()).endsWith("table 100");
        assertThatThrownBy(() -> new Route(IpPrefix.parse("10.0.0.0/8"), InetAddress.getByName("::1"), null,
                false, Route.MAIN_TABLE, null)).hasMessageContaining("family");
        VethPair v = VethPair.builder("podA-ovs").peer("eth0").peerNamespace(NetNamespace.ofPid(7)).mtu(1450).build();
        assertThat(v.crossesNamespaces()).isTrue();
        assertThatThrownBy(() -> VethPair.builder("x").peer("y").mtu(20).build()).hasMessageContaining("MTU");
        assertThatThrownBy(() -> VethPair.builder("x").peer("x").build()).hasMessageContaining("different names");
        assertThat(Mtu.overlayFor(1500)).isEqualTo(1450);
    }
}
