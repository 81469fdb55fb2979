package io.overlaykit.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.BackendException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Who closes the OVSDB connection of a switch that waits for ovs-vswitchd. */
@Timeout(30)
class OvsSwitchOwnershipTest {

    @Test
    void connectWithVswitchdWaitClosesItsConnection() throws Exception {
        try (FakeOvsdbServer server = new FakeOvsdbServer()) {
            OvsSwitch sw = OvsSwitch.connect(server.remote(), "netdev", Duration.ofSeconds(5));
            sw.client().echo();
            sw.close();
            sw.close(); // idempotent
            assertThatThrownBy(() -> sw.client().echo()).isInstanceOf(BackendException.class).hasMessageContaining("closed");
        }
    }

    @Test
    void waitingForVswitchdKeepsTheOwnershipOfAConnectedSwitch() throws Exception {
        try (FakeOvsdbServer server = new FakeOvsdbServer()) {
            OvsSwitch waiting = OvsSwitch.connect(server.remote(), "netdev").waitingForVswitchd(Duration.ofSeconds(5));
            waiting.close();
            assertThatThrownBy(() -> waiting.client().echo()).isInstanceOf(BackendException.class);
        }
    }

    @Test
    void waitingForVswitchdOfACallersClientLeavesItOpen() throws Exception {
        try (FakeOvsdbServer server = new FakeOvsdbServer();
                OvsdbClient client = OvsdbClient.connect(server.remote(), OvsdbClientOptions.defaults())) {
            OvsSwitch.create(client, "netdev").waitingForVswitchd(Duration.ofSeconds(5)).close();
            assertThat(client.echo()).isNotNull();
        }
    }
}
