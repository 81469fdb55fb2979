package io.overlaykit.samples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spec.SwitchKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmarks' pure parts: spec sizing, parsing of iperf3's and the floor script's output, result JSON. */
class BenchPartsTest {

    @Test
    void theSubnetGrowsWithTheContainersAndAThousandFit() {
        assertThat(BenchSpec.prefixLengthFor(3)).isEqualTo(24);
        assertThat(BenchSpec.prefixLengthFor(254)).isEqualTo(24);
        assertThat(BenchSpec.prefixLengthFor(255)).isEqualTo(23);
        assertThat(BenchSpec.prefixLengthFor(1001)).isEqualTo(22);
        BenchSpec b = BenchSpec.of("okbtest", SwitchKind.OVS, 1, 1000).mtu(1450).host(0, false, BenchSpec.names("c", 1000));
        OverlaySpec spec = b.build();
        assertThat(spec.subnet().toString()).isEqualTo("172.16.0.0/22");
        assertThat(spec.host("hostA").containers()).hasSize(1000);
        assertThat(spec.host("hostA").gateway().getHostAddress()).isEqualTo("172.16.0.1");
        assertThat(b.containerAddress(0)).isEqualTo("172.16.0.2");
        assertThat(b.containerAddress(999)).isEqualTo("172.16.3.233");
        assertThat(spec.host("hostA").containers().get(999).ip().getHostAddress()).isEqualTo("172.16.3.233");
    }

    @Test
    void severalHostsGetTheirOwnGatewaysAndUnderlays() {
        BenchSpec b = BenchSpec.of("okbtest", SwitchKind.LINUX, 2, 2).host(0, false, List.of("a1"))
                .host(1, true, List.of("b1"));
        OverlaySpec spec = b.build();
        assertThat(spec.host("hostB").underlay().getHostAddress()).isEqualTo("192.0.2.3");
        assertThat(spec.host("hostB").gateway().getHostAddress()).isEqualTo("172.16.0.2");
        assertThat(spec.host("hostB").containers().get(0).ip().getHostAddress()).isEqualTo(b.containerAddress(1));
        assertThat(b.containerAddress(1)).isEqualTo("172.16.0.4");
    }

    @Test
    void iperfJsonGivesReceivedThroughputOrTheReason() {
        Iperf.Transfer ok = Iperf.parse("{\"end\":{\"sum_received\":{\"bytes\":1250000000,\"bits_per_second\":1.0e10}}}", "");
        assertThat(ok.ok()).isTrue();
        assertThat(ok.gbps()).isEqualTo(10.0);
        assertThat(ok.bytes()).isEqualTo(1_250_000_000L);
        Iperf.Transfer refused = Iperf.parse("{\"start\":{},\"error\":\"unable to connect to server: Connection timed out\"}", "");
        assertThat(refused.ok()).isFalse();
        assertThat(refused.gbps()).isZero();
        assertThat(refused.error()).contains("Connection timed out");
        assertThat(Iperf.parse("", "iperf3: error - boom").error()).contains("boom");
    }

    @Test
    void floorPartsAreMicrosecondsPerPart() {
        Map<String, Double> parts = WiringBench.floorParts("floor-part ip_host 230000\nnoise\nfloor-part ovs 80000\n");
        assertThat(parts).containsExactly(Map.entry("ip_host", 0.23), Map.entry("ovs", 0.08));
    }

    @Test
    void wiringJsonHasTheIssuesFieldsAndRatios() {
        WiringResult r = new WiringResult(new Machine("cpu", 2, 24, "6.1", "today"), "ovs", 200, 17.6, 2.2, 0.55,
                Map.of(), Map.of(), Map.of());
        Map<String, Object> json = r.toJson();
        assertThat(json).containsKeys("containers", "sdk_seconds", "baseline_seconds", "floor_seconds", "ratio",
                "floor_ratio");
        assertThat((double) json.get("ratio")).isEqualTo(8.0);
        assertThat((double) json.get("floor_ratio")).isEqualTo(4.0);
        assertThat(r.targets()).containsEntry("shell/SDK >= 50x at 200", false).containsEntry("SDK/floor <= 3x", false);
        assertThat(r.toText()).contains("88.00 ms", "11.00 ms", "MISSED");
    }
}
