package io.overlaykit.ovn.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.plan.ApplyResult;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
import io.overlaykit.testkit.TrafficOracle;
import io.overlaykit.testkit.internal.Cli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A clustered control plane: three central members, each in its own namespace on the wire with a northbound and a
 * southbound ovsdb-server of a Raft cluster ({@code ovsdb-tool create-cluster}/{@code join-cluster}), ovn-northd
 * beside the first. The northbound leader (as {@code ovs-appctl cluster/status} reports it) is killed while a
 * container pings another host's container without pause; an apply that adds a container then succeeds through the
 * newly elected leader, the new container is reachable, and the ping never stopped being answered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OvnClusterIT {
    static final String NAME = "ovnclu";
    static final String THREE = """
            {"northbound": "tcp:192.0.2.50:6641,tcp:192.0.2.51:6641,tcp:192.0.2.52:6641",
             "southbound": "tcp:192.0.2.50:6642,tcp:192.0.2.51:6642,tcp:192.0.2.52:6642"}""";

    private Lab lab;
    private LabOverlay overlay;
    private OverlaySpec before;
    private OverlaySpec after;

    @BeforeAll
    void start() {
        before = OverlaySpec.read(spec(1));
        after = OverlaySpec.read(spec(2));
        lab = LabOverlay.labFor(after).start();
        overlay = LabOverlay.connect(lab);
    }

    /** Three hosts; host h2 has {@code h2containers} containers. */
    static String spec(int h2containers) {
        String full = OvnOverlayIT.spec(NAME, 3, THREE);
        if (h2containers == 2) {
            return full;
        }
        return full.replaceFirst(",\\s*\\{\"name\": \"c22\"[^}]*}", "");
    }

    @AfterAll
    void stop() {
        try {
            if (overlay != null) {
                overlay.close();
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    @Test
    void anApplySucceedsAfterTheNorthboundLeaderDiesAndTheDataPlaneKeepsForwarding() throws Exception {
        assertThat(before.host("h2").containers()).hasSize(1);
        for (String h : List.of("h1", "h2", "h3")) {
            Overlay.of(before).apply(overlay.host(h));
        }
        NetNamespace c11 = overlay.container(before, "h1", "c11").namespace();
        java.net.InetAddress c31 = before.host("h3").container("c31").orElseThrow().ip();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!TrafficOracle.ping(c11, c31, 1) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        int leader = leader("nb", "OVN_Northbound");
        System.out.printf("[%s] northbound leader: member %d; killing it%n", NAME, leader);
        Process ping = new ProcessBuilder(Cli.inNamespace(c11, "ping", "-i", "0.2", "-w", "15", c31.getHostAddress()))
                .redirectErrorStream(true).start();
        Thread.sleep(1000);
        long t0 = System.nanoTime();
        lab.killOvnDb(leader, "nb");
        ApplyResult r = Overlay.of(after).apply(overlay.host("h2"));
        long took = (System.nanoTime() - t0) / 1_000_000;
        int newLeader = leader("nb", "OVN_Northbound");
        System.out.printf("[%s] apply on h2 after the leader died: %d ms (%d steps changed); new leader: member %d%n",
                NAME, took, r.changed(), newLeader);
        assertThat(newLeader).isNotEqualTo(leader);
        assertThat(nbctl(newLeader, "--bare", "--columns=name", "find", "Logical_Switch_Port",
                "external_ids:overlaykit-host=h2")).contains(NAME + "/c22");
        NetNamespace c22 = overlay.container(after, "h2", "c22").namespace();
        deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        boolean reached = false;
        while (!reached && System.nanoTime() < deadline) {
            reached = TrafficOracle.ping(c22, c31, 1);
        }
        assertThat(reached).as("the container added through the new leader reaches h3").isTrue();
        String out = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ping.waitFor();
        Matcher m = Pattern.compile("(\\d+) packets transmitted, (\\d+) received").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        int sent = Integer.parseInt(m.group(1));
        int got = Integer.parseInt(m.group(2));
        System.out.printf("[%s] continuous ping c11 -> c31 while the leader died: %d of %d answered%n", NAME, got, sent);
        assertThat(got).as("pings answered throughout").isGreaterThanOrEqualTo(sent - 2);
    }

    /** The member whose {@code db} server says "Role: leader". */
    int leader(String db, String database) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 3; i++) {
                Cli.Result r = Cli.exec(List.of("ovs-appctl", "-t", lab.ovnControlSocket(i, db).toString(),
                        "cluster/status", database), Map.of(), null, Duration.ofSeconds(5));
                if (r.ok() && r.stdout().contains("Role: leader")) {
                    return i;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        throw new AssertionError("no " + database + " leader within 30 s");
    }

    String nbctl(int member, String... args) {
        return OvnOverlayIT.ctl("ovn-nbctl", lab.ovnSocket(member, "nb"), args);
    }
}
