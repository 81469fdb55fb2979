package io.overlaykit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.VethPair;
import io.overlaykit.netlink.RtnetlinkLinks;
import org.junit.jupiter.api.Test;

/** A lab without OVS or podman: hosts and outside reach each other across the wire. */
@WithLab(hosts = 2)
class LabWireIT {

    @Test
    void hostsPingEachOtherAndOutside(Lab lab) {
        LabHost a = lab.host("hostA");
        LabHost b = lab.host("hostB");
        assertThat(a.namespace().name()).isEqualTo(lab.prefix() + "-hostA");
        assertThat(a.uplink()).isEqualTo("eth0");
        assertThat(a.exec("ip", "-o", "-4", "addr", "show", "dev", "eth0")).contains("192.0.2.2/24");

        assertThat(a.exec("ping", "-c", "1", "-W", "2", b.underlayAddress())).contains("1 received");
        assertThat(b.exec("ping", "-c", "1", "-W", "2", lab.outside().underlayAddress())).contains("1 received");
        assertThat(lab.outside().exec("ping", "-c", "1", "-W", "2", a.underlayAddress())).contains("1 received");
    }

    @Test
    void wireLinksKeepTxChecksumOffloadWithoutOvs(Lab lab) {
        assertThat(lab.host("hostA").exec("ethtool", "-k", "eth0")).contains("tx-checksumming: on");
        String wireLinks = lab.exec(lab.wireNamespace(), "ip", "-o", "link", "show", "master", "br0");
        assertThat(wireLinks).contains("w0-hostA").contains("w1-hostB").contains("w2-outside");
        assertThat(lab.exec(lab.wireNamespace(), "ethtool", "-k", "w0-hostA")).contains("tx-checksumming: on");
    }

    @Test
    void loopbackIsUpInEveryNamespace(Lab lab) {
        assertThat(lab.outside().exec("ip", "-o", "link", "show", "lo")).contains("UP");
        assertThat(lab.exec(lab.wireNamespace(), "ip", "-o", "link", "show", "lo")).contains("UP");
    }

    @Test
    void theLabsNetworkStackSeesWhatItBuilt(Lab lab) {
        RtnetlinkLinks links = lab.network().links(lab.host("hostA").namespace());
        InterfaceName eth0 = InterfaceName.of("eth0");
        assertThat(links.addresses(eth0)).extracting(a -> a.prefix().toString()).contains("192.0.2.2/24");
        assertThat(links.txChecksum(eth0)).isTrue();
        assertThat(lab.network()).isSameAs(lab.network());
        assertThatThrownBy(lab::podman).isInstanceOf(IllegalStateException.class).hasMessageContaining("podman");
    }

    @Test
    void extraNamespacesAreMadeWithTheLabsPrefix(Lab lab) {
        NetNamespace c = lab.createNamespace("c1");
        assertThat(c.name()).isEqualTo(lab.prefix() + "-c1");
        InterfaceName hostEnd = InterfaceName.of("okc1");
        InterfaceName eth0 = InterfaceName.of("eth0");
        RtnetlinkLinks host = lab.network().links(lab.host("hostA").namespace());
        host.create(VethPair.builder(hostEnd.value()).peer(eth0.value()).peerNamespace(c).build());
        host.addAddress(hostEnd, IpPrefix.parse("10.99.0.1/30"));
        host.setUp(hostEnd);
        RtnetlinkLinks inside = lab.network().links(c);
        inside.addAddress(eth0, IpPrefix.parse("10.99.0.2/30"));
        inside.setUp(eth0);
        assertThat(lab.exec(c, "ping", "-c", "1", "-W", "2", "10.99.0.1")).contains("1 received");
        assertThatThrownBy(() -> lab.createNamespace("c1")).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> lab.createNamespace("hostA")).isInstanceOf(InvalidSpecException.class);
    }
}
