package io.overlaykit.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.VxlanTunnel;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OvsPortTest {
    private static final VxlanTunnel VX = VxlanTunnel.builder("vx-hB", 5000).remote("192.0.2.3")
            .local("192.0.2.2").psk("okovs-top-secret").build();

    @Test
    void vxlanOptions() {
        OvsPort p = OvsPort.vxlan(VX);
        assertThat(p.type()).isEqualTo("vxlan");
        assertThat(p.name()).isEqualTo(InterfaceName.of("vx-hB"));
        assertThat(p.options()).containsEntry("remote_ip", "192.0.2.3").containsEntry("key", "5000")
                .containsEntry("local_ip", "192.0.2.2").containsEntry("psk", "okovs-top-secret")
                .doesNotContainKey("dst_port");
        assertThat(OvsPort.vxlan(VX.toBuilder().dstPort(8472).build()).options()).containsEntry("dst_port", "8472");
        assertThatThrownBy(() -> OvsPort.vxlan(VxlanTunnel.builder("vx0", 1).build()))
                .isInstanceOf(InvalidSpecException.class);
    }

    @Test
    void pskNeverPrinted() {
        assertThat(OvsPort.vxlan(VX).toString()).contains("remote_ip").doesNotContain("okovs-top-secret");
        assertThat(VX.toString()).doesNotContain("okovs-top-secret");
        OvsView.PortState existing = port("vxlan", Map.of("remote_ip", "192.0.2.3", "key", "5000",
                "local_ip", "192.0.2.2", "psk", "okovs-old-secret", "dst_port", "4789"));
        String diff = PortDiff.describe(OvsPort.vxlan(VX), existing).orElseThrow();
        assertThat(diff).contains("psk differs").doesNotContain("okovs-top-secret", "okovs-old-secret");
        assertThat(existing.toString()).doesNotContain("okovs-old-secret");
    }

    @Test
    void identicalAndDefaultPortAreTheSame() {
        OvsView.PortState existing = port("vxlan", Map.of("remote_ip", "192.0.2.3", "key", "5000",
                "local_ip", "192.0.2.2", "psk", "okovs-top-secret", "dst_port", "4789"));
        assertThat(PortDiff.describe(OvsPort.vxlan(VX), existing)).isEmpty();
        assertThat(PortDiff.describe(OvsPort.system(InterfaceName.of("veth0")), port("", Map.of()))).isEmpty();
        assertThat(PortDiff.describe(OvsPort.internal(InterfaceName.of("veth0")), port("system", Map.of())))
                .hasValue("has type 'system', wanted 'internal'");
    }

    private static OvsView.PortState port(String type, Map<String, String> options) {
        return new OvsView.PortState("vx-hB", UUID.randomUUID(), "br0", Map.of(), false, UUID.randomUUID(), type,
                options, 1L, null, null, null);
    }

    @Test
    void tunnelReadBack() {
        VxlanTunnel t = PortDiff.tunnel("vx-hB", OvsPort.vxlan(VX).options()).orElseThrow();
        assertThat(t).isEqualTo(VX);
        assertThat(PortDiff.tunnel("vx-flow", Map.of("remote_ip", "flow", "key", "flow"))).isEmpty();
    }
}
