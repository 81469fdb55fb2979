package io.overlaykit.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.overlaykit.core.spec.OverlaySpec;
import org.junit.jupiter.api.Test;

/** Jackson (as the samples' Console uses it) never writes a psk out of a tunnel or a spec. */
class PskSerializationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PSK = "okcore-psk-7Qx";

    @Test
    void tunnelJsonHasNoPsk() throws Exception {
        VxlanTunnel t = VxlanTunnel.builder("okvx0", 5000).remote("192.0.2.3").psk(PSK).build();
        String json = JSON.writeValueAsString(t);
        assertThat(json).contains("192.0.2.3").doesNotContain(PSK).doesNotContain("psk");
        assertThat(t.psk()).isEqualTo(PSK); // the accessor still gives it to the backend
    }

    @Test
    void specJsonHasNoPsk() throws Exception {
        OverlaySpec spec = OverlaySpec.read("""
                {"name": "okjson", "vni": 5000, "subnet": "10.20.0.0/24", "switch": "ovs", "psk": "%s",
                 "hosts": [{"name": "hostA", "underlay": "192.0.2.2", "gateway": "10.20.0.1"}]}
                """.formatted(PSK));
        assertThat(spec.psk()).isEqualTo(PSK);
        String json = JSON.writeValueAsString(spec);
        assertThat(json).contains("okjson").doesNotContain(PSK).doesNotContain("psk");
    }
}
