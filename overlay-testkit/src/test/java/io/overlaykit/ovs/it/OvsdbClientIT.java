package io.overlaykit.ovs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.ovs.Condition;
import io.overlaykit.ovs.DatabaseSchema;
import io.overlaykit.ovs.MonitorRequest;
import io.overlaykit.ovs.Mutation;
import io.overlaykit.ovs.OvsdbClient;
import io.overlaykit.ovs.OvsdbClientOptions;
import io.overlaykit.ovs.OvsdbOperationException;
import io.overlaykit.ovs.OvsdbRemote;
import io.overlaykit.ovs.Row;
import io.overlaykit.ovs.Transaction;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.WithLab;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The protocol client against the real ovsdb-server of a lab host (ovs-vsctl as the oracle). */
@Timeout(60)
@WithLab(hosts = 1, ovs = true, outside = false)
class OvsdbClientIT {
    private static LabOvs ovs;

    @BeforeAll
    static void start(Lab lab) {
        ovs = new LabOvs(lab, "hostA");
    }

    private static OvsdbClientOptions fast() {
        return OvsdbClientOptions.defaults().withCallTimeout(Duration.ofSeconds(5))
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1));
    }

    @Test
    void listsDatabasesSchemaAndEchoes() {
        try (OvsdbClient c = OvsdbClient.connect(ovs.remote(), fast())) {
            assertThat(c.listDbs()).contains("Open_vSwitch");
            DatabaseSchema s = c.getSchema("Open_vSwitch");
            assertThat(s.hasColumn("Interface", "options")).isTrue();
            assertThat(s.shape("Bridge", "ports")).isEqualTo(DatabaseSchema.Shape.SET);
            assertThat(s.shape("Bridge", "external_ids")).isEqualTo(DatabaseSchema.Shape.MAP);
            assertThat(c.echo()).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void monitorSeesVsctlChangesAndOwnTransactsBeforeTheyReturn() {
        try (OvsdbClient c = OvsdbClient.connect(ovs.remote(), fast());
             OvsdbClient.Monitor m = c.monitor(MonitorRequest.builder()
                     .table("Bridge", "name", "external_ids", "no_such_column").build())) {
            ovs.vsctl("add-br", "okovs-mon1", "--", "set", "Bridge", "okovs-mon1", "datapath_type=netdev");
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (c.cache().find("Bridge", "name", "okovs-mon1").isEmpty() && System.nanoTime() < deadline) {
                LabOvs.sleep(20);
            }
            assertThat(c.cache().find("Bridge", "name", "okovs-mon1")).isPresent();

            // Our own change: in the cache as soon as transact returns (update precedes the reply).
            c.transact(Transaction.builder().mutate("Bridge", List.of(Condition.eq("name", "okovs-mon1")),
                    List.of(Mutation.insert("external_ids", Map.of("okovs-k", "v1")))).build());
            assertThat(c.cache().find("Bridge", "name", "okovs-mon1").orElseThrow()
                    .getStringMap("external_ids")).containsEntry("okovs-k", "v1");

            ovs.vsctl("del-br", "okovs-mon1");
            c.echo(); // the delete was notified before the echo reply
            assertThat(c.cache().find("Bridge", "name", "okovs-mon1")).isEmpty();
        } finally {
            ovs.deleteBridgeQuietly("okovs-mon1");
        }
    }

    @Test
    void plainMonitorWorksToo() {
        try (OvsdbClient c = OvsdbClient.connect(ovs.remote(), fast());
             OvsdbClient.Monitor m = c.monitor(MonitorRequest.builder().conditional(false)
                     .table("Open_vSwitch").build())) {
            assertThat(c.cache().rows("Open_vSwitch")).hasSize(1);
            c.transact(Transaction.builder().mutate("Open_vSwitch", List.of(),
                    List.of(Mutation.insert("external_ids", Map.of("okovs-plain", "x")))).build());
            assertThat(c.cache().rows("Open_vSwitch").get(0).getStringMap("external_ids"))
                    .containsEntry("okovs-plain", "x");
            c.transact(Transaction.builder().mutate("Open_vSwitch", List.of(),
                    List.of(Mutation.delete("external_ids", Set.of("okovs-plain")))).build());
            assertThat(c.cache().rows("Open_vSwitch").get(0).getStringMap("external_ids"))
                    .doesNotContainKey("okovs-plain");
        }
    }

    @Test
    void operationErrorNamesIndexOpTableAndServerError() {
        try (OvsdbClient c = OvsdbClient.connect(ovs.remote(), fast())) {
            Transaction tx = Transaction.builder()
                    .select("Bridge", List.of(), List.of("name"))
                    .insert("Port", Row.of(Map.of("name", "okovs-bad", "interfaces", Set.of(UUID.randomUUID()))))
                    .build();
            assertThatThrownBy(() -> c.transact(tx))
                    .isInstanceOfSatisfying(OvsdbOperationException.class, e -> {
                        assertThat(e.isRetryable()).isFalse();
                        assertThat(e.error()).isEqualTo("referential integrity violation");
                        assertThat(e.getMessage()).contains(ovs.socket.toString());
                    });
            Transaction unknownTable = Transaction.builder().select("NoSuchTable", List.of(), null).build();
            assertThatThrownBy(() -> c.transact(unknownTable))
                    .isInstanceOfSatisfying(OvsdbOperationException.class, e -> {
                        assertThat(e.opIndex()).isZero();
                        assertThat(e.op()).isEqualTo("select");
                        assertThat(e.table()).isEqualTo("NoSuchTable");
                        assertThat(e.getMessage()).contains("operation 0 (select NoSuchTable)");
                    });
        }
    }

    @Test
    void waitThatTimesOutIsRetryable() {
        try (OvsdbClient c = OvsdbClient.connect(ovs.remote(), fast())) {
            Transaction tx = Transaction.builder()
                    .waitFor("Open_vSwitch", List.of(), List.of("next_cfg"), "==",
                            List.of(Row.of(Map.of("next_cfg", -42L))), 0)
                    .build();
            assertThatThrownBy(() -> c.transact(tx))
                    .isInstanceOfSatisfying(OvsdbOperationException.class, e -> {
                        assertThat(e.error()).isEqualTo("timed out");
                        assertThat(e.isRetryable()).isTrue();
                    });
        }
    }

    @Test
    void locks() {
        try (OvsdbClient a = OvsdbClient.connect(ovs.remote(), fast());
             OvsdbClient b = OvsdbClient.connect(ovs.remote(), fast())) {
            assertThat(a.lock("okovs_lock")).isTrue();
            assertThat(a.holdsLock("okovs_lock")).isTrue();
            assertThat(b.lock("okovs_lock")).isFalse();
            b.unlock("okovs_lock"); // the server wants the queued request withdrawn before a steal
            assertThat(b.steal("okovs_lock")).isTrue();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (a.holdsLock("okovs_lock") && System.nanoTime() < deadline) {
                LabOvs.sleep(20);
            }
            assertThat(a.holdsLock("okovs_lock")).isFalse();
            b.unlock("okovs_lock");
            assertThat(b.holdsLock("okovs_lock")).isFalse();
        }
    }

    @Test
    void wrongDatabaseAndDownServerAreClear() {
        assertThatThrownBy(() -> OvsdbClient.connect(ovs.remote(), fast().withDatabase("OkovsNope")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("no database OkovsNope").hasMessageContaining("Open_vSwitch");
        Path missing = ovs.dir.resolve("nobody-listens.sock");
        assertThatThrownBy(() -> OvsdbClient.connect(OvsdbRemote.unix(missing), fast()))
                .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.isRetryable()).isTrue())
                .hasMessageContaining("cannot connect to ovsdb unix:" + missing);
    }

    @Test
    void survivesOvsdbServerRestart() {
        try (OvsdbClient c = OvsdbClient.connect(ovs.remote(), fast());
             OvsdbClient.Monitor m = c.monitor(MonitorRequest.builder().table("Bridge", "name").build())) {
            ovs.vsctl("add-br", "okovs-rs1");
            c.echo();
            assertThat(c.cache().find("Bridge", "name", "okovs-rs1")).isPresent();

            ovs.killOvsdb();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (c.isConnected() && System.nanoTime() < deadline) {
                LabOvs.sleep(20);
            }
            assertThat(c.isConnected()).isFalse();
            // Changed behind our back while we were away: the rebuilt cache must show it.
            ovs.startOvsdb();
            ovs.vsctl("del-br", "okovs-rs1", "--", "add-br", "okovs-rs2");

            assertThat(c.awaitConnected(Duration.ofSeconds(15))).isTrue();
            c.transact(Transaction.builder().comment("okovs after restart").build());
            c.echo();
            assertThat(c.cache().find("Bridge", "name", "okovs-rs1")).isEmpty();
            assertThat(c.cache().find("Bridge", "name", "okovs-rs2")).isPresent();
            ovs.vsctl("add-br", "okovs-rs3");
            c.echo();
            assertThat(c.cache().find("Bridge", "name", "okovs-rs3")).isPresent();
        } finally {
            for (String b : List.of("okovs-rs1", "okovs-rs2", "okovs-rs3")) {
                ovs.deleteBridgeQuietly(b);
            }
        }
    }
}
