package io.overlaykit.ovn.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.plan.ApplyResult;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabHost;
import io.overlaykit.testkit.LabOverlay;
import io.overlaykit.testkit.TrafficOracle;
import io.overlaykit.testkit.internal.Cli;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The OVN backend on real daemons: a lab of six hosts (userspace OVS and ovn-controller each) and OVN's central
 * databases with ovn-northd in {@code <prefix>-central}. Five hosts with two containers each are applied first:
 * every container reaches every other by ping and TCP (socat, iperf3) through Geneve. Then the sixth host joins by
 * an apply on it alone: no other host's OVSDB changes ({@code ovs-vsctl list} of every table, before and after),
 * and its containers reach all others. Then a host leaves: no logical port, DNS record or chassis of it is left
 * ({@code ovn-nbctl}/{@code ovn-sbctl} as oracles); the last host out removes the logical switch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OvnOverlayIT {
    static final String NAME = "ovnit";
    private static final String CMD = "[\"sh\", \"-c\", \"while sleep 3600; do :; done\"]";

    private Lab lab;
    private LabOverlay overlay;
    private OverlaySpec five;
    private OverlaySpec six;

    static String spec(String name, int hosts, String ovn) {
        StringBuilder h = new StringBuilder();
        for (int i = 1; i <= hosts; i++) {
            if (i > 1) {
                h.append(",\n");
            }
            h.append("""
                      {"name": "h%d", "underlay": "192.0.2.%d", "gateway": "10.66.0.%d", "containers": [
                        {"name": "c%d1", "ip": "10.66.%d.1", "image": "%s", "command": %s},
                        {"name": "c%d2", "ip": "10.66.%d.2", "image": "%s", "command": %s}]}"""
                    .formatted(i, i + 1, i, i, i, Lab.TEST_IMAGE, CMD, i, i, Lab.TEST_IMAGE, CMD));
        }
        return """
                {"name": "%s", "vni": 6066, "subnet": "10.66.0.0/16", "switch": "ovn",
                 "ovn": %s, "dns": ["198.51.100.53"],
                 "hosts": [
                %s
                 ]}
                """.formatted(name, ovn, h);
    }

    static final String ONE_CENTRAL = """
            {"northbound": "tcp:192.0.2.50:6641", "southbound": "tcp:192.0.2.50:6642", "encap": "geneve"}""";

    @BeforeAll
    void start() {
        five = OverlaySpec.read(spec(NAME, 5, ONE_CENTRAL));
        six = OverlaySpec.read(spec(NAME, 6, ONE_CENTRAL));
        long t0 = System.nanoTime();
        lab = LabOverlay.labFor(six).start();
        overlay = LabOverlay.connect(lab);
        System.out.printf("[%s] lab of 6 hosts + OVN central started in %d ms%n", NAME, ms(t0));
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
    @Order(1)
    void fiveHostsTwoContainersEachReachEachOtherThroughGeneve() {
        long t0 = System.nanoTime();
        for (HostSpec h : five.hosts()) {
            ApplyResult r = Overlay.of(five).apply(overlay.host(h.name()));
            System.out.printf("[%s] %s applied in %d ms (%d steps changed)%n", NAME, h.name(), r.took().toMillis(),
                    r.changed());
        }
        System.out.printf("[%s] 5 hosts applied in %d ms%n", NAME, ms(t0));
        assertThat(nbctl("--bare", "--columns=name", "find", "Logical_Switch_Port", "external_ids:overlaykit-owner=" + NAME)
                .lines().filter(l -> !l.isBlank()).count()).as("logical ports: 10 containers + 5 gateways").isEqualTo(15);
        long t1 = System.nanoTime();
        awaitAllPing(five);
        System.out.printf("[%s] every container of 5 hosts pings every other (90 pairs) %d ms after the applies%n",
                NAME, ms(t1));
        tcp(five, "h1", "c11", "h5", "c52", 7101);
        tcp(five, "h3", "c32", "h2", "c21", 7102);
        TrafficOracle.Iperf iperf = null;
        for (int attempt = 1; iperf == null; attempt++) {
            try {
                iperf = TrafficOracle.iperf3(ns(five, "h1", "c12"), ns(five, "h4", "c41"), ip(five, "h4", "c41"),
                        5201, 10L << 20);
            } catch (RuntimeException e) {
                if (attempt == 3) {
                    throw e;
                }
                System.out.printf("[%s] iperf3 attempt %d: %s%n", NAME, attempt, e.getMessage().lines().findFirst()
                        .orElse(""));
            }
        }
        System.out.printf("[%s] iperf3 c12 (h1) -> c41 (h4): %d bytes, %.2f Gbit/s%n", NAME, iperf.bytesSent(),
                iperf.bitsPerSecond() / 1e9);
        assertThat(iperf.bytesReceived()).isGreaterThan(0);
    }

    @Test
    @Order(2)
    void containersResolveEachOtherByNameThroughOvnDnsAcrossHosts() {
        // resolv.conf names 198.51.100.53, which does not exist: ovn-controller answers for the spec's containers
        String pod = NAME + "-c11";
        var r = overlay.podman().exec(pod, List.of("nslookup", "-type=a", "c52"), Duration.ofSeconds(20));
        System.out.printf("[%s] nslookup c52 in c11 (h1): %s%n", NAME, r.stdout().replace('\n', ' '));
        assertThat(r.stdout()).as("nslookup c52 from c11").contains("10.66.5.2");
        // (the image's static busybox ping cannot resolve: static glibc has no NSS; its nslookup speaks DNS itself)
        var other = overlay.podman().exec(NAME + "-c22", List.of("nslookup", "-type=a", "C41"), Duration.ofSeconds(20));
        assertThat(other.stdout()).as("nslookup C41 (any case) from c22 on h2").contains("10.66.4.1");
        assertThat(nbctl("--bare", "--columns=records", "list", "DNS")).contains("c52").contains("10.66.5.2");
    }

    @Test
    @Order(3)
    void statusReadsTheSouthboundBindingAndApplyRepairsAnUnboundPort() {
        for (HostSpec h : five.hosts()) {
            assertThat(Overlay.of(five).status(overlay.host(h.name())).isClean()).as(h.name() + " status")
                    .isTrue();
        }
        // unplug c11's port behind our back: ovn-controller releases its binding
        String port = overlay.host("h1").links().list().stream().map(l -> l.name().value())
                .filter(n -> n.startsWith("okvc11")).findFirst().orElseThrow();
        Cli.exec(List.of("ovs-vsctl", "--db=" + lab.host("h1").ovsdbRemote(), "del-port", "br-int", port), Map.of(),
                null, Duration.ofSeconds(10)).check();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String drift = "";
        while (System.nanoTime() < deadline && !drift.contains("not bound")) {
            drift = Overlay.of(five).status(overlay.host("h1")).toText();
        }
        System.out.printf("[%s] status of h1 with c11 unplugged from OVN: %s; southbound: %s%n", NAME,
                drift.replace('\n', ' '), sbctl("--columns=logical_port,chassis", "find", "Port_Binding",
                        "logical_port=" + NAME + "/c11").replace('\n', ' '));
        assertThat(drift).contains(NAME + "/c11").contains("not bound");
        Overlay.of(five).apply(overlay.host("h1"));
        assertThat(sbctl("--bare", "--columns=chassis", "find", "Port_Binding", "logical_port=" + NAME + "/c11"))
                .as("c11 bound again").isNotBlank();
        assertThat(Overlay.of(five).status(overlay.host("h1")).isClean()).isTrue();
        awaitAllPing(five);
    }

    @Test
    @Order(4)
    void aSixthHostJoinsByAnApplyOnItAloneAndChangesNoOtherHost() {
        Map<String, java.util.Set<String>> before = new LinkedHashMap<>();
        for (int i = 1; i <= 5; i++) {
            before.put("h" + i, ovsdbContents(lab.host("h" + i)));
        }
        long t0 = System.nanoTime();
        ApplyResult r = Overlay.of(six).apply(overlay.host("h6"));
        System.out.printf("[%s] h6 joined by one apply in %d ms (%d steps changed)%n", NAME, ms(t0), r.changed());
        awaitAllPing(six);
        System.out.printf("[%s] every container of 6 hosts pings every other %d ms after h6's apply%n", NAME, ms(t0));
        tcp(six, "h6", "c61", "h2", "c22", 7103);
        tcp(six, "h1", "c11", "h6", "c62", 7104);
        // What OverlayKit wrote on the others is unchanged; ovn-controller there adds its Geneve port to h6 by itself.
        for (int i = 1; i <= 5; i++) {
            java.util.Set<String> after = ovsdbContents(lab.host("h" + i));
            java.util.Set<String> gone = new java.util.TreeSet<>(before.get("h" + i));
            gone.removeAll(after);
            java.util.Set<String> added = new java.util.TreeSet<>(after);
            added.removeAll(before.get("h" + i));
            assertThat(gone).as("rows of h" + i + "'s OVSDB changed or removed after h6 joined").isEmpty();
            assertThat(added).as("rows added to h" + i + "'s OVSDB: only ovn-controller's tunnel to h6")
                    .allMatch(row -> row.contains("ovn-h6-0") && (row.contains("ovn-chassis-id") || row.contains("geneve")));
            System.out.printf("[%s] h%d's OVSDB after h6 joined: %d rows unchanged, added by ovn-controller: %s%n",
                    NAME, i, before.get("h" + i).size(), added.size());
        }
    }

    @Test
    @Order(5)
    void aHostThatLeavesLeavesNoLogicalPortDnsRecordOrChassis() {
        long t0 = System.nanoTime();
        List<String> done = Overlay.of(six).teardown(overlay.host("h6"));
        System.out.printf("[%s] h6 torn down in %d ms: %s%n", NAME, ms(t0), done);
        assertThat(nbctl("--bare", "--columns=name", "find", "Logical_Switch_Port", "external_ids:overlaykit-host=h6"))
                .as("logical ports of h6").isBlank();
        assertThat(nbctl("--bare", "--columns=records", "list", "DNS")).as("DNS records").doesNotContain("c61")
                .doesNotContain("c62");
        assertThat(sbctl("--bare", "--columns=name", "list", "Chassis")).as("chassis").doesNotContain("h6")
                .contains("h1");
        assertThat(Cli.exec(Cli.inNamespace(lab.host("h6").namespace(), "ovs-vsctl", "--db=" + lab.host("h6")
                .ovsdbRemote(), "get", "Open_vSwitch", ".", "external_ids"), Map.of(), null, Duration.ofSeconds(10))
                .check().stdout()).as("h6 chassis configuration").doesNotContain("ovn-remote").doesNotContain("system-id");
        awaitAllPing(five); // the others keep forwarding
    }

    @Test
    @Order(6)
    void theLastHostOutRemovesTheLogicalSwitch() {
        for (int i = 5; i >= 1; i--) {
            Overlay.of(five).teardown(overlay.host("h" + i));
        }
        assertThat(nbctl("--bare", "--columns=name", "list", "Logical_Switch")).isBlank();
        assertThat(nbctl("--bare", "--columns=_uuid", "list", "DNS")).isBlank();
        assertThat(nbctl("--bare", "--columns=name", "list", "Logical_Switch_Port")).isBlank();
    }

    // ---- oracles ----

    String nbctl(String... args) {
        return ctl("ovn-nbctl", lab.ovnSocket(0, "nb"), args);
    }

    String sbctl(String... args) {
        return ctl("ovn-sbctl", lab.ovnSocket(0, "sb"), args);
    }

    static String ctl(String tool, java.nio.file.Path socket, String... args) {
        List<String> cmd = new ArrayList<>(List.of(tool, "--db=unix:" + socket));
        cmd.addAll(List.of(args));
        return Cli.exec(cmd, Map.of(), null, Duration.ofSeconds(20)).check().stdout().trim();
    }

    /**
     * A host's OVSDB as ovs-vsctl lists it, one line per row and column set: the Open_vSwitch row's external_ids,
     * each bridge (name, datapath, fail mode, external_ids without ovn-controller's ct-zone bookkeeping), each port
     * (name, external_ids) and interface (name, type, options, external_ids). Statistics and status columns that
     * ovs-vswitchd updates by itself are left out.
     */
    static java.util.Set<String> ovsdbContents(LabHost h) {
        java.util.Set<String> rows = new java.util.TreeSet<>();
        for (String table : List.of("Open_vSwitch", "Bridge", "Port", "Interface")) {
            String cols = switch (table) {
                case "Open_vSwitch" -> "external_ids";
                case "Bridge" -> "name,datapath_type,fail_mode,external_ids";
                case "Port" -> "name,external_ids";
                default -> "name,type,options,external_ids";
            };
            String json = Cli.exec(List.of("ovs-vsctl", "--db=" + h.ovsdbRemote(), "--format=json", "--columns=" + cols,
                    "list", table), Map.of(), null, Duration.ofSeconds(10)).check().stdout();
            try {
                for (com.fasterxml.jackson.databind.JsonNode row : JSON.readTree(json).get("data")) {
                    for (com.fasterxml.jackson.databind.JsonNode col : row) {
                        if (col.isArray() && col.size() == 2 && "map".equals(col.get(0).asText())) {
                            java.util.Iterator<com.fasterxml.jackson.databind.JsonNode> it = col.get(1).elements();
                            while (it.hasNext()) {
                                if (it.next().get(0).asText().startsWith("ct-zone-")) {
                                    it.remove(); // ovn-controller's conntrack zone bookkeeping
                                }
                            }
                        }
                    }
                    rows.add(table + " " + row);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return rows;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    void awaitAllPing(OverlaySpec spec) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<String> failing = new ArrayList<>();
        for (HostSpec from : spec.hosts()) {
            for (ContainerSpec c : from.containers()) {
                for (HostSpec to : spec.hosts()) {
                    for (ContainerSpec d : to.containers()) {
                        if (d == c) {
                            continue;
                        }
                        boolean ok = false;
                        while (!ok && System.nanoTime() < deadline) {
                            ok = TrafficOracle.ping(ns(spec, from.name(), c.name()), d.ip(), 1);
                        }
                        if (!ok) {
                            failing.add(c.name() + " -> " + d.name());
                        }
                    }
                }
            }
        }
        assertThat(failing).as("pairs that do not ping").isEmpty();
    }

    NetNamespace ns(OverlaySpec spec, String host, String container) {
        return overlay.container(spec, host, container).namespace();
    }

    static InetAddress ip(OverlaySpec spec, String host, String container) {
        return spec.host(host).container(container).orElseThrow().ip();
    }

    void tcp(OverlaySpec spec, String fromHost, String from, String toHost, String to, int port) {
        String line = "ovn " + from + " -> " + to;
        assertThat(TrafficOracle.tcpEcho(ns(spec, fromHost, from), ns(spec, toHost, to), ip(spec, toHost, to), port,
                line)).as("socat echo " + from + " -> " + to).isEqualTo(line);
    }

    static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
