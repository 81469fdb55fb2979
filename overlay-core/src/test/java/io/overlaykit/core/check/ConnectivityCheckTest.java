package io.overlaykit.core.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.testing.InlineNamespaces;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the checks in this process's own namespace against loopback: no root, nothing created. */
class ConnectivityCheckTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final InetAddress LO1 = IpPrefix.parseAddress("127.0.0.1");
    private static final InetAddress LO2 = IpPrefix.parseAddress("127.0.0.2");
    private static final NetNamespace A = NetNamespace.named("oklsw-a");
    private static final NetNamespace B = NetNamespace.named("oklsw-b");

    private final InlineNamespaces namespaces = new InlineNamespaces();
    private final ConnectivityCheck check = new ConnectivityCheck(namespaces);

    @Test
    void tcpExchangesANonceBothWays() {
        Probe p = check.tcp(A, B, LO1, TIMEOUT);
        assertThat(p.ok()).as(p.toString()).isTrue();
        assertThat(p.error()).isNull();
        assertThat(p.kind()).isEqualTo(Probe.Kind.TCP);
        assertThat(p.from()).isEqualTo("oklsw-a");
        assertThat(p.to()).isEqualTo("127.0.0.1@oklsw-b");
        assertThat(namespaces.calls().size()).as("server socket in B, client socket in A").isEqualTo(2);
    }

    @Test
    void tcpReportsAServerAddressThatIsNotThere() {
        // 192.0.2.77 is on no link here: bind fails before a packet leaves
        Probe p = check.tcp(A, B, IpPrefix.parseAddress("192.0.2.77"), TIMEOUT);
        assertThat(p.ok()).isFalse();
        assertThat(p.error()).contains("listen on 192.0.2.77 in oklsw-b");
    }

    @Test
    void probesReportANamespaceThatCannotBeEnteredInsteadOfThrowing() {
        namespaces.broken().add(A);
        Probe tcp = check.tcp(A, B, LO1, TIMEOUT);
        Probe icmp = check.icmp(A, LO1, TIMEOUT);
        assertThat(tcp.ok()).isFalse();
        assertThat(tcp.error()).contains("cannot enter namespace oklsw-a");
        assertThat(icmp.ok()).isFalse();
        assertThat(icmp.error()).contains("cannot enter namespace oklsw-a");
    }

    @Test
    void icmpReachesLoopback() {
        // As root a raw ICMP echo; otherwise the JDK's TCP port 7 fallback (refused counts as reachable).
        Probe p = check.icmp(A, LO1, TIMEOUT);
        assertThat(p.ok()).as(p.toString()).isTrue();
        assertThat(p.kind()).isEqualTo(Probe.Kind.ICMP);
    }

    @Test
    void tcpTransferMovesTenMegabytesEachWay() {
        long bytes = 10L * 1024 * 1024;
        Transfer t = check.tcpTransfer(A, B, LO1, bytes);
        assertThat(t.bytesSent()).isEqualTo(bytes);
        assertThat(t.bytesReceived()).isEqualTo(bytes);
        assertThat(t.uploadBitsPerSecond()).isPositive();
        assertThat(t.downloadBitsPerSecond()).isPositive();
        assertThat(t.toString()).contains("up " + bytes + " B").contains("bit/s");
        System.out.println("loopback " + t); // a figure for the report
    }

    @Test
    void tcpTransferOfNothingAndOfAnOddSize() {
        assertThat(check.tcpTransfer(A, B, LO1, 0).bytesReceived()).isZero();
        assertThat(check.tcpTransfer(A, B, LO1, 65_537).bytesReceived()).isEqualTo(65_537);
    }

    @Test
    void tcpTransferThrowsWithContextWhenThePathIsBroken() {
        assertThatThrownBy(() -> check.tcpTransfer(A, B, IpPrefix.parseAddress("192.0.2.77"), 10))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("tcp transfer from oklsw-a to 192.0.2.77 in oklsw-b")
                .hasMessageContaining("listen on 192.0.2.77");
    }

    @Test
    void matrixProbesEveryOrderedPair() {
        List<Endpoint> endpoints = List.of(new Endpoint("podA", A, LO1), new Endpoint("podB", B, LO2),
                new Endpoint("gwA", NetNamespace.current(), LO1));
        CheckReport report = check.matrix(endpoints, TIMEOUT);

        assertThat(report.rows()).hasSize(3 * 2 * 2);
        assertThat(report.allOk()).as(report.toTable()).isTrue();
        assertThat(report.exitCode()).isZero();
        assertThat(report.rows().get(0)).extracting(Probe::from, Probe::to, Probe::kind)
                .containsExactly("podA", "podB", Probe.Kind.ICMP);
        assertThat(report.rows().get(1)).extracting(Probe::from, Probe::to, Probe::kind)
                .containsExactly("podA", "podB", Probe.Kind.TCP);
        assertThat(report.summary()).isEqualTo("12/12 probes ok");
    }

    @Test
    void matrixMarksFailuresAndExitCode() {
        namespaces.broken().add(B);
        CheckReport report = check.matrix(List.of(new Endpoint("podA", A, LO1), new Endpoint("podB", B, LO2)));
        // podA -> podB: icmp ok (runs in A), tcp fails (server in B); podB -> podA: both fail (client in B)
        assertThat(report.failures()).extracting(p -> p.from() + ">" + p.to() + ":" + p.kind())
                .containsExactly("podA>podB:TCP", "podB>podA:ICMP", "podB>podA:TCP");
        assertThat(report.exitCode()).isEqualTo(1);
        assertThat(report.summary()).isEqualTo("1/4 probes ok, 3 failed");
    }

    @Test
    void checkProbesFromSourcesToTargetsOnly() {
        Endpoint podA = new Endpoint("podA", A, LO1);
        Endpoint podB = new Endpoint("podB", B, LO2);
        Endpoint gw = new Endpoint("gwA", NetNamespace.current(), LO1);
        CheckReport report = check.check(List.of(podA, podB), List.of(gw, podA), TIMEOUT);
        assertThat(report.rows()).extracting(p -> p.from() + ">" + p.to() + ":" + p.kind()).containsExactly(
                "podA>gwA:ICMP", "podA>gwA:TCP", "podB>gwA:ICMP", "podB>gwA:TCP", "podB>podA:ICMP", "podB>podA:TCP");
        assertThat(report.allOk()).as(report.toTable()).isTrue();
    }

    @Test
    void matrixOfOneEndpointIsEmpty() {
        assertThat(check.matrix(List.of(new Endpoint("podA", A, LO1))).rows()).isEmpty();
    }

    @Test
    void reportRendersAnAlignedTable() {
        CheckReport report = new CheckReport(List.of(
                new Probe("podA", "podB", Probe.Kind.ICMP, true, 3, null),
                new Probe("podA", "hostC-gateway", Probe.Kind.TCP, false, 2001, "timed out")));
        assertThat(report.toTable()).isEqualTo(String.join("\n",
                "FROM  TO             KIND  RESULT    MS  ERROR",
                "podA  podB           icmp  ok         3",
                "podA  hostC-gateway  tcp   FAIL    2001  timed out",
                "1/2 probes ok, 1 failed", ""));
        assertThat(report.toString()).isEqualTo(report.toTable());
    }

    @Test
    void probeValuesStayConsistent() {
        assertThat(new Probe("a", "b", Probe.Kind.TCP, false, 1, null).error()).isEqualTo("failed");
        assertThatThrownBy(() -> new Probe("a", "b", Probe.Kind.TCP, true, 1, "boom"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Transfer.formatRate(1.5e9)).isEqualTo("1.50 Gbit/s");
        assertThat(Transfer.formatRate(2.5e7)).isEqualTo("25.0 Mbit/s");
    }
}
