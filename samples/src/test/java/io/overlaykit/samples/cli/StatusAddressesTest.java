package io.overlaykit.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.spec.OverlaySpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code overlay status} lists the host's overlay addresses, IPv6 ones too for a dual-stack spec. */
class StatusAddressesTest {
    @Test
    void dualStackAddressesOfTheHostsGatewayAndContainers() {
        OverlaySpec spec = OverlaySpec.read(Path.of("specs/dualstack.json"));
        assertThat(HostCommands.addresses(spec, "hostB")).containsExactly(
                java.util.Map.entry("gateway", List.of("10.17.0.2", "fd00:17:0:0:0:0:0:ff02")),
                java.util.Map.entry("db", List.of("10.17.2.1", "fd00:17:0:0:0:0:0:db")));
        assertThat(HostCommands.addresses(spec, "hostA").get("web")).containsExactly("10.17.1.1", "fd00:17:0:0:0:0:0:101");
        assertThat(HostCommands.addresses(OverlaySpec.read(Path.of("specs/demo2.json")), "hostA").get("podA"))
                .containsExactly("172.16.0.10");
    }
}
