package io.overlaykit.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each {@code overlay bench} command at a tiny size: it exits 0, its last line is one JSON object with the
 * fields the issue names and plausible values, and its lab is gone afterwards. Not a timed test: no figure is
 * compared with a threshold of speed.
 */
class BenchIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LAB = Pattern.compile("lab (ok[a-z0-9]+):");

    @Test
    void wiringThreeContainersOnBothSwitches() throws Exception {
        Prereqs.require(true);
        for (String sw : List.of("ovs", "linux")) {
            JsonNode r = run("bench", "wiring", "--containers", "3", "--switch", sw, "--json");
            assertThat(r.path("containers").asInt()).isEqualTo(3);
            for (String f : List.of("sdk_seconds", "baseline_seconds", "floor_seconds", "ratio", "floor_ratio")) {
                assertThat(r.path(f).asDouble()).as(sw + " " + f).isPositive().isLessThan(600);
            }
            assertThat(r.path("ratio").asDouble()).isCloseTo(
                    r.path("baseline_seconds").asDouble() / r.path("sdk_seconds").asDouble(), withinPercentage(1));
            assertThat(r.path("floor_ratio").asDouble()).isCloseTo(
                    r.path("sdk_seconds").asDouble() / r.path("floor_seconds").asDouble(), withinPercentage(1)); // of rounded times
            assertThat(r.path("switch").asText()).isEqualTo(sw);
            assertThat(r.path("floor_parts_seconds").has("ip_host")).isTrue();
            assertThat(r.path("sdk_step_seconds").has("veth")).isTrue();
        }
    }

    @Test
    void forwardOneSecondOneStream() throws Exception {
        Prereqs.require(false);
        JsonNode r = run("bench", "forward", "--seconds", "1", "--streams", "1", "--json");
        JsonNode one = r.path("streams").path("1");
        for (String f : List.of("routed_gbps", "dnat_gbps", "userspace_gbps", "socat_gbps")) {
            assertThat(one.path(f).asDouble()).as(f).isPositive().isLessThan(1000);
        }
        assertThat(r.path("userspace_kib_per_idle_connection").asDouble()).isPositive().isLessThan(1024);
        assertThat(r.path("idle_connections").asInt()).isGreaterThan(1000).isLessThanOrEqualTo(10_000);
    }

    @Test
    void overlayOneSecondPerVariant() throws Exception {
        Prereqs.require(true);
        JsonNode r = run("bench", "overlay", "--seconds", "1", "--json");
        for (String sw : List.of("ovs", "linux")) {
            JsonNode s = r.path("switches").path(sw);
            assertThat(s.path("sdk_gbps").asDouble()).as(sw + " sdk").isPositive();
            assertThat(s.path("tuned_gbps").asDouble()).as(sw + " tuned").isPositive();
            assertThat(s.has("seed_gbps")).isTrue();
        }
        // The seed's literal overlay reproduces its failure on userspace OVS: ping works, TCP moves nothing.
        assertThat(r.path("switches").path("ovs").path("seed_bytes").asLong()).isZero();
        assertThat(r.path("switches").path("linux").path("seed_gbps").asDouble()).isPositive();
    }

    @Test
    void applyOneHostTwoContainers() throws Exception {
        Prereqs.require(true);
        JsonNode r = run("bench", "apply", "--hosts", "1", "--containers-per-host", "2", "--json");
        for (String f : List.of("apply_seconds", "reapply_seconds", "status_seconds", "teardown_seconds")) {
            assertThat(r.path(f).asDouble()).as(f).isPositive().isLessThan(600);
        }
        assertThat(r.path("peak_rss_mib").asDouble()).isBetween(16.0, 8192.0);
        JsonNode calls = r.path("calls");
        assertThat(calls.path("apply").path("podman_calls").path("write").asLong()).as("containers run").isPositive();
        assertThat(calls.path("reapply").path("podman_calls").path("write").asLong()).as("a no-op re-apply").isZero();
        for (String op : List.of("apply", "reapply", "status", "teardown")) {
            for (String backend : List.of("ovsdb_transactions", "netlink_requests", "podman_calls", "nft_calls")) {
                assertThat(calls.path(op).path(backend).has("read")).as(op + " " + backend).isTrue();
            }
        }
        assertThat(r.path("outcomes").path("reapply").asText()).isEqualTo("changed nothing");
        assertThat(r.path("outcomes").path("status").asText()).isEqualTo("no drift");
    }

    /** Runs the command; checks exit 0 and that every lab it named is gone; returns its last line as JSON. */
    private static JsonNode run(String... args) throws Exception {
        Cli r = Cli.run(args);
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().strip().lines().toList();
        JsonNode last = JSON.readTree(lines.get(lines.size() - 1));
        assertThat(last.path("event").asText()).startsWith("bench-");
        assertThat(last.path("machine").path("cores").asInt()).isPositive();
        Matcher m = LAB.matcher(r.out());
        int labs = 0;
        while (m.find()) {
            labs++;
            assertThat(Prereqs.namespaces(m.group(1) + "-")).as("namespaces of lab " + m.group(1)).isEmpty();
        }
        assertThat(labs).as("labs named in the progress lines").isPositive();
        return last;
    }
}
