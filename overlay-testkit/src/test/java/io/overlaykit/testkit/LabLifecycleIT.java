package io.overlaykit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.ConflictException;
import io.overlaykit.testkit.internal.Cli;
import io.overlaykit.testkit.internal.LabState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Lifecycle guarantees: a failed start removes what it made; a JVM that exits runs the shutdown hook; a JVM
 * killed with SIGKILL leaves its run to the next start's sweeper; a taken prefix is refused.
 */
@WithLab(ovs = true)
class LabLifecycleIT {

    @Test
    void aStartThatFailsHalfWayRemovesWhatItMade() {
        // The kernel refuses a multicast IPv6 address on eth0: namespaces and wire exist by then.
        assertThatThrownBy(() -> Lab.builder().prefix("okpartial").host("hostA", "192.0.2.2/24")
                .outside("ff02::1/64").start())
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("okpartial-outside");
        assertThat(Cli.run("ip", "netns", "list")).doesNotContain("okpartial-");
        assertThat(LabState.of("okpartial").exists()).isFalse();
        assertThat(Lab.RUN_ROOT.resolve("okpartial")).doesNotExist();
    }

    @Test
    void aTakenPrefixIsRefusedWithoutTouchingTheLiveLab() {
        try (Lab lab = Lab.builder().prefix("oktaken").host("hostA", "192.0.2.2/24").start()) {
            assertThatThrownBy(() -> Lab.builder().prefix("oktaken").host("hostA", "192.0.2.2/24").start())
                    .isInstanceOf(ConflictException.class).hasMessageContaining("oktaken");
            assertThat(lab.host("hostA").exec("ip", "-o", "addr", "show", "eth0")).contains("192.0.2.2/24");
        }
    }

    @Test
    void aProcessLeftInAHostNamespaceDiesWithTheLab() throws Exception {
        Lab lab = Lab.builder().host("hostA", "192.0.2.2/24").start();
        Process sleeper;
        try {
            sleeper = new ProcessBuilder("ip", "netns", "exec", lab.prefix() + "-hostA", "sleep", "600").start();
            assertThat(sleeper.isAlive()).isTrue();
        } finally {
            lab.close();
        }
        assertThat(sleeper.waitFor(5, TimeUnit.SECONDS)).as("the sleeper was killed").isTrue();
        assertThat(Cli.run("ip", "netns", "list")).doesNotContain(lab.prefix() + "-");
        assertThatThrownBy(lab::network).isInstanceOf(IllegalStateException.class);
        lab.close(); // idempotent
    }

    @Test
    void aHostsOvsdbServerCanBeCrashedAndRestarted(Lab lab) {
        LabHost a = lab.host("hostA");
        a.killOvsdbServer();
        assertThat(Cli.probe("ovs-vsctl", "--db=" + a.ovsdbRemote(), "--timeout=1", "list-br").ok()).isFalse();
        a.restartOvsdbServer();
        assertThat(Cli.run("ovs-vsctl", "--db=" + a.ovsdbRemote(), "--timeout=10", "list-br")).contains("br-phy");
        assertThat(a.exec("ping", "-c", "1", "-W", "2", lab.host("hostB").underlayAddress())).contains("1 received");
    }

    @Test
    void theShutdownHookCleansUpWhenTheJvmExits() throws Exception {
        Process child = child("okhook", "exit", "ovs");
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
        assertNothingLeft("okhook");
    }

    @Test
    void aKilledRunIsSweptByTheNextStart() throws Exception {
        Process child = child("okkilled", "wait", "ovs");
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs
        assertThat(Cli.run("ip", "netns", "list")).contains("okkilled-hostA");
        assertThat(Cli.probe("pgrep", "-f", Lab.RUN_ROOT.resolve("okkilled").toString()).stdout()).isNotEmpty();

        try (Lab next = Lab.builder().host("hostA", "203.0.113.2/24").start()) {
            assertNothingLeft("okkilled");
            assertThat(next.host("hostA").exec("ip", "-o", "addr", "show", "eth0")).contains("203.0.113.2/24");
        }
    }

    @Test
    void aPersistentLabOutlivesItsJvmAndTheSweeperUntilDestroyedByPrefix() throws Exception {
        Process child = child("okpersist", "persist", "ovs");
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        try {
            try (Lab other = Lab.builder().host("hostA", "203.0.113.2/24").start()) { // runs the sweeper
                assertThat(other.prefix()).isNotEqualTo("okpersist");
                assertThat(Cli.run("ip", "netns", "list")).contains("okpersist-hostA").contains("okpersist-wire");
                Path db = Lab.RUN_ROOT.resolve("okpersist").resolve("hostA").resolve("db.sock");
                assertThat(Cli.run("ovs-vsctl", "--db=unix:" + db, "list-br")).contains("br-phy");
                assertThat(Cli.run("ip", "netns", "exec", "okpersist-hostA", "ping", "-c", "1", "-W", "2",
                        "192.0.2.3")).contains("1 received");
            }
        } finally {
            assertThat(Lab.destroy("okpersist")).isTrue();
        }
        assertNothingLeft("okpersist");
        assertThat(Lab.destroy("okpersist")).isFalse();
    }

    private static void assertNothingLeft(String prefix) {
        assertThat(Cli.run("ip", "netns", "list")).doesNotContain(prefix + "-");
        assertThat(LabState.of(prefix).exists()).isFalse();
        Path runDir = Lab.RUN_ROOT.resolve(prefix);
        assertThat(runDir).doesNotExist();
        assertThat(Cli.probe("pgrep", "-f", runDir.toString()).stdout()).isEmpty();
    }

    /** Starts {@link LabChild} in a new JVM and waits for its READY line. */
    private static Process child(String prefix, String mode, String ovs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                LabChild.class.getName(), prefix, mode, ovs)).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            if (line.startsWith("READY")) {
                Thread reader = new Thread(() -> out.lines().forEach(l -> { }), "lab-child-output");
                reader.setDaemon(true);
                reader.start();
                return p;
            }
        }
        p.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("lab child " + prefix + " never became ready:\n" + seen);
    }
}
