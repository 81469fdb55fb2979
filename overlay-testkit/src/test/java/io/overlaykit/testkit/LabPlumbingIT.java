package io.overlaykit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.testkit.internal.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lab carries real overlay traffic: two hosts with their own OVS, a VXLAN (key 5000) between their
 * overlay bridges, a busybox container per host wired into its bridge by a veth, and a TCP transfer of
 * 10 MiB between the containers. Configured through the CLI oracles (ovs-vsctl, ip, ethtool, podman).
 * Afterwards nothing of the lab is left. The lab is built by hand (not injected) so that the test can
 * look at the machine after {@code close()}; {@code @WithLab} only contributes the prerequisite check.
 */
@WithLab(ovs = true, podman = true)
class LabPlumbingIT {
    private static final int BYTES = 10 * 1024 * 1024;

    @Test
    void tcpCrossesAVxlanBetweenContainersOnTwoHostsAndCloseLeavesNothing() throws Exception {
        Lab lab = Lab.builder()
                .host("hostA", "192.0.2.2/24").host("hostB", "192.0.2.3/24").outside("192.0.2.100/24")
                .withOvs(true).withPodman(true).start();
        String prefix = lab.prefix();
        String url = lab.podmanUrl();
        try {
            System.out.println("lab " + prefix + " with OVS + podman started in " + lab.startDuration().toMillis() + " ms");
            LabHost a = lab.host("hostA");
            LabHost b = lab.host("hostB");
            assertThat(a.uplink()).isEqualTo("br-phy");
            assertThat(a.exec("ip", "-o", "-4", "addr", "show", "dev", "br-phy")).contains("192.0.2.2/24");
            assertThat(Files.exists(a.ovsdbSocket())).isTrue();
            assertThat(podman(url, "info", "--format", "{{.Store.GraphRoot}} {{.Host.OCIRuntime.Name}}"))
                    .as("storage apart from the user's, runc").startsWith(lab.runDir().toString()).contains("runc");
            assertThat(podman(url, "image", "exists", Lab.TEST_IMAGE)).isEmpty();

            long pidA = wireContainer(lab, a, b, 1);
            long pidB = wireContainer(lab, b, a, 2);
            NetNamespace nsA = NetNamespace.ofPid(pidA);
            NetNamespace nsB = NetNamespace.ofPid(pidB);

            assertThat(lab.exec(nsA, "ping", "-c", "3", "-W", "2", "10.97.0.2")).contains(" 0% packet loss");

            // The listener's stdin must stay open: busybox nc stops reading the socket once stdin hits EOF.
            podman(url, "exec", "-d", prefix + "-c2", "sh", "-c", "sleep 120 | nc -l -p 5001 > /tmp/rx");
            Path rx = Path.of("/proc", Long.toString(pidB), "root", "tmp", "rx");
            awaitFile(rx);
            long t0 = System.nanoTime();
            podmanTimed(url, Duration.ofSeconds(60), "exec", prefix + "-c1", "sh", "-c",
                    "dd if=/dev/zero bs=1048576 count=10 2>/dev/null | nc 10.97.0.2 5001");
            long received = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (received < BYTES && System.nanoTime() < deadline) {
                received = Files.size(rx); // read through the container's root: no podman exec per poll
                if (received < BYTES) {
                    Thread.sleep(50);
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("moved %d bytes across the OVS VXLAN in %.2f s (%.0f Mbit/s)%n", received, secs,
                    received * 8 / secs / 1e6);
            assertThat(received).isEqualTo(BYTES);
            assertThat(lab.exec(nsB, "ip", "-o", "link", "show", "eth0")).contains("mtu 1450");
        } finally {
            lab.close();
        }

        assertThat(Cli.run("ip", "netns", "list")).doesNotContain(prefix + "-");
        Cli.Result ps = Cli.probe("podman", "--url", url, "ps", "-a", "--format", "{{.Names}}");
        assertThat(ps.stdout()).doesNotContain(prefix);
        assertThat(Cli.probe("pgrep", "-af", lab.runDir().toString()).stdout()).isEmpty();
        assertThat(lab.runDir()).doesNotExist();
        assertThat(Files.exists(io.overlaykit.testkit.internal.LabState.of(prefix).dir())).isFalse();
    }

    /** Runs container {@code PREFIX-cN} on {@code host} and plugs it into an overlay bridge that tunnels to {@code peer}. */
    private static long wireContainer(Lab lab, LabHost host, LabHost peer, int n) {
        String url = lab.podmanUrl();
        String name = lab.prefix() + "-c" + n;
        podman(url, "run", "-d", "--name", name, "--network", "none", Lab.TEST_IMAGE, "sleep", "600");
        long pid = Long.parseLong(podman(url, "inspect", "-f", "{{.State.Pid}}", name).trim());
        Cli.run("ovs-vsctl", "--db=" + host.ovsdbRemote(), "--timeout=20",
                "add-br", "br-ov", "--", "set", "bridge", "br-ov", "datapath_type=netdev",
                "--", "add-port", "br-ov", "vx0", "--", "set", "interface", "vx0", "type=vxlan",
                "options:remote_ip=" + peer.underlayAddress(), "options:key=5000");
        String hostEnd = "vc" + n;
        host.exec("ip", "link", "add", hostEnd, "mtu", "1450", "type", "veth", "peer", "name", "eth0", "mtu", "1450",
                "netns", Long.toString(pid));
        host.exec("ethtool", "-K", hostEnd, "tx", "off");
        host.exec("ip", "link", "set", hostEnd, "up");
        Cli.run("ovs-vsctl", "--db=" + host.ovsdbRemote(), "--timeout=20", "add-port", "br-ov", hostEnd);
        NetNamespace c = NetNamespace.ofPid(pid);
        lab.exec(c, "ethtool", "-K", "eth0", "tx", "off");
        lab.exec(c, "ip", "address", "add", "10.97.0." + n + "/24", "dev", "eth0");
        lab.exec(c, "ip", "link", "set", "eth0", "up");
        return pid;
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(file).exists();
        Thread.sleep(200); // the shell opened the file before nc listens: give nc a moment to bind
    }

    private static String podman(String url, String... args) {
        return podmanTimed(url, Duration.ofSeconds(30), args);
    }

    private static String podmanTimed(String url, Duration timeout, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("podman", "--url", url));
        cmd.addAll(List.of(args));
        return Cli.exec(cmd, java.util.Map.of(), null, timeout).check().stdout();
    }
}
