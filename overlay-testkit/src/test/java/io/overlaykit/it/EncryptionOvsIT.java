package io.overlaykit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.Overlay;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.testkit.HostOracle;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * An encrypted overlay on Open vSwitch (userspace datapath): OVS tunnel ports cannot ride a TUN device, so each
 * host's VXLAN is a kernel device over its wireguard-go interface, plugged into the OVS bridge. IPsec, which this
 * host cannot prove it does, is refused with the host left exactly as it was.
 */
class EncryptionOvsIT extends AbstractEncryptionIT {
    @Override
    String switchKind() {
        return "ovs";
    }

    @Override
    String specName() {
        return "okcrypt-ovs";
    }

    @Test
    @Order(0)
    void ipsecIsRefusedAndTheHostIsUnchanged() {
        OverlaySpec ipsec = OverlaySpec.read(spec(specName(), "ovs", PSK).replace("\"psk\"", "\"encryption\": \"ipsec\", \"psk\""));
        for (String h : List.of("hostA", "hostB")) {
            HostOracle.awaitSettled(lab.host(h));
            HostOracle.Snapshot before = HostOracle.snapshot(lab, lab.host(h), overlay.host(h).stateDir(ipsec.name()));
            assertThatThrownBy(() -> Overlay.of(ipsec).apply(overlay.host(h)))
                    .hasMessageContaining("\"encryption\": \"ipsec\" refused").hasMessageContaining("ovs-monitor-ipsec")
                    .hasMessageContaining("\"encryption\": \"wireguard\" works").hasMessageNotContaining(PSK);
            HostOracle.Snapshot after = HostOracle.snapshot(lab, lab.host(h), overlay.host(h).stateDir(ipsec.name()));
            assertThat(before.differences(after)).isEmpty();
        }
    }
}
