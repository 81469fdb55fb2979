package io.overlaykit.samples.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** The figures of one {@code overlay bench overlay} run: per switch, Gbit/s of each configuration. */
public record OverlayResult(Machine machine, int seconds, Map<String, Map<String, Iperf.Transfer>> switches) {

    /** The targets: name -> met. */
    public Map<String, Boolean> targets() {
        Map<String, Boolean> t = new LinkedHashMap<>();
        switches.forEach((sw, variants) -> {
            Iperf.Transfer sdk = variants.get("sdk");
            t.put(sw + ": SDK >= 95% of hand-tuned", sdk.gbps() >= 0.95 * variants.get("tuned").gbps());
            t.put(sw + ": SDK carries TCP (not the seed's 0 bytes)", sdk.ok() && sdk.bytes() > 0);
        });
        return t;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "bench-overlay");
        Map<String, Object> per = new LinkedHashMap<>();
        switches.forEach((sw, variants) -> {
            Map<String, Object> v = new LinkedHashMap<>();
            variants.forEach((name, tr) -> v.put(name + "_gbps", Table.round(tr.gbps())));
            variants.forEach((name, tr) -> v.put(name + "_bytes", tr.bytes()));
            variants.forEach((name, tr) -> {
                if (!tr.ok()) {
                    v.put(name + "_error", tr.error());
                }
            });
            per.put(sw, v);
        });
        m.put("switches", per);
        m.put("seconds", seconds);
        m.put("targets", targets());
        m.put("machine", machine.toMap());
        return m;
    }

    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("overlay: container on hostA -> container on hostB, iperf3, 1 stream, ").append(seconds)
                .append(" s per transfer\n");
        sb.append("machine: ").append(machine.describe()).append("\n\n");
        sb.append("Gbit/s received:\n");
        Table table = new Table("switch", "SDK", "seed (MTU 1500, offloads untouched)", "hand-tuned");
        switches.forEach((sw, v) -> table.row(sw, Table.gbps(v.get("sdk").gbps()), Table.gbps(v.get("seed").gbps()),
                Table.gbps(v.get("tuned").gbps())));
        sb.append(table).append('\n');
        switches.forEach((sw, variants) -> variants.forEach((name, tr) -> {
            if (!tr.ok()) {
                sb.append("note: ").append(sw).append(", ").append(name).append(": ").append(tr.error()).append('\n');
            }
        }));
        targets().forEach((name, met) -> sb.append("target ").append(name).append(": ").append(Table.verdict(met))
                .append('\n'));
        return sb.toString();
    }
}
