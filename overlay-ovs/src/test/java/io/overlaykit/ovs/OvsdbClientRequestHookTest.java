package io.overlaykit.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.spi.RequestHook;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the client's request hook sees: each transact once (read or write), each monitor as a read, nothing else. */
@Timeout(30)
class OvsdbClientRequestHookTest {

    @Test
    void transactsAndMonitorsAreCountedEchoesAreNot() throws Exception {
        try (FakeOvs ovs = new FakeOvs()) {
            List<String> seen = new ArrayList<>();
            ovs.client.requestHook((b, a, op) -> seen.add(b + " " + a + " " + op));
            ovs.client.transact(Transaction.builder().select("Bridge", List.of(), List.of("name"))
                    .waitFor("Bridge", List.of(Condition.eq("name", "okovs-none")), List.of("name"), "==", List.of(), 0)
                    .comment("okovs read").build());
            ovs.client.transact(Transaction.builder().mutate("Open_vSwitch", List.of(),
                    List.of(Mutation.add("next_cfg", 1))).build());
            ovs.client.monitor(MonitorRequest.builder().table("Bridge", "name").build());
            ovs.client.echo();
            // The server's own echo, answered by the client: not a request of ours.
            FakeOvsdbServer.send(ovs.server.sockets.get(0),
                    FakeOvsdbServer.JSON.readTree("{\"method\":\"echo\",\"params\":[],\"id\":\"srv-1\"}"));
            ovs.client.echo();

            assertThat(seen).containsExactly(
                    "OVSDB READ transact: okovs read",
                    "OVSDB WRITE transact: Transaction[mutate Open_vSwitch]",
                    "OVSDB READ monitor_cond [Bridge]");
        }
    }

    @Test
    void aThrowingHookIsABackendExceptionAndNothingIsSent() throws Exception {
        try (FakeOvs ovs = new FakeOvs()) {
            RequestHook refuse = (b, a, op) -> {
                throw new IllegalStateException("okovs no");
            };
            ovs.client.requestHook(refuse);
            long before = ovs.received("transact");
            Transaction tx = Transaction.builder().insert("Bridge", Row.of(Map.of("name", "okovs-b"))).build();
            assertThatThrownBy(() -> ovs.client.transact(tx)).isInstanceOfSatisfying(BackendException.class, e -> {
                assertThat(e.isRetryable()).isFalse();
                assertThat(e.getCause()).hasMessage("okovs no");
            });
            assertThat(ovs.received("transact")).isEqualTo(before);

            BackendException own = new BackendException("okovs injected");
            ovs.client.requestHook((b, a, op) -> {
                throw own;
            });
            assertThatThrownBy(() -> ovs.client.monitor(MonitorRequest.builder().table("Bridge").build())).isSameAs(own);
            assertThat(ovs.received("monitor_cond")).isZero();

            ovs.client.requestHook(null); // removed
            assertThat(ovs.client.transact(Transaction.builder().comment("okovs").build()).results()).hasSize(1);
        }
    }
}
