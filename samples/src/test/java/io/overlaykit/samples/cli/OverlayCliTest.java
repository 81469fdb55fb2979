package io.overlaykit.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Argument and spec errors: exit 2, a message naming the field and value, and nothing touched (no root needed). */
class OverlayCliTest {
    @TempDir
    Path dir;

    @Test
    void helpListsEveryCommand() {
        Cli r = Cli.run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("demo", "lab up", "apply", "teardown", "status", "verify", "forward", "serve");
    }

    @Test
    void unknownCommandOrOptionIsInvalidInput() {
        assertThat(Cli.run("frobnicate").code()).isEqualTo(OverlayCli.INVALID);
        Cli r = Cli.run("demo", "--swich", "ovs");
        assertThat(r.code()).isEqualTo(OverlayCli.INVALID);
        assertThat(r.err()).contains("--swich");
        Cli bad = Cli.run("demo", "--switch", "bridge");
        assertThat(bad.code()).isEqualTo(OverlayCli.INVALID);
        assertThat(bad.err()).contains("--switch", "bridge");
    }

    @Test
    void invalidSpecNamesFieldAndValueAndChangesNothing() throws IOException {
        Path spec = dir.resolve("bad.json");
        Files.writeString(spec, Files.readString(Path.of("specs/demo3.json"))
                .replace("\"vni\": 5000", "\"vni\": 16777216").replace("\"name\": \"demo3\"", "\"name\": \"oksmpbad\""));
        for (List<String> cmd : List.of(List.of("lab", "up"), List.of("apply"), List.of("status"), List.of("verify"))) {
            String[] args = new java.util.ArrayList<>(cmd) {{
                add(spec.toString());
                if (!cmd.contains("lab") && !cmd.contains("verify")) {
                    add("--host");
                    add("hostA");
                }
            }}.toArray(String[]::new);
            Cli r = Cli.run(args);
            assertThat(r.code()).as(String.join(" ", cmd)).isEqualTo(OverlayCli.INVALID);
            assertThat(r.err()).contains("vni", "16777216", "nothing changed");
        }
        assertThat(Path.of("/run/overlaykit-lab/oksmpbad")).doesNotExist();
        assertThat(Path.of("/run/netns/oksmpbad-hostA")).doesNotExist();
    }

    @Test
    void hostTheSpecLacksIsInvalidInput() {
        Cli r = Cli.run("apply", "specs/demo2.json", "--host", "hostZ");
        assertThat(r.code()).isEqualTo(OverlayCli.INVALID);
        assertThat(r.err()).contains("hostZ", "hostA");
    }

    @Test
    void forwardArgumentsAreChecked() {
        Cli r = Cli.run("forward", "--listen", "127.0.0.1:99999", "--target", "127.0.0.1:80");
        assertThat(r.code()).isEqualTo(OverlayCli.INVALID);
        assertThat(r.err()).contains("--listen", "127.0.0.1:99999");
        assertThat(Cli.run("forward", "--listen", "127.0.0.1:8080").err()).contains("--target");
        assertThat(Cli.run("status", "specs/demo2.json", "--host", "hostA", "--format", "svg").err())
                .contains("--format", "svg");
    }

    @Test
    void bundledSpecsAreValid() {
        for (String s : List.of("specs/demo2.json", "specs/demo3.json", "specs/dualstack.json")) {
            assertThat(io.overlaykit.core.spec.OverlaySpec.read(Path.of(s)).hosts()).isNotEmpty();
        }
    }
}
