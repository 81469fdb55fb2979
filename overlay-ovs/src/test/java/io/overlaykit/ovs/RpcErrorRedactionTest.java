package io.overlaykit.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.overlaykit.core.BackendException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A JSON-RPC-level error that quotes the request (ovsdb-server's "syntax error") never shows the psk. */
@Timeout(30)
class RpcErrorRedactionTest {
    private static final String PSK = "okovs-psk-Zq81";

    @Test
    void transactErrorEchoingThePskIsScrubbedInMessageAndCause() throws Exception {
        try (FakeOvsdbServer server = new FakeOvsdbServer();
                OvsdbClient c = OvsdbClient.connect(server.remote(),
                        OvsdbClientOptions.defaults().withCallTimeout(Duration.ofSeconds(2)))) {
            server.errorHandler = req -> {
                ObjectNode e = FakeOvsdbServer.JSON.createObjectNode();
                e.put("error", "syntax error");
                e.put("details", "bad request " + req.get("params"));
                return e;
            };
            Transaction tx = Transaction.builder()
                    .insert("Interface", Row.of(Map.of("name", "okvx0", "type", "vxlan",
                            "options", Map.of("remote_ip", "192.0.2.2", "psk", PSK))), NamedUuid.of("i"))
                    .build();

            Throwable t = catchThrowable(() -> c.transact(tx));

            assertThat(server.await("transact").toString()).contains(PSK); // the fake really echoed it
            assertThat(t).isInstanceOf(BackendException.class).hasMessageContaining("syntax error")
                    .hasMessageContaining("<redacted>");
            assertThat(t.getCause()).isNotNull();
            for (Throwable x = t; x != null; x = x.getCause()) {
                assertThat(String.valueOf(x.getMessage())).doesNotContain(PSK);
                assertThat(String.valueOf(x)).doesNotContain(PSK);
            }
            assertThat(((io.overlaykit.ovs.internal.RpcConnection.RpcError) t.getCause()).error().toString())
                    .doesNotContain(PSK).contains("syntax error");
        }
    }

    @Test
    void errorsWithoutSecretsStayAsTheServerSentThem() throws Exception {
        try (FakeOvsdbServer server = new FakeOvsdbServer();
                OvsdbClient c = OvsdbClient.connect(server.remote(),
                        OvsdbClientOptions.defaults().withCallTimeout(Duration.ofSeconds(2)))) {
            server.errorHandler = req -> FakeOvsdbServer.JSON.createObjectNode().put("error", "unknown method");
            Throwable t = catchThrowable(() -> c.transact(Transaction.builder()
                    .mutate("Bridge", List.of(), List.of(Mutation.insert("ports", Set.of()))).build()));
            assertThat(t).isInstanceOf(BackendException.class).hasMessageContaining("unknown method");
        }
    }
}
