package io.overlaykit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.testkit.internal.Cli;
import io.overlaykit.testkit.internal.LabState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The sweeper at start removes what a dead run left (namespaces, OVS daemons, directories, record) and
 * leaves a live concurrent run alone. "Dead" is simulated by rewriting the run's owner record to a process
 * that has exited.
 */
@WithLab(ovs = true)
class LabSweeperIT {

    @Test
    void nextStartSweepsADeadRunButNotALiveOne() throws Exception {
        Lab dead = Lab.builder().host("hostA", "192.0.2.2/24").withOvs(true).start();
        Lab live = null;
        Lab next = null;
        try {
            live = Lab.builder().host("hostA", "198.51.100.2/24").start();
            Path ovsPidfile = dead.host("hostA").ovsRunDir().resolve("ovs-vswitchd.pid");
            long vswitchd = Long.parseLong(Files.readString(ovsPidfile).trim());
            assertThat(ProcessHandle.of(vswitchd)).isPresent();

            LabState.of(dead.prefix()).writeOwner(exitedPid());

            next = Lab.builder().host("hostA", "203.0.113.2/24").start();

            String netns = Cli.run("ip", "netns", "list");
            assertThat(netns).doesNotContain(dead.prefix() + "-");
            assertThat(netns).contains(live.prefix() + "-hostA").contains(live.prefix() + "-wire");
            assertThat(runningOrGone(vswitchd)).as("ovs-vswitchd of the dead run").isEqualTo("gone");
            assertThat(Cli.probe("pgrep", "-f", dead.runDir().toString()).stdout()).isEmpty();
            assertThat(dead.runDir()).doesNotExist();
            assertThat(LabState.of(dead.prefix()).exists()).isFalse();
            assertThat(LabState.of(live.prefix()).exists()).isTrue();
            live.host("hostA").exec("ip", "link", "show", "eth0");
        } finally {
            dead.close(); // already swept: must be a quiet no-op
            if (live != null) {
                live.close();
            }
            if (next != null) {
                next.close();
            }
        }
        assertThat(Cli.run("ip", "netns", "list")).doesNotContain(live.prefix() + "-").doesNotContain(next.prefix() + "-");
    }

    @Test
    void closeIsIdempotentAndAPrefixCanBeReused() {
        Lab lab = Lab.builder().prefix("oksweep").host("h1", "192.0.2.2/24").start();
        lab.close();
        lab.close();
        try (Lab again = Lab.builder().prefix("oksweep").host("h1", "192.0.2.2/24").start()) {
            assertThat(again.host("h1").namespace().name()).isEqualTo("oksweep-h1");
        }
        assertThat(Cli.run("ip", "netns", "list")).doesNotContain("oksweep-");
    }

    /** "running", or "gone" when the process has exited (a zombie not yet reaped by init counts as gone). */
    private static String runningOrGone(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X' ? "gone" : "running";
        } catch (java.io.IOException e) {
            return "gone";
        }
    }

    /** The pid of a process that has already exited. */
    private static long exitedPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
