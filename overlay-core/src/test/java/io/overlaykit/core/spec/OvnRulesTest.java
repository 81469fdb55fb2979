package io.overlaykit.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.InvalidSpecException;
import org.junit.jupiter.api.Test;

class OvnRulesTest {
    static String spec(int containers, String encap) {
        StringBuilder c = new StringBuilder();
        for (int i = 0; i < containers; i++) {
            c.append(i == 0 ? "" : ",").append("{\"name\": \"c").append(i).append("\", \"ip\": \"10.8.")
                    .append(i / 250).append('.').append(i % 250 + 2).append("\", \"image\": \"x\"}");
        }
        return """
                {"name": "ovnt", "vni": 1, "subnet": "10.8.0.0/16", "switch": "ovn",
                 "ovn": {"northbound": "tcp:192.0.2.50:6641,tcp:192.0.2.51:6641,tcp:192.0.2.52:6641",
                         "southbound": "tcp:192.0.2.50:6642", "encap": "%s"},
                 "hosts": [{"name": "h1", "underlay": "192.0.2.2", "gateway": "10.8.255.1", "containers": [%s]}]}
                """.formatted(encap, c);
    }

    @Test
    void aClusterOfThreeAndASingleServerAreRead() {
        OverlaySpec s = OverlaySpec.read(spec(2, "geneve"));
        assertThat(s.switchKind()).isEqualTo(SwitchKind.OVN);
        assertThat(s.ovn().northboundRemotes()).hasSize(3);
        assertThat(s.ovn().southboundRemotes()).containsExactly("tcp:192.0.2.50:6642");
        assertThat(s.ovn().encapType()).isEqualTo("geneve");
    }

    @Test
    void vxlanWithinOvnsLimitsIsAccepted() {
        assertThat(OverlaySpec.read(spec(2046, "vxlan")).ovn().encapType()).isEqualTo("vxlan");
    }

    @Test
    void vxlanBeyondOvnsPortLimitNamesTheLimits() {
        assertThatThrownBy(() -> OverlaySpec.read(spec(2047, "vxlan"))).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("ovn.encap").hasMessageContaining("2048 logical ports")
                .hasMessageContaining("2047 ports per datapath").hasMessageContaining("4095 datapaths");
        assertThat(OverlaySpec.read(spec(2047, "geneve")).hosts().get(0).containers()).hasSize(2047);
    }

    @Test
    void remotesAreChecked() {
        assertThat(OvnRules.problem("tcp:192.0.2.1:6641")).isNull();
        assertThat(OvnRules.problem("ssl:[2001:db8::1]:6641")).isNull();
        assertThat(OvnRules.problem("unix:/run/ovn/ovnnb_db.sock")).isNull();
        assertThat(OvnRules.problem("tcp:192.0.2.1:0")).contains("port");
        assertThat(OvnRules.problem("udp:192.0.2.1:6641")).contains("tcp:IP:PORT");
    }
}
