package io.overlaykit.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
import io.overlaykit.testkit.WithLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Neighbour suppression on the Linux switch's VXLAN bridge port (issue 14), on two lab hosts with a dual-stack spec,
 * checked with {@code bridge -j -d link} (the flag), {@code ip -j neigh show dev BRIDGE} (a permanent entry per spec
 * address) and {@code bridge -j fdb} (static bridge entries); then from a namespace that is not a spec container but
 * sits on hostA's overlay bridge: busybox {@code arping} for a container on hostB is answered on hostA with the
 * container's MAC while a tcpdump on the lab's wire sees no encapsulated ARP for it, an address outside the spec still
 * floods over the tunnel, and IPv6 neighbour discovery for the container stays off the wire too. A container removed
 * from the spec takes its entries with it on re-apply; teardown takes them all.
 */
@WithLab(podman = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NeighSuppressLinuxIT {
    private static final String NAME = "oksupp";
    private static final String SLEEP = "[\"sh\", \"-c\", \"while sleep 3600; do :; done\"]";
    /** The veth end on hostA's bridge and the stand-in for a container that is not in the spec. */
    private static final String STRANGER_PORT = NAME + "-s0";
    private static final String STRANGER_IP = "10.93.9.9";
    private static final String STRANGER_IP6 = "fd00:93::909";
    private static final String NOT_IN_SPEC = "10.93.2.99";

    private Lab lab;
    private LabOverlay overlay;
    private OverlaySpec spec;
    private NetNamespace stranger;

    static String spec(boolean withB3) {
        return """
                {"name": "%1$s", "vni": 5193, "subnet": "10.93.0.0/16", "subnet6": "fd00:93::/64", "switch": "linux",
                 "hosts": [
                  {"name": "hostA", "underlay": "192.0.2.2", "gateway": "10.93.0.1", "containers": [
                    {"name": "a1", "ip": "10.93.1.1", "image": "%2$s", "command": %3$s},
                    {"name": "a2", "ip": "10.93.1.2", "image": "%2$s", "command": %3$s}]},
                  {"name": "hostB", "underlay": "192.0.2.3", "gateway": "10.93.0.2", "containers": [
                    {"name": "b1", "ip": "10.93.2.1", "image": "%2$s", "command": %3$s},
                    {"name": "b2", "ip": "10.93.2.2", "image": "%2$s", "command": %3$s}%4$s]}
                 ]}
                """.formatted(NAME, Lab.TEST_IMAGE, SLEEP, withB3 ? ",\n{\"name\": \"b3\", \"ip\": \"10.93.2.3\", \"image\": \""
                + Lab.TEST_IMAGE + "\", \"command\": " + SLEEP + "}" : "");
    }

    @BeforeAll
    void startLab() {
        spec = OverlaySpec.read(spec(true));
        lab = LabOverlay.labFor(spec).start();
        overlay = LabOverlay.connect(lab);
    }

    @AfterAll
    void closeLab() {
        try {
            if (lab != null && stranger != null) {
                // the lab removes the stranger's namespace, and the veth with it; this is for a lab kept for a look
                lab.exec(host("hostA"), "sh", "-c", "ip link del " + STRANGER_PORT + " 2>/dev/null || true");
            }
        } finally {
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
    }

    @Test
    @Order(1)
    void everyHostSuppressesOnItsVxlanPortAndHoldsAnEntryPerSpecAddress() {
        overlay.applyAll(spec);
        for (HostSpec h : spec.hosts()) {
            NetNamespace ns = host(h.name());
            String br = ours(ns, "bridge");
            String vx = ours(ns, "vxlan");
            assertThat(neighSuppress(ns)).as("neigh_suppress of the ports of " + br + " on " + h.name())
                    .containsEntry(vx, true);
            assertThat(permanent(ns, br)).as("permanent entries on " + br + " of " + h.name())
                    .isEqualTo(wantNeighbours(spec));
            Map<String, String> fdb = new TreeMap<>();
            for (HostSpec x : spec.hosts()) {
                for (ContainerSpec c : x.containers()) {
                    fdb.put(mac(x, c), x.name().equals(h.name())
                            ? Overlay.of(spec).containerInterface(c.name()).value() : vx);
                }
            }
            assertThat(bridgeStatic(ns, br)).as("static bridge fdb entries of " + h.name()).isEqualTo(fdb);
            assertThat(Overlay.of(spec).status(overlay.host(h.name())).drift()).as("drift on " + h.name()).isEmpty();
        }
        System.out.printf("[%s] neigh_suppress on, %d neighbour entries per bridge%n", NAME, wantNeighbours(spec).size());
    }

    @Test
    @Order(2)
    void arpForASpecContainerIsAnsweredOnTheHostAndOnlyArpOutsideTheSpecCrossesTheWire() throws Exception {
        NetNamespace a = host("hostA");
        stranger = lab.createNamespace("stranger");
        lab.exec(a, "ip", "link", "add", STRANGER_PORT, "type", "veth", "peer", "name", "eth0", "netns", stranger.name());
        lab.exec(a, "ip", "link", "set", STRANGER_PORT, "master", ours(a, "bridge"), "up");
        lab.exec(stranger, "ip", "addr", "add", STRANGER_IP + "/16", "dev", "eth0");
        lab.exec(stranger, "ip", "addr", "add", STRANGER_IP6 + "/64", "dev", "eth0", "nodad");
        lab.exec(stranger, "ip", "link", "set", "eth0", "up");
        HostSpec b = spec.host("hostB");
        ContainerSpec b1 = b.container("b1").orElseThrow();
        String b1ip = b1.ip().getHostAddress();
        String b1ip6 = ip6(b, b1); // as tcpdump prints it

        Path pcap = Files.createTempFile(NAME + "-", ".pcap");
        Process capture = new ProcessBuilder("ip", "netns", "exec", lab.wireNamespace().name(), "tcpdump", "-i", "any",
                "-n", "-U", "-w", pcap.toString(), "udp port 4789").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String suppressed;
        String flooded;
        String ping6;
        try {
            Thread.sleep(1000); // tcpdump opens its socket
            suppressed = lab.exec(stranger, "sh", "-c", "busybox arping -c 1 -w 3 -I eth0 " + b1ip + " 2>&1; true");
            flooded = lab.exec(stranger, "sh", "-c", "busybox arping -c 1 -w 2 -I eth0 " + NOT_IN_SPEC + " 2>&1; true");
            ping6 = lab.exec(stranger, "sh", "-c", "ping -6 -c 1 -W 3 " + b1ip6 + " 2>&1; true");
            Thread.sleep(500);
        } finally {
            capture.destroy(); // SIGTERM: tcpdump flushes and exits
            capture.waitFor(10, TimeUnit.SECONDS);
        }
        String wire = Oracle.run("tcpdump", "-n", "-r", pcap.toString());
        Files.deleteIfExists(pcap);
        List<String> arp = new ArrayList<>();
        for (String line : wire.split("\n")) {
            if (line.contains("ARP") || line.contains("neighbor solicitation")) {
                arp.add(line.trim());
            }
        }
        System.out.printf("[%s] arping %s: %s%n[%s] ARP/NS on the wire: %s%n", NAME, b1ip,
                suppressed.trim().replace("\n", " | "), NAME, arp);

        String b1mac = mac(b, b1);
        assertThat(suppressed).as("busybox arping for b1 from a namespace on hostA's bridge")
                .containsIgnoringCase("reply from " + b1ip + " [" + b1mac + "]");
        assertThat(arp).as("encapsulated ARP for b1 on the wire").noneMatch(l -> l.contains("who-has " + b1ip + " "));
        assertThat(arp).as("encapsulated ARP for an address outside the spec: it still floods")
                .anyMatch(l -> l.contains("who-has " + NOT_IN_SPEC + " "));
        assertThat(flooded).as("nobody has " + NOT_IN_SPEC).doesNotContainIgnoringCase("reply from");
        assertThat(ping6).as("ping -6 to b1 (its neighbour solicitation answered on hostA)").contains("1 received");
        assertThat(arp).as("encapsulated neighbour solicitations for b1's IPv6 address")
                .noneMatch(l -> l.contains("who has " + b1ip6));
        assertThat(permanent(a, ours(a, "bridge"))).as("a port outside the spec adds no entry")
                .doesNotContainKey(STRANGER_IP);
    }

    @Test
    @Order(3)
    void aContainerRemovedFromTheSpecTakesItsEntriesWithItOnEveryHost() {
        HostSpec b = spec.host("hostB");
        ContainerSpec b3 = b.container("b3").orElseThrow();
        String b3mac = mac(b, b3);
        String b3ip6 = spec.ipv6(b3).getHostAddress();
        OverlaySpec smaller = OverlaySpec.read(spec(false));
        overlay.applyAll(smaller);
        for (HostSpec h : smaller.hosts()) {
            NetNamespace ns = host(h.name());
            String br = ours(ns, "bridge");
            assertThat(permanent(ns, br)).as("permanent entries on " + br + " of " + h.name())
                    .doesNotContainKeys("10.93.2.3", b3ip6).isEqualTo(wantNeighbours(smaller));
            assertThat(bridgeStatic(ns, br)).as("static bridge fdb entries of " + h.name()).doesNotContainKey(b3mac);
            assertThat(driftAfterCleanup(smaller, h.name())).as("drift on " + h.name()).isEmpty();
        }
        spec = smaller;
    }

    @Test
    @Order(4)
    void teardownTakesEveryEntryWithTheBridge() {
        overlay.teardownAll(spec);
        for (HostSpec h : spec.hosts()) {
            String neigh = Oracle.in(host(h.name()), "ip", "-j", "neigh", "show");
            for (HostSpec x : spec.hosts()) {
                x.containers().forEach(c -> assertThat(neigh).as("neighbours of " + h.name())
                        .doesNotContain("\"" + c.ip().getHostAddress() + "\""));
            }
        }
    }

    /**
     * The host's drift, asked again for up to 5 s while it is only the veth of a removed container: the kernel frees
     * a dead container's namespace, and the veth's host end with it, asynchronously.
     */
    private List<String> driftAfterCleanup(OverlaySpec s, String host) {
        long until = System.nanoTime() + 5_000_000_000L;
        while (true) {
            List<String> drift = Overlay.of(s).status(overlay.host(host)).drift().stream()
                    .map(Object::toString).toList();
            if (drift.isEmpty() || System.nanoTime() > until || !drift.stream().allMatch(d -> d.contains("remove link okv"))) {
                return drift;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return drift;
            }
        }
    }

    // ---- oracles ----

    private NetNamespace host(String name) {
        return lab.host(name).namespace();
    }

    /** IP to MAC of every spec container address, v4 and v6, with the MACs read from the containers' eth0. */
    private Map<String, String> wantNeighbours(OverlaySpec s) {
        Map<String, String> want = new TreeMap<>();
        for (HostSpec h : s.hosts()) {
            for (ContainerSpec c : h.containers()) {
                want.put(c.ip().getHostAddress(), mac(h, c));
                want.put(s.ipv6(c).getHostAddress(), mac(h, c));
            }
        }
        return want;
    }

    /** The global IPv6 address of {@code c}'s eth0, read with {@code ip -6 addr} (compressed, as tools print it). */
    private String ip6(HostSpec h, ContainerSpec c) {
        return AbstractStaticNeighboursIT.json(Oracle.in(overlay.container(spec, h.name(), c.name()).namespace(), "ip",
                "-j", "-6", "addr", "show", "dev", "eth0", "scope", "global")).get(0).path("addr_info").get(0)
                .path("local").asText();
    }

    /** {@link AbstractStaticNeighboursIT#permanent} with each address in Java's own spelling. */
    private static Map<String, String> permanent(NetNamespace ns, String dev) {
        Map<String, String> out = new TreeMap<>();
        AbstractStaticNeighboursIT.permanent(ns, dev).forEach((ip, mac) ->
                out.put(io.overlaykit.core.IpPrefix.parseAddress(ip).getHostAddress(), mac));
        return out;
    }

    private String mac(HostSpec h, ContainerSpec c) {
        return AbstractStaticNeighboursIT.json(Oracle.in(overlay.container(spec, h.name(), c.name()).namespace(), "ip",
                "-j", "link", "show", "eth0")).get(0).path("address").asText();
    }

    /** The name of our link of {@code type} in {@code ns} (by its alias), read with {@code ip -d link}. */
    private static String ours(NetNamespace ns, String type) {
        for (JsonNode l : AbstractStaticNeighboursIT.json(Oracle.in(ns, "ip", "-j", "-d", "link", "show", "type", type))) {
            if (("overlaykit:" + NAME).equals(l.path("ifalias").asText())) {
                return l.path("ifname").asText();
            }
        }
        throw new AssertionError("no " + type + " of " + NAME + " in " + ns);
    }

    /** Port name to its neigh_suppress flag, from {@code bridge -j -d link show}. */
    private static Map<String, Boolean> neighSuppress(NetNamespace ns) {
        Map<String, Boolean> out = new TreeMap<>();
        for (JsonNode p : AbstractStaticNeighboursIT.json(Oracle.in(ns, "bridge", "-j", "-d", "link", "show"))) {
            out.put(p.path("ifname").asText(), p.path("neigh_suppress").asBoolean(false));
        }
        return out;
    }

    /** MAC to port of the bridge's own static entries ({@code master BR static}), from {@code bridge -j fdb show}. */
    private static Map<String, String> bridgeStatic(NetNamespace ns, String br) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode e : AbstractStaticNeighboursIT.json(Oracle.in(ns, "bridge", "-j", "fdb", "show", "br", br))) {
            if (br.equals(e.path("master").asText()) && "static".equals(e.path("state").asText())) {
                out.put(e.path("mac").asText(), e.path("ifname").asText());
            }
        }
        return out;
    }
}
