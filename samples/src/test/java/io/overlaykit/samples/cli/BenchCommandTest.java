package io.overlaykit.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.spec.SwitchKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Arguments of {@code overlay bench}: defaults, and every bad value exits 2 naming the option and the value. */
class BenchCommandTest {

    @Test
    void helpListsTheBenchmarks() {
        assertThat(Cli.run("--help").out()).contains("bench wiring --containers N", "bench forward", "bench overlay",
                "bench apply", "bench mesh");
    }

    @Test
    void defaultsAndGoodValuesParse() {
        assertThat(BenchCommand.wiring(List.of("--containers", "200"))).satisfies(o -> {
            assertThat(o.containers()).isEqualTo(200);
            assertThat(o.switchKind()).isEqualTo(SwitchKind.OVS);
        });
        assertThat(BenchCommand.wiring(List.of("--containers=1000", "--switch", "linux", "--json")).switchKind())
                .isEqualTo(SwitchKind.LINUX);
        assertThat(BenchCommand.forward(List.of())).satisfies(o -> {
            assertThat(o.seconds()).isEqualTo(5);
            assertThat(o.streams()).containsExactly(1, 8);
        });
        assertThat(BenchCommand.forward(List.of("--seconds", "1", "--streams", "4")).streams()).containsExactly(4);
        assertThat(BenchCommand.overlay(List.of("--seconds", "3")).seconds()).isEqualTo(3);
        assertThat(BenchCommand.apply(List.of())).satisfies(o -> {
            assertThat(o.hosts()).isEqualTo(2);
            assertThat(o.containersPerHost()).isEqualTo(5);
        });
        assertThat(BenchCommand.apply(List.of("--hosts", "1", "--containers-per-host", "2")).containersPerHost())
                .isEqualTo(2);
        assertThat(BenchCommand.mesh(List.of())).isEqualTo(new io.overlaykit.samples.bench.MeshBench.Options(4, 25,
                SwitchKind.LINUX));
        assertThat(BenchCommand.mesh(List.of("--hosts", "4", "--containers", "100", "--switch", "ovs")))
                .isEqualTo(new io.overlaykit.samples.bench.MeshBench.Options(4, 100, SwitchKind.OVS));
    }

    @Test
    void badValuesExitTwoNamingOptionAndValue() {
        invalid(List.of("bench", "wiring", "--containers", "0"), "--containers", "0");
        invalid(List.of("bench", "wiring", "--containers", "5001"), "--containers", "5001");
        invalid(List.of("bench", "wiring", "--containers", "many"), "--containers", "many");
        invalid(List.of("bench", "wiring", "--containers", "3", "--switch", "bridge"), "--switch", "bridge");
        invalid(List.of("bench", "forward", "--seconds", "0"), "--seconds", "0");
        invalid(List.of("bench", "forward", "--seconds", "601"), "--seconds", "601");
        invalid(List.of("bench", "forward", "--streams", "1,x"), "--streams", "1,x");
        invalid(List.of("bench", "forward", "--streams", "0"), "--streams", "0");
        invalid(List.of("bench", "forward", "--streams", "1,1"), "--streams", "1,1");
        invalid(List.of("bench", "forward", "--streams", "1,"), "--streams", "1,");
        invalid(List.of("bench", "forward", "--streams", "129"), "--streams", "129");
        invalid(List.of("bench", "overlay", "--seconds", "-1"), "--seconds", "-1");
        invalid(List.of("bench", "apply", "--hosts", "9"), "--hosts", "9");
        invalid(List.of("bench", "apply", "--containers-per-host", "0"), "--containers-per-host", "0");
        invalid(List.of("bench", "apply", "--containers-per-host", "2.5"), "--containers-per-host", "2.5");
        invalid(List.of("bench", "mesh", "--hosts", "1"), "--hosts", "1");
        invalid(List.of("bench", "mesh", "--containers", "251"), "--containers", "251");
        invalid(List.of("bench", "mesh", "--switch", "bridge"), "--switch", "bridge");
    }

    @Test
    void missingUnknownAndMisplacedArgumentsAreInvalid() {
        invalid(List.of("bench"), "bench", "wiring");
        invalid(List.of("bench", "speed"), "bench", "speed");
        invalid(List.of("bench", "wiring"), "--containers", "required");
        invalid(List.of("bench", "wiring", "--containers"), "--containers", "needs a value");
        invalid(List.of("bench", "forward", "--stream", "1"), "--stream", "unknown option");
        invalid(List.of("bench", "overlay", "--containers", "3"), "--containers", "unknown option");
        invalid(List.of("bench", "apply", "extra"), "bench apply", "extra");
        invalid(List.of("forward", "--listen", "127.0.0.1:8080", "--target", "127.0.0.1:80", "--max-connections", "0"),
                "--max-connections", "0");
    }

    private static void invalid(List<String> argv, String... mentioned) {
        Cli r = Cli.run(argv.toArray(String[]::new));
        assertThat(r.code()).as(String.join(" ", argv)).isEqualTo(OverlayCli.INVALID);
        assertThat(r.err()).as(String.join(" ", argv)).contains(mentioned).contains("nothing changed");
    }
}
