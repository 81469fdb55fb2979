package io.overlaykit.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code overlay demo} in-process with both switches: every check passes, nothing is left behind. */
class DemoIT {

    @ParameterizedTest
    @ValueSource(strings = {"ovs", "linux"})
    void demoPassesAndCleansUp(String sw) {
        Prereqs.require(sw.equals("ovs"));
        String prefix = "oksmpd" + sw.charAt(0);
        long t0 = System.nanoTime();
        Cli r = Cli.run("demo", "--switch", sw, "--prefix", prefix);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("[samples] demo --switch %s: %d ms%n", sw, ms);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("demo passed: 13 checks passed", "vxlan key 5000",
                "a server in outside sees", "echoed it", "removed lab " + prefix);
        assertThat(r.out()).doesNotContain("✗");
        assertThat(ms).isLessThan(120_000);
        assertThat(Prereqs.namespaces(prefix)).isEmpty();
    }
}
