package io.overlaykit.it;

import io.overlaykit.core.Overlay;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.check.CheckReport;
import io.overlaykit.core.check.ConnectivityCheck;
import io.overlaykit.core.check.Transfer;
import io.overlaykit.core.plan.ApplyResult;
import io.overlaykit.core.plan.ProgressListener;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.testkit.HostOracle;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabHost;
import io.overlaykit.testkit.LabOverlay;
import io.overlaykit.testkit.TrafficOracle;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole engine on real backends: three lab hosts, two containers per host run by the engine, one
 * overlay. One lab per class; the tests run in order on it (fault injection on a clean host, apply,
 * data path, idempotence, teardown). Subclasses choose the switch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractOverlayIT {
    private static final long TRANSFER_BYTES = 10L * 1024 * 1024;

    private Lab lab;
    private LabOverlay overlay;
    private OverlaySpec spec;
    private final Map<String, HostOracle.Snapshot> before = new LinkedHashMap<>();

    /** {@code "ovs"} or {@code "linux"}. */
    abstract String switchKind();

    /** The spec name, which is also the lab prefix. */
    abstract String specName();

    static String spec(String name, String switchKind) {
        return """
                {"name": "%s", "vni": 5077, "subnet": "10.77.0.0/16", "switch": "%s",
                 "lab": {"outside": "192.0.2.100"},
                 "hosts": [
                  {"name": "hostA", "underlay": "192.0.2.2", "gateway": "10.77.0.1", "containers": [
                    {"name": "a1", "ip": "10.77.1.1", "image": "%s", "command": %s},
                    {"name": "a2", "ip": "10.77.1.2", "image": "%3$s", "command": %4$s}]},
                  {"name": "hostB", "underlay": "192.0.2.3", "gateway": "10.77.0.2", "containers": [
                    {"name": "b1", "ip": "10.77.2.1", "image": "%3$s", "command": %4$s},
                    {"name": "b2", "ip": "10.77.2.2", "image": "%3$s", "command": %4$s}]},
                  {"name": "hostC", "underlay": "192.0.2.4", "gateway": "10.77.0.3", "containers": [
                    {"name": "c1", "ip": "10.77.3.1", "image": "%3$s", "command": %4$s},
                    {"name": "c2", "ip": "10.77.3.2", "image": "%3$s", "command": %4$s}]}
                 ]}
                """.formatted(name, switchKind, Lab.TEST_IMAGE, "[\"sh\", \"-c\", \"while sleep 3600; do :; done\"]");
    }

    @BeforeAll
    void startLab() {
        spec = OverlaySpec.read(spec(specName(), switchKind()));
        long t0 = System.nanoTime();
        lab = LabOverlay.labFor(spec).start();
        overlay = LabOverlay.connect(lab);
        System.out.printf("[%s] lab started in %d ms%n", specName(), ms(t0));
        for (LabHost h : lab.hosts()) {
            HostOracle.awaitSettled(h);
            before.put(h.name(), snapshot(h.name()));
        }
    }

    /** The host through ip, bridge, nft, sysctl, ovs-vsctl and podman, with the engine's state directory. */
    private HostOracle.Snapshot snapshot(String host) {
        return HostOracle.snapshot(lab, lab.host(host), overlay.host(host).stateDir(spec.name()));
    }

    @AfterAll
    void closeLab() {
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
    @Order(1)
    void aFailureInTheMiddleOfAnApplyLeavesTheHostAsItWas() {
        int steps = io.overlaykit.core.Overlay.of(spec).plan(overlay.host("hostA")).steps().size();
        assertThat(steps).isGreaterThan(20);
        for (int k : new int[] {steps / 2, steps - 1}) {
            AtomicInteger started = new AtomicInteger();
            AtomicInteger undone = new AtomicInteger();
            ProgressListener faulty = new ProgressListener() {
                @Override
                public void stepStarted(Step step) {
                    if (started.getAndIncrement() == k) {
                        throw new IllegalStateException("injected failure at step " + k + " (" + step.id() + ")");
                    }
                }

                @Override
                public void stepUndone(Step step, Duration took) {
                    undone.incrementAndGet();
                }
            };
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> io.overlaykit.core.Overlay.of(spec).apply(overlay.host("hostA"), faulty))
                    .hasMessageContaining("injected failure at step " + k).hasNoSuppressedExceptions();
            System.out.printf("[%s] failure at step %d of %d: %d steps undone in %d ms%n", specName(), k, steps,
                    undone.get(), ms(t0));
            assertThat(undone.get()).as("steps undone").isGreaterThan(0);
            assertThat(before.get("hostA").differences(snapshot("hostA")))
                    .as("hostA after a failure at step " + k).isEmpty();
        }
    }

    @Test
    @Order(2)
    void applyAllTakesBackTheHostsAlreadyAppliedWhenALaterHostFails() {
        AtomicInteger bridges = new AtomicInteger();
        ProgressListener failOnHostB = new ProgressListener() {
            @Override
            public void stepStarted(Step step) {
                // hostA's plan starts with "bridge", hostB's too: fail hostB in the middle of its plan
                if (step.id().equals("bridge")) {
                    bridges.incrementAndGet();
                }
                if (bridges.get() == 2 && step.id().startsWith("attach ")) {
                    throw new IllegalStateException("injected failure on the second host at " + step.id());
                }
            }
        };
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> overlay.applyAll(spec, failOnHostB)).hasMessageContaining("injected failure");
        System.out.printf("[%s] applyAll failing on hostB, rolled back in %d ms%n", specName(), ms(t0));
        for (String h : new String[] {"hostA", "hostB", "hostC"}) {
            assertThat(before.get(h).differences(snapshot(h))).as(h + " after applyAll failed")
                    .isEmpty();
        }
    }

    @Test
    @Order(3)
    void applyAllHosts() {
        long t0 = System.nanoTime();
        Map<String, ApplyResult> results = overlay.applyAll(spec);
        System.out.printf("[%s] applied 3 hosts in %d ms%n", specName(), ms(t0));
        for (ApplyResult r : results.values()) {
            assertThat(r.changed()).as(r.host() + " changed steps").isGreaterThan(0);
            StringBuilder perContainer = new StringBuilder();
            for (ContainerSpec c : spec.host(r.host()).containers()) {
                long run = 0;
                long wiring = 0;
                for (ApplyResult.StepOutcome o : r.steps()) {
                    String[] id = o.id().split(" ");
                    if (id.length >= 2 && id[1].equals(c.name())) {
                        if (id[0].equals("container")) {
                            run += o.took().toNanos();
                        } else {
                            wiring += o.took().toNanos();
                        }
                    }
                }
                perContainer.append(String.format(" %s: run %d ms + wiring %.1f ms;", c.name(), run / 1_000_000,
                        wiring / 1e6));
            }
            System.out.printf("[%s] %s: apply %d ms, %d steps (%d changed);%s%n", specName(), r.host(),
                    r.took().toMillis(), r.steps().size(), r.changed(), perContainer);
        }
        assertThat(results).containsOnlyKeys("hostA", "hostB", "hostC");
        Map<String, String> labels = Overlay.of(spec).containerLabels("hostA");
        assertThat(overlay.podman().list(labels)).extracting(ContainerInfo::name)
                .containsExactlyInAnyOrder(spec.name() + "-a1", spec.name() + "-a2");
    }

    @Test
    @Order(4)
    void everyContainerReachesEveryContainerAndEveryGatewayByIcmpAndTcp() {
        long t0 = System.nanoTime();
        CheckReport report = overlay.verifyAll(spec, Duration.ofSeconds(5));
        System.out.printf("[%s] verify: %s in %d ms%n", specName(), report.summary(), ms(t0));
        // 6 containers: 6*5 container pairs + 6*3 gateways, ICMP and TCP each
        assertThat(report.rows()).hasSize((6 * 5 + 6 * 3) * 2);
        assertThat(report.allOk()).as(report.toTable()).isTrue();
    }

    @Test
    @Order(4)
    void anIpv4OnlySpecGivesTheVethsOfItsContainersNoIpv6() {
        // Without IPv6 the links have no link-local address, so they send no router solicitation, DAD or MLD
        // frame that the switch would flood to every port.
        Overlay o = Overlay.of(spec);
        for (HostSpec h : spec.hosts()) {
            for (ContainerSpec c : h.containers()) {
                NetNamespace ns = overlay.container(spec, h.name(), c.name()).namespace();
                assertThat(Oracle.in(ns, "ip", "-j", "-6", "addr", "show", "dev", "eth0"))
                        .as("IPv6 addresses of eth0 in " + c.name()).doesNotContain("\"local\"");
                assertThat(Oracle.in(ns, "sysctl", "-n", "net.ipv6.conf.eth0.disable_ipv6").trim())
                        .as("disable_ipv6 of eth0 in " + c.name()).isEqualTo("1");
                String hostEnd = o.containerInterface(c.name()).value();
                assertThat(Oracle.in(lab.host(h.name()).namespace(), "ip", "-j", "-6", "addr", "show", "dev", hostEnd))
                        .as("IPv6 addresses of " + hostEnd + " on " + h.name()).doesNotContain("\"local\"");
            }
        }
    }

    @Test
    @Order(5)
    void pingAndTcpEchoAcrossHostsWithToolsWeDidNotWrite() {
        // From each container: ping a container on every other host and every gateway (iputils ping)
        int pings = 0;
        for (HostSpec from : spec.hosts()) {
            for (ContainerSpec c : from.containers()) {
                NetNamespace ns = overlay.container(spec, from.name(), c.name()).namespace();
                for (HostSpec to : spec.hosts()) {
                    assertThat(TrafficOracle.ping(ns, to.gateway(), 3)).as(c.name() + " pings gateway of " + to.name())
                            .isTrue();
                    if (!to.name().equals(from.name())) {
                        ContainerSpec target = to.containers().get(0);
                        assertThat(TrafficOracle.ping(ns, target.ip(), 3)).as(c.name() + " pings " + target.name())
                                .isTrue();
                        pings++;
                    }
                    pings++;
                }
            }
        }
        // TCP through socat: b2 (hostB) -> c1 (hostC) and a2 (hostA) -> b1 (hostB)
        String[][] pairs = {{"hostB", "b2", "hostC", "c1"}, {"hostA", "a2", "hostB", "b1"}};
        for (String[] p : pairs) {
            NetNamespace client = overlay.container(spec, p[0], p[1]).namespace();
            NetNamespace server = overlay.container(spec, p[2], p[3]).namespace();
            String line = "over the overlay from " + p[1] + " to " + p[3];
            assertThat(TrafficOracle.tcpEcho(client, server, spec.host(p[2]).container(p[3]).orElseThrow().ip(), 7007,
                    line)).as("socat echo " + p[1] + " -> " + p[3]).isEqualTo(line);
        }
        System.out.printf("[%s] oracles: %d pings and %d socat echoes answered%n", specName(), pings, pairs.length);
    }

    @Test
    @Order(6)
    void tenMegabytesAcrossHostsByOurCheckBySocatAndByIperf3() {
        ContainerInfo a1 = overlay.container(spec, "hostA", "a1");
        ContainerInfo c2 = overlay.container(spec, "hostC", "c2");
        java.net.InetAddress c2ip = spec.host("hostC").container("c2").orElseThrow().ip();
        ConnectivityCheck check = new ConnectivityCheck(overlay.stack().namespaces());
        // our check: the server verifies the pattern and echoes it; a damaged or short stream throws
        Transfer t = check.tcpTransfer(a1.namespace(), c2.namespace(), c2ip, TRANSFER_BYTES);
        System.out.printf("[%s] a1 -> c2 (hostA -> hostC): %s%n", specName(), t);
        assertThat(t.bytesReceived()).as("bytes echoed back").isEqualTo(TRANSFER_BYTES);
        // socat moves the same amount, byte for byte, outside our code
        byte[] data = new byte[(int) TRANSFER_BYTES];
        new java.util.Random(5077).nextBytes(data);
        byte[] got = TrafficOracle.tcpTransfer(a1.namespace(), c2.namespace(), c2ip, 7008, data);
        assertThat(got.length).as("bytes socat received in c2").isEqualTo(TRANSFER_BYTES);
        assertThat(java.util.Arrays.equals(got, data)).as("socat's bytes arrived unchanged").isTrue();
        // and iperf3 reports the path's throughput from its own counters
        TrafficOracle.Iperf iperf = TrafficOracle.iperf3(a1.namespace(), c2.namespace(), c2ip, 5201, TRANSFER_BYTES);
        System.out.printf("[%s] socat a1 -> c2: %d bytes, identical; iperf3: %d bytes sent, %s%n", specName(),
                got.length, iperf.bytesSent(), Transfer.formatRate(iperf.bitsPerSecond()));
        // iperf3 -n stops at the first whole block (128 KiB for TCP) at or past the count
        assertThat(iperf.bytesSent()).as("iperf3 sent").isBetween(TRANSFER_BYTES, TRANSFER_BYTES + 128 * 1024);
        assertThat(iperf.bytesReceived()).as("iperf3 received").isPositive();
    }

    @Test
    @Order(7)
    void applyingTwiceChangesNothing() {
        Map<String, HostOracle.Snapshot> applied = new LinkedHashMap<>();
        lab.hosts().forEach(HostOracle::awaitSettled); // new links finish IPv6 DAD by themselves
        spec.hosts().forEach(h -> applied.put(h.name(), snapshot(h.name())));
        long t0 = System.nanoTime();
        Map<String, ApplyResult> again = overlay.applyAll(spec);
        System.out.printf("[%s] second apply of 3 hosts: %d ms%n", specName(), ms(t0));
        for (ApplyResult r : again.values()) {
            assertThat(r.isUnchanged()).as(r.host() + " changed " + r.changedSteps()).isTrue();
            // not only our report: the oracles see the same host before and after
            assertThat(applied.get(r.host()).differences(snapshot(r.host()))).as(r.host() + " after a second apply")
                    .isEmpty();
        }
        assertThat(again).hasSize(3);
    }

    @Test
    @Order(8)
    void teardownLeavesNothingOfOurs() {
        long t0 = System.nanoTime();
        Map<String, java.util.List<String>> done = overlay.teardownAll(spec);
        System.out.printf("[%s] teardown of 3 hosts: %d ms%n", specName(), ms(t0));
        assertThat(done).containsOnlyKeys("hostA", "hostB", "hostC");
        String table = Overlay.of(spec).tags().firewallTable();
        for (HostSpec hs : spec.hosts()) {
            LabHost h = lab.host(hs.name());
            NetNamespace ns = h.namespace();
            assertThat(Oracle.in(ns, "nft", "-j", "list", "tables")).as("nft tables on " + hs.name())
                    .doesNotContain("\"" + table + "\"");
            if (h.hasOvs()) {
                String db = "--db=" + h.ovsdbRemote();
                assertThat(Oracle.run("ovs-vsctl", db, "--format=json", "--columns=name", "list", "Bridge"))
                        .as("bridges on " + hs.name()).contains("br-phy").doesNotContain(Overlay.of(spec).tags().bridge().value());
                assertThat(Oracle.run("ovs-vsctl", db, "--format=json", "--columns=external_ids", "list", "Port"))
                        .as("ports on " + hs.name()).doesNotContain("[\"overlaykit-owner\",\"" + spec.name() + "\"]");
            }
            assertThat(Oracle.in(ns, "ip", "-j", "link", "show")).as("links on " + hs.name())
                    .doesNotContain(Overlay.of(spec).tags().bridge().value())
                    .doesNotContain(Overlay.of(spec).gatewayInterface(hs.name()).value())
                    .doesNotContain(Overlay.of(spec).tags().linkAlias());
            assertThat(before.get(hs.name()).differences(snapshot(hs.name()))).as(hs.name() + " after teardown")
                    .isEmpty();
        }
        assertThat(Oracle.run("podman", "--url", lab.podmanUrl(), "ps", "-a", "--filter",
                "label=" + Overlay.of(spec).tags().specLabel() + "=" + spec.name(), "--format", "{{.Names}}")).isBlank();
        // a second teardown of clean hosts succeeds
        overlay.teardownAll(spec);
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
