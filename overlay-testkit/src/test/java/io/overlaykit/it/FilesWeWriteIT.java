package io.overlaykit.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
import io.overlaykit.testkit.WithLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Owner and mode of the files OverlayKit writes, as {@code stat} reports them: the container's resolv.conf
 * (root, 0644: every process in the container reads it), the engine's host state and lock (root, directory
 * 0700 and files 0600: what teardown restores is root's alone), and the lab's record (root, not writable by
 * group or others: the sweeper kills the pids it lists).
 */
@WithLab(podman = true)
class FilesWeWriteIT {
    private static final String SPEC = """
            {"name": "okfiles", "vni": 5092, "subnet": "10.92.0.0/24", "switch": "linux", "dns": ["192.0.2.100"],
             "hosts": [{"name": "hostA", "underlay": "192.0.2.2", "gateway": "10.92.0.1",
               "containers": [{"name": "a1", "ip": "10.92.0.10", "image": "%s", "command": ["sh", "-c", "sleep 3600"]}]}]}
            """.formatted(Lab.TEST_IMAGE);

    @Test
    void resolvConfStateAndLabRecordHaveTheRightOwnerAndMode() throws Exception {
        OverlaySpec spec = OverlaySpec.read(SPEC);
        try (Lab lab = LabOverlay.labFor(spec).start(); LabOverlay overlay = LabOverlay.connect(lab)) {
            overlay.applyAll(spec);
            long pid = overlay.container(spec, "hostA", "a1").pid();
            Path resolv = Path.of("/proc/" + pid + "/root/etc/resolv.conf");
            assertThat(stat(resolv)).as("resolv.conf in a1").isEqualTo("0 0 644");
            assertThat(Files.readString(resolv)).contains("nameserver 192.0.2.100");

            Path state = overlay.host("hostA").stateDir(spec.name());
            assertThat(stat(state)).as("the engine's state directory").isEqualTo("0 0 700");
            try (Stream<Path> files = Files.list(state)) {
                List<Path> all = files.toList();
                assertThat(all).extracting(p -> p.getFileName().toString()).contains("state.properties");
                for (Path f : all) {
                    String[] s = stat(f).split(" ");
                    assertThat(s[0]).as("owner of " + f).isEqualTo("0");
                    // the lock holds no data; every file with data is 0600
                    assertThat(s[2]).as("mode of " + f).isIn(f.getFileName().toString().equals("lock")
                            ? List.of("600", "644") : List.of("600"));
                }
            }

            Path record = Path.of("/run/overlaykit-lab", lab.prefix());
            try (Stream<Path> files = Stream.concat(Stream.of(record), Files.list(record))) {
                for (Path f : files.toList()) {
                    String[] s = stat(f).split(" ");
                    assertThat(s[0]).as("owner of " + f).isEqualTo("0");
                    int mode = Integer.parseInt(s[2], 8);
                    assertThat(mode & 0022).as("group/other write bits of " + f + " (mode " + s[2] + ")").isZero();
                }
            }
            overlay.teardownAll(spec);
        }
    }

    /** {@code stat -c '%u %g %a'} of a path: owner, group, octal mode. */
    private static String stat(Path p) {
        return Oracle.in(NetNamespace.current(), "stat", "-c", "%u %g %a", p.toString()).strip();
    }
}
