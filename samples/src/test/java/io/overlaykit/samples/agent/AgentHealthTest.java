package io.overlaykit.samples.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.Host;
import io.overlaykit.core.NetNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's report survives its file (mode 0600), and only a live, recent report counts as running. */
class AgentHealthTest {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Instant PROCESS_START = Instant.parse("2026-01-01T09:59:00Z");

    @TempDir
    Path dir;

    @Test
    void theReportRoundTripsThroughItsFileWhichOnlyItsOwnerReads() throws IOException {
        AgentStateFile file = AgentStateFile.of(Host.builder("hostA").namespace(NetNamespace.current())
                .stack(org.mockito.Mockito.mock(io.overlaykit.core.spi.NetworkStack.class)).stateRoot(dir).build(), "shop");
        assertThat(file.read()).isEmpty();
        AgentReport r = report(T0, null);
        file.write(r);
        assertThat(file.path()).isEqualTo(dir.resolve("shop").resolve("hostA.agent.json"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path()))).isEqualTo("rw-------");
        assertThat(file.read()).contains(r);
    }

    @Test
    void aLiveRecentAgentRuns() {
        AgentHealth h = AgentHealth.judge(Optional.of(report(T0, null)), T0.plusSeconds(4), pid -> PROCESS_START);
        assertThat(h.state()).isEqualTo(AgentHealth.State.RUNNING);
        assertThat(h.isHealthy()).isTrue();
        assertThat(h.toText()).contains("agent: running", "1 forwards, 7 connections",
                "forward 192.0.2.5:1235 -> 172.16.0.11:9001: 7 accepted, 1 active, 2 failed", "re-wires: 3", "2 changes");
        assertThat(h.toMap()).containsEntry("state", "running").containsEntry("connections", 7L)
                .containsEntry("pid", 4242L);
    }

    @Test
    void aDeadAgentsReportIsStaleNotHealthy() {
        AgentHealth gone = AgentHealth.judge(Optional.of(report(T0, null)), T0.plusSeconds(1), pid -> null);
        assertThat(gone.state()).isEqualTo(AgentHealth.State.STALE);
        assertThat(gone.isHealthy()).isFalse();
        assertThat(gone.reason()).contains("pid 4242 is not running");
        // the pid was reused by another process: a different start time
        AgentHealth recycled = AgentHealth.judge(Optional.of(report(T0, null)), T0.plusSeconds(1),
                pid -> PROCESS_START.plusSeconds(30));
        assertThat(recycled.state()).isEqualTo(AgentHealth.State.STALE);
    }

    @Test
    void aHungAgentIsStaleAfterThreeIntervals() {
        Instant late = T0.plus(AgentHealth.STALE_AFTER).plus(Duration.ofSeconds(1));
        AgentHealth h = AgentHealth.judge(Optional.of(report(T0, null)), late, pid -> PROCESS_START);
        assertThat(h.state()).isEqualTo(AgentHealth.State.STALE);
        assertThat(h.reason()).contains("has not reported for 16 s");
        assertThat(AgentHealth.judge(Optional.of(report(T0, null)), T0.plus(AgentHealth.STALE_AFTER),
                pid -> PROCESS_START).state()).isEqualTo(AgentHealth.State.RUNNING);
    }

    @Test
    void aCleanStopAndNoAgentAtAllAreNoFault() {
        AgentHealth stopped = AgentHealth.judge(Optional.of(report(T0, T0.plusSeconds(2))), T0.plusSeconds(3600),
                pid -> null);
        assertThat(stopped.state()).isEqualTo(AgentHealth.State.STOPPED);
        assertThat(stopped.isHealthy()).isTrue();
        AgentHealth absent = AgentHealth.judge(Optional.empty(), T0, pid -> null);
        assertThat(absent.state()).isEqualTo(AgentHealth.State.ABSENT);
        assertThat(absent.isHealthy()).isTrue();
        assertThat(absent.toMap()).containsOnlyKeys("state", "reason");
    }

    private static AgentReport report(Instant at, Instant stopped) {
        return new AgentReport("shop", "hostA", 4242, PROCESS_START, at.minusSeconds(50), at, stopped,
                List.of(new AgentReport.Forward("192.0.2.5:1235", "172.16.0.11:9001", 1, 7, 2, 700, 700)), 3,
                new AgentReport.Rewire(at.minusSeconds(10), 2, 85, null), List.of(Map.of("peer", "hostB")));
    }
}
