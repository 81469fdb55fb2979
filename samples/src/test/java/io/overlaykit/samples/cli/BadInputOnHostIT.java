package io.overlaykit.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.Overlay;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.testkit.HostOracle;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabHost;
import io.overlaykit.testkit.LabOverlay;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad inputs that only the host can show (see the corpus README): objects in the way that are not ours
 * (an interface of one of our names, an nft table of our name, a container of our podman name), a container
 * marked existing that does not exist, listen ports in use, for {@code apply}, {@code serve} and
 * {@code forward} through the CLI entry point. Each is refused with exit code 2 naming the field and the
 * value, and both hosts are the same before and after as {@code ip}, {@code bridge}, {@code nft},
 * {@code sysctl}, {@code ovs-vsctl} and {@code podman} see them (multisets, {@link HostOracle}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputOnHostIT {
    private static final String NAME = "okbadh";
    private static final String SPEC = """
            {"name": "okbadh", "vni": 5091, "subnet": "10.91.0.0/16", "switch": "ovs",
             "hosts": [
              {"name": "hostA", "underlay": "192.0.2.2", "gateway": "10.91.0.1",
               "containers": [%s],
               "forwards": [{"listen": "192.0.2.5:1234", "target": "10.91.2.1:9000", "mode": "dnat"},
                            {"listen": "192.0.2.5:1235", "target": "10.91.2.1:9001", "mode": "userspace"}]},
              {"name": "hostB", "underlay": "192.0.2.3", "gateway": "10.91.0.2",
               "containers": [{"name": "b1", "ip": "10.91.2.1", "image": "%s", "command": ["sh", "-c", "sleep 3600"]}]}
             ]}
            """;
    private static final String A1 = "{\"name\": \"a1\", \"ip\": \"10.91.1.1\", \"image\": \"" + Lab.TEST_IMAGE
            + "\", \"command\": [\"sh\", \"-c\", \"sleep 3600\"]}";

    @TempDir
    Path dir;
    private Lab lab;
    private Path spec;
    private int refused;

    @BeforeAll
    void startLab() throws IOException {
        Prereqs.require(true);
        Path d = Files.createTempDirectory("okbadh-");
        spec = d.resolve("okbadh.json");
        Files.writeString(spec, SPEC.formatted(A1, Lab.TEST_IMAGE));
        lab = LabOverlay.labFor(OverlaySpec.read(spec)).start();
        lab.hosts().forEach(HostOracle::awaitSettled);
    }

    @AfterAll
    void closeLab() {
        System.out.printf("[okbadh] %d host-level bad inputs refused with exit 2, hosts unchanged%n", refused);
        if (lab != null) {
            lab.close();
        }
        deleteTree(spec == null ? null : spec.getParent());
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anInterfaceOfOurNameThatIsNotOurs() {
        String veth = Overlay.of(OverlaySpec.read(spec)).containerInterface("a1").value();
        lab.host("hostA").exec("ip", "link", "add", veth, "type", "veth", "peer", "name", "okbadh-x");
        try {
            refusedAndUnchanged(List.of("apply", spec.toString(), "--host", "hostA"), "hosts[0].containers[0].name",
                    "a1", "is not ours");
        } finally {
            lab.host("hostA").exec("ip", "link", "del", veth);
        }
    }

    @Test
    void anNftTableOfOurNameThatWeDidNotCreate() {
        String table = Overlay.of(OverlaySpec.read(spec)).tags().firewallTable();
        lab.host("hostA").exec("nft", "add", "table", "inet", table);
        try {
            refusedAndUnchanged(List.of("apply", spec.toString(), "--host", "hostA"), "name", NAME,
                    "OverlayKit did not create it");
        } finally {
            lab.host("hostA").exec("nft", "delete", "table", "inet", table);
        }
    }

    @Test
    void aContainerNameThatIsTaken() {
        String pod = Overlay.of(OverlaySpec.read(spec)).containerName("b1");
        podman("run", "-d", "--name", pod, "--network", "none", Lab.TEST_IMAGE, "sh", "-c", "sleep 3600");
        try {
            refusedAndUnchanged(List.of("apply", spec.toString(), "--host", "hostB"), "hosts[1].containers[0].name",
                    "b1", "not ours");
        } finally {
            podman("rm", "-f", "-t", "0", pod);
        }
    }

    @Test
    void aContainerMarkedExistingThatDoesNotExist() throws IOException {
        Path existing = dir.resolve("okbadh.json");
        Files.writeString(existing, SPEC.formatted("{\"name\": \"okbadh-legacy\", \"ip\": \"10.91.1.9\", \"existing\": true}",
                Lab.TEST_IMAGE));
        refusedAndUnchanged(List.of("apply", existing.toString(), "--host", "hostA"), "hosts[0].containers[0].name",
                "okbadh-legacy", "is marked \"existing\" but no container of that name exists");
    }

    @Test
    void aDnatListenPortInUse() throws Exception {
        // a socket on the wildcard address (dual-stack: the kernel lists it as [::]) holds port 1234 for every
        // address of hostA, 192.0.2.5 included
        ServerSocket taken = lab.network().namespaces().callIn(lab.host("hostA").namespace(),
                () -> new ServerSocket(1234, 1, InetAddress.getByName("0.0.0.0")));
        try (taken) {
            refusedAndUnchanged(List.of("apply", spec.toString(), "--host", "hostA"), "hosts[0].forwards[0].listen",
                    "192.0.2.5:1234", "already holds tcp [0:0:0:0:0:0:0:0]:1234");
        }
    }

    @Test
    void aUserspaceListenPortInUseForServe() throws Exception {
        ServerSocket taken = lab.network().namespaces().callIn(lab.host("hostA").namespace(),
                () -> new ServerSocket(1235, 1, InetAddress.getByName("0.0.0.0")));
        try (taken) {
            refusedAndUnchanged(List.of("serve", spec.toString(), "--host", "hostA"), "hosts[0].forwards[1].listen",
                    "192.0.2.5:1235", "already holds tcp [0:0:0:0:0:0:0:0]:1235");
        }
    }

    @Test
    void aForwardListenPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String listen = "127.0.0.1:" + taken.getLocalPort();
            refusedAndUnchanged(List.of("forward", "--listen", listen, "--target", "127.0.0.1:9"), "--listen", listen,
                    "cannot listen there");
        }
    }

    private void refusedAndUnchanged(List<String> args, String field, String value, String reason) {
        Map<String, HostOracle.Snapshot> before = snapshots();
        Cli r = Cli.run(args.toArray(String[]::new));
        assertThat(r.code()).as(args + ": " + r.err()).isEqualTo(OverlayCli.INVALID);
        assertThat(r.err()).contains("invalid input, nothing changed", field + " = " + value + ": ", reason);
        Map<String, HostOracle.Snapshot> after = snapshots();
        before.forEach((h, s) -> assertThat(s.differences(after.get(h))).as(h + " after " + args).isEmpty());
        refused++;
    }

    private Map<String, HostOracle.Snapshot> snapshots() {
        Map<String, HostOracle.Snapshot> out = new LinkedHashMap<>();
        for (LabHost h : lab.hosts()) {
            out.put(h.name(), HostOracle.snapshot(lab, h, lab.runDir().resolve("overlaykit-state").resolve(NAME)
                    .resolve(h.name())));
        }
        return out;
    }

    private void podman(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("podman", "--url", lab.podmanUrl()));
        cmd.addAll(List.of(args));
        lab.exec(io.overlaykit.core.NetNamespace.current(), cmd.toArray(String[]::new));
    }
}
