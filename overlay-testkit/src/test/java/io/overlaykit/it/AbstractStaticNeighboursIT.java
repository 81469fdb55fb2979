package io.overlaykit.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.plan.Status;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Permanent neighbour entries (and, on the Linux switch, static FDB entries) from the spec, on two lab hosts with
 * three containers each, checked with {@code ip -j -d neigh} and {@code bridge -j fdb}: every container knows every
 * peer and gateway, the gateway knows every container, the entries carry our protocol number, a container removed
 * from the spec leaves no entry behind on any host, a restarted container gets its entries back, and status reports
 * a missing and an extra entry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractStaticNeighboursIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The protocol number overlay-netlink puts on its neighbour entries (NDA_PROTOCOL). */
    static final String OUR_PROTOCOL = "79";

    private Lab lab;
    private LabOverlay overlay;
    private OverlaySpec spec;

    abstract String switchKind();

    abstract String specName();

    static String spec(String name, String switchKind, boolean withB3) {
        String cmd = "[\"sh\", \"-c\", \"while sleep 3600; do :; done\"]";
        return """
                {"name": "%s", "vni": 5078, "subnet": "10.78.0.0/16", "switch": "%s",
                 "hosts": [
                  {"name": "hostA", "underlay": "192.0.2.2", "gateway": "10.78.0.1", "containers": [
                    {"name": "a1", "ip": "10.78.1.1", "image": "%s", "command": %s},
                    {"name": "a2", "ip": "10.78.1.2", "image": "%3$s", "command": %4$s},
                    {"name": "a3", "ip": "10.78.1.3", "image": "%3$s", "command": %4$s}]},
                  {"name": "hostB", "underlay": "192.0.2.3", "gateway": "10.78.0.2", "containers": [
                    {"name": "b1", "ip": "10.78.2.1", "image": "%3$s", "command": %4$s},
                    {"name": "b2", "ip": "10.78.2.2", "image": "%3$s", "command": %4$s}%5$s]}
                 ]}
                """.formatted(name, switchKind, Lab.TEST_IMAGE, cmd, withB3
                ? ",\n{\"name\": \"b3\", \"ip\": \"10.78.2.3\", \"image\": \"" + Lab.TEST_IMAGE + "\", \"command\": "
                + cmd + "}" : "");
    }

    @BeforeAll
    void startLab() {
        spec = OverlaySpec.read(spec(specName(), switchKind(), true));
        lab = LabOverlay.labFor(spec).start();
        overlay = LabOverlay.connect(lab);
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
    void everyContainerAndGatewayHoldsPermanentEntriesForThePeersTheSpecNames() {
        overlay.applyAll(spec);
        Map<String, String> macs = containerMacs(spec);
        for (HostSpec h : spec.hosts()) {
            for (ContainerSpec c : h.containers()) {
                Map<String, String> want = new TreeMap<>();
                spec.hosts().forEach(x -> x.containers().stream().filter(p -> !p.name().equals(c.name()))
                        .forEach(p -> want.put(p.ip().getHostAddress(), macs.get(p.name()))));
                spec.hosts().forEach(x -> want.put(x.gateway().getHostAddress(), gatewayMac(x.name())));
                assertThat(permanent(ns(h, c), "eth0")).as("permanent entries on eth0 of " + c.name()).isEqualTo(want);
                assertThat(protocols(ns(h, c), "eth0")).as("protocol of the entries of " + c.name())
                        .containsOnly(OUR_PROTOCOL);
            }
            Map<String, String> gw = new TreeMap<>();
            spec.hosts().forEach(x -> x.containers().forEach(p -> gw.put(p.ip().getHostAddress(), macs.get(p.name()))));
            spec.peersOf(h.name()).forEach(x -> gw.put(x.gateway().getHostAddress(), gatewayMac(x.name())));
            assertThat(permanent(lab.host(h.name()).namespace(), gatewayIf(h.name())))
                    .as("permanent entries on the gateway of " + h.name()).isEqualTo(gw);
        }
        assertStaticFdb(spec, macs);
        assertThat(overlay.verifyAll(spec, java.time.Duration.ofSeconds(5)).allOk()).isTrue();
    }

    @Test
    @Order(2)
    void statusReportsAMissingAndAnExtraEntryAndApplyRestoresThem() {
        HostSpec a = spec.host("hostA");
        ContainerSpec a1 = a.container("a1").orElseThrow();
        NetNamespace ns = ns(a, a1);
        Oracle.in(ns, "ip", "neigh", "del", "10.78.2.1", "dev", "eth0");
        Oracle.in(ns, "ip", "neigh", "add", "10.78.9.9", "lladdr", "02:00:00:00:09:09", "dev", "eth0", "nud", "permanent");
        Status status = Overlay.of(spec).status(overlay.host("hostA"));
        assertThat(status.drift()).extracting(d -> d.kind() + " " + d.step())
                .containsExactlyInAnyOrder("MISSING neighbours a1", "EXTRA neighbours gone a1");
        overlay.applyAll(spec);
        assertThat(permanent(ns, "eth0")).containsKey("10.78.2.1").doesNotContainKey("10.78.9.9");
        assertThat(Overlay.of(spec).status(overlay.host("hostA")).isClean()).isTrue();
    }

    @Test
    @Order(3)
    void aContainerRemovedFromTheSpecLeavesNoEntryOnAnyHost() {
        String b3mac = containerMacs(spec).get("b3");
        OverlaySpec smaller = OverlaySpec.read(spec(specName(), switchKind(), false));
        overlay.applyAll(smaller);
        for (HostSpec h : smaller.hosts()) {
            for (ContainerSpec c : h.containers()) {
                assertThat(permanent(ns(h, c), "eth0")).as("eth0 of " + c.name()).doesNotContainKey("10.78.2.3");
            }
            NetNamespace hostNs = lab.host(h.name()).namespace();
            assertThat(permanent(hostNs, gatewayIf(h.name()))).as("gateway of " + h.name())
                    .doesNotContainKey("10.78.2.3");
            assertThat(staticFdb(hostNs)).as("static fdb entries of " + h.name()).doesNotContainKey(b3mac);
        }
        assertStaticFdb(smaller, containerMacs(smaller));
        spec = smaller;
    }

    @Test
    @Order(4)
    void aRestartedContainerGetsItsEntriesBack() {
        HostSpec b = spec.host("hostB");
        ContainerSpec b1 = b.container("b1").orElseThrow();
        Map<String, String> before = permanent(ns(b, b1), "eth0");
        Oracle.run("podman", "--url", lab.podmanUrl(), "restart", "-t", "0", Overlay.of(spec).containerName("b1"));
        assertThat(Oracle.in(ns(b, b1), "ip", "-j", "link", "show")).as("a fresh namespace: no eth0")
                .doesNotContain("\"eth0\"");
        overlay.applyAll(spec);
        assertThat(permanent(ns(b, b1), "eth0")).isEqualTo(before);
        assertThat(overlay.verifyAll(spec, java.time.Duration.ofSeconds(5)).allOk()).isTrue();
    }

    @Test
    @Order(5)
    void teardownTakesEveryEntryWithItsLinks() {
        overlay.teardownAll(spec);
        for (HostSpec h : spec.hosts()) {
            String neigh = Oracle.in(lab.host(h.name()).namespace(), "ip", "-j", "-d", "neigh", "show");
            assertThat(neigh).doesNotContain("\"protocol\":\"" + OUR_PROTOCOL + "\"");
        }
    }

    // ---- oracles ----

    /** On the Linux switch, the VXLAN device holds a static entry per remote MAC towards its host's VTEP. */
    private void assertStaticFdb(OverlaySpec s, Map<String, String> macs) {
        if (!switchKind().equals("linux")) {
            return;
        }
        for (HostSpec h : s.hosts()) {
            Map<String, String> want = new TreeMap<>();
            for (HostSpec peer : s.peersOf(h.name())) {
                peer.containers().forEach(c -> want.put(macs.get(c.name()), peer.underlay().getHostAddress()));
                want.put(gatewayMac(peer.name()), peer.underlay().getHostAddress());
            }
            assertThat(staticFdb(lab.host(h.name()).namespace())).as("static fdb entries on " + h.name()).isEqualTo(want);
        }
    }

    /** MAC to VTEP of the unicast entries of the VXLAN devices themselves ({@code self}, with a {@code dst}). */
    static Map<String, String> staticFdb(NetNamespace ns) {
        Map<String, String> have = new TreeMap<>();
        for (JsonNode e : json(Oracle.in(ns, "bridge", "-j", "fdb", "show"))) {
            boolean self = false;
            for (JsonNode f : e.path("flags")) {
                self |= f.asText().equals("self");
            }
            if (self && e.has("dst") && !e.path("mac").asText().equals("00:00:00:00:00:00")) {
                have.put(e.path("mac").asText(), e.path("dst").asText());
            }
        }
        return have;
    }

    private NetNamespace ns(HostSpec h, ContainerSpec c) {
        return overlay.container(spec, h.name(), c.name()).namespace();
    }

    private String gatewayIf(String host) {
        return Overlay.of(spec).gatewayInterface(host).value();
    }

    /** Every spec container's eth0 MAC, read with ip in its namespace. */
    private Map<String, String> containerMacs(OverlaySpec s) {
        Map<String, String> out = new LinkedHashMap<>();
        for (HostSpec h : s.hosts()) {
            for (ContainerSpec c : h.containers()) {
                JsonNode link = json(Oracle.in(overlay.container(s, h.name(), c.name()).namespace(), "ip", "-j", "link",
                        "show", "eth0")).get(0);
                out.put(c.name(), link.path("address").asText());
            }
        }
        return out;
    }

    private String gatewayMac(String host) {
        return json(Oracle.in(lab.host(host).namespace(), "ip", "-j", "link", "show", gatewayIf(host))).get(0)
                .path("address").asText();
    }

    /** IP to MAC of the permanent entries on {@code dev}. */
    static Map<String, String> permanent(NetNamespace ns, String dev) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode n : json(Oracle.in(ns, "ip", "-j", "neigh", "show", "dev", dev))) {
            boolean perm = false;
            for (JsonNode s : n.path("state")) {
                perm |= s.asText().equals("PERMANENT");
            }
            if (perm) {
                out.put(n.path("dst").asText(), n.path("lladdr").asText());
            }
        }
        return out;
    }

    private static List<String> protocols(NetNamespace ns, String dev) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : json(Oracle.in(ns, "ip", "-j", "-d", "neigh", "show", "dev", dev, "nud", "permanent"))) {
            out.add(n.path("protocol").asText());
        }
        return out;
    }

    static JsonNode json(String text) {
        try {
            return text.isBlank() ? JSON.createArrayNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
