package io.overlaykit.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.BackendException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ResultParserTest {
    private static final String REMOTE = "unix:/run/okovs/db.sock";

    private static Transaction fourOps() {
        return Transaction.builder()
                .insert("Interface", Row.of(Map.of("name", "vx0", "type", "vxlan",
                        "options", Map.of("remote_ip", "192.0.2.3", "psk", "s3cret-value"))), NamedUuid.of("i"))
                .mutate("Bridge", List.of(Condition.eq("name", "br0")), List.of(Mutation.insert("ports", Set.of(NamedUuid.of("i")))))
                .select("Bridge", List.of(), List.of("name"))
                .comment("test")
                .build();
    }

    @Test
    void parsesUuidCountAndRows() {
        TransactResult r = ResultParser.parse(fourOps(), Fixtures.json("transact-ok.json"), REMOTE, "Open_vSwitch");
        assertThat(r.results()).hasSize(4);
        assertThat(r.uuid(0)).isEqualTo(UUID.fromString("2f1a64e4-bd48-4d48-8f52-0b5a2b9d2f61"));
        assertThat(r.count(1)).isEqualTo(1);
        Row br = r.rows(2).get(0);
        assertThat(br.getString("name")).isEqualTo("br0");
        assertThat(br.getSet("ports")).hasSize(2).allMatch(u -> u instanceof UUID);
        assertThat(br.getStringMap("external_ids")).containsEntry("overlaykit-owner", "demo");
        assertThat(br.getOptional("fail_mode")).isNull();
        assertThat(br.getString("datapath_type")).isEqualTo("netdev");
    }

    @Test
    void firstErrorNamesTheOperationAndHidesThePsk() {
        assertThatThrownBy(() -> ResultParser.parse(fourOps(), Fixtures.json("transact-fail.json"), REMOTE, "Open_vSwitch"))
                .isInstanceOfSatisfying(OvsdbOperationException.class, e -> {
                    assertThat(e.opIndex()).isEqualTo(1);
                    assertThat(e.op()).isEqualTo("mutate");
                    assertThat(e.table()).isEqualTo("Bridge");
                    assertThat(e.error()).isEqualTo("constraint violation");
                    assertThat(e.isRetryable()).isFalse();
                    assertThat(e.getMessage()).contains(REMOTE, "operation 1 (mutate Bridge)", "constraint violation")
                            .doesNotContain("s3cret-value");
                });
    }

    @Test
    void extraResultIsACommitError() {
        assertThatThrownBy(() -> ResultParser.parse(fourOps(), Fixtures.json("transact-commit-fail.json"), REMOTE, "Open_vSwitch"))
                .isInstanceOfSatisfying(OvsdbOperationException.class, e -> {
                    assertThat(e.opIndex()).isEqualTo(4);
                    assertThat(e.op()).isNull();
                    assertThat(e.getMessage()).contains("commit of transaction", "referential integrity violation");
                });
    }

    @Test
    void timedOutWaitIsRetryable() {
        assertThatThrownBy(() -> ResultParser.parse(fourOps(), Fixtures.json("transact-timedout.json"), REMOTE, "Open_vSwitch"))
                .isInstanceOfSatisfying(OvsdbOperationException.class, e -> assertThat(e.isRetryable()).isTrue());
    }

    @Test
    void malformedRepliesAreBackendErrors() {
        assertThatThrownBy(() -> ResultParser.parse(fourOps(), Fixtures.parse("{\"x\":1}"), REMOTE, "Open_vSwitch"))
                .isInstanceOf(BackendException.class).hasMessageContaining("not an array");
        assertThatThrownBy(() -> ResultParser.parse(fourOps(), Fixtures.parse("[{},{}]"), REMOTE, "Open_vSwitch"))
                .isInstanceOf(BackendException.class).hasMessageContaining("2 results for 4 operations");
        assertThatThrownBy(() -> ResultParser.parse(fourOps(), Fixtures.parse("[{},null,{},{}]"), REMOTE, "Open_vSwitch"))
                .isInstanceOf(BackendException.class).hasMessageContaining("null without an error");
    }

    @Test
    void transactionJsonAndToStringKeepThePskOut() {
        Transaction tx = fourOps();
        String json = tx.params("Open_vSwitch").toString();
        assertThat(json).startsWith("[\"Open_vSwitch\",{\"op\":\"insert\",\"table\":\"Interface\"");
        assertThat(json).contains("\"uuid-name\":\"i\"", "[\"named-uuid\",\"i\"]", "[\"ports\",\"insert\",[\"set\",[[\"named-uuid\",\"i\"]]]]");
        assertThat(tx.toString()).isEqualTo("Transaction[insert Interface, mutate Bridge, select Bridge, comment]")
                .doesNotContain("s3cret");
        assertThat(Row.of(Map.of("options", Map.of("psk", "s3cret-value"))).toString()).doesNotContain("s3cret");
    }
}
