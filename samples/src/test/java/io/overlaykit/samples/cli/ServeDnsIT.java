package io.overlaykit.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.testkit.Lab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code overlay lab up} of the dual-stack example with {@code "dns": {"serve": true}}: the background
 * {@code overlay serve} of each host answers DNS on its gateway, so busybox {@code nslookup} in a container (through
 * {@code podman exec}, with the resolv.conf apply wrote) finds the other host's container by its short name, IPv4
 * and IPv6.
 */
class ServeDnsIT {
    @TempDir
    Path dir;

    @Test
    void labUpServesTheSpecsNames() throws Exception {
        String name = "oksmpdns17";
        Path spec = dir.resolve(name + ".json");
        Files.writeString(spec, Files.readString(Path.of("specs/dualstack.json"))
                .replace("\"name\": \"dualstack\"", "\"name\": \"" + name + "\"")
                .replace("\"switch\": \"ovs\"", "\"switch\": \"linux\"")
                .replace("\"dns\": { \"servers\": [\"192.0.2.100\"], \"domain\": \"ov.example\" }",
                        "\"dns\": { \"serve\": true, \"upstream\": [\"192.0.2.100\"], \"domain\": \"ov.example\" }"));
        assertThat(Files.readString(spec)).contains("\"serve\": true");
        String file = spec.toString();
        try {
            Cli up = Cli.run("lab", "up", file);
            assertThat(up.code()).as(up.err()).isZero();
            assertThat(up.out()).contains("overlay serve running in " + name + "-hostA")
                    .contains("overlay serve running in " + name + "-hostB");
            try (Lab lab = Lab.attach(name)) {
                String web = name + "-web";
                String out = "";
                long t0 = System.nanoTime();
                while (System.nanoTime() - t0 < 30_000_000_000L) { // serve applies, then starts answering
                    out = exec(lab, web, "nslookup", "db");
                    if (out.contains("10.17.2.1")) {
                        break;
                    }
                    Thread.sleep(300);
                }
                System.out.printf("[samples] %s: serve answered within %d ms%n", name, (System.nanoTime() - t0) / 1_000_000);
                assertThat(out).contains("10.17.2.1").contains("fd00:17::db");
                assertThat(exec(lab, web, "cat", "/etc/resolv.conf")).contains("search ov.example")
                        .contains("nameserver 10.17.0.1");
                assertThat(exec(lab, name + "-db", "nslookup", "web.ov.example")).contains("10.17.1.1");
            }
        } finally {
            Cli down = Cli.run("lab", "down", file);
            assertThat(down.code()).as(down.err()).isZero();
        }
        assertThat(Prereqs.namespaces(name)).isEmpty();
    }

    private static String exec(Lab lab, String container, String... command) throws IOException, InterruptedException {
        String[] cmd = new String[command.length + 5];
        cmd[0] = "podman";
        cmd[1] = "--url";
        cmd[2] = lab.podmanUrl();
        cmd[3] = "exec";
        cmd[4] = container;
        System.arraycopy(command, 0, cmd, 5, command.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }
}
