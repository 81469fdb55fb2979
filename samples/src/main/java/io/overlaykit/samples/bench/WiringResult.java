package io.overlaykit.samples.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The figures of one {@code overlay bench wiring} run. {@code ratio} is the shell's time over the SDK's,
 * {@code floorRatio} the SDK's over the floor's; {@code sdkSteps} the SDK's seconds per kind of step and
 * {@code sdkRequests} the requests its backends counted ({@code RequestCounter} through {@code Host.requestHook};
 * a backend that does not report requests yet counts nothing).
 */
public record WiringResult(Machine machine, String switchKind, int containers, double shellSeconds,
                           double sdkSeconds, double floorSeconds, Map<String, Double> floorParts,
                           Map<String, Double> sdkSteps, Map<String, Long> sdkRequests) {

    public double ratio() {
        return shellSeconds / sdkSeconds;
    }

    public double floorRatio() {
        return sdkSeconds / floorSeconds;
    }

    /** The targets that apply to this run: name -> met. */
    public Map<String, Boolean> targets() {
        Map<String, Boolean> t = new LinkedHashMap<>();
        if (containers == 200) {
            t.put("shell/SDK >= 50x at 200", ratio() >= 50);
        }
        if (containers == 1000) {
            t.put("shell/SDK >= 100x at 1000", ratio() >= 100);
        }
        t.put("SDK/floor <= 3x", floorRatio() <= 3);
        return t;
    }

    /** The JSON object: the fields first. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "bench-wiring");
        m.put("containers", containers);
        m.put("sdk_seconds", Table.round(sdkSeconds));
        m.put("baseline_seconds", Table.round(shellSeconds));
        m.put("floor_seconds", Table.round(floorSeconds));
        m.put("ratio", Table.round(ratio()));
        m.put("floor_ratio", Table.round(floorRatio()));
        m.put("switch", switchKind);
        Map<String, Object> per = new LinkedHashMap<>();
        per.put("baseline", Table.round(shellSeconds * 1000 / containers));
        per.put("sdk", Table.round(sdkSeconds * 1000 / containers));
        per.put("floor", Table.round(floorSeconds * 1000 / containers));
        m.put("per_container_ms", per);
        m.put("floor_parts_seconds", rounded(floorParts));
        m.put("sdk_step_seconds", rounded(sdkSteps));
        m.put("sdk_requests", sdkRequests);
        m.put("targets", targets());
        m.put("machine", machine.toMap());
        return m;
    }

    /** The table for a terminal. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "wiring %d containers into %s on one lab host%n", containers,
                switchKind.equals("ovs") ? "an Open vSwitch bridge (userspace datapath)" : "a Linux bridge"));
        sb.append("machine: ").append(machine.describe()).append("\n\n");
        sb.append(new Table("method", "total", "per container")
                .row("seed's shell method (one process per step)", Table.seconds(shellSeconds),
                        Table.millis(shellSeconds * 1000 / containers))
                .row("SDK: apply through the engine", Table.seconds(sdkSeconds),
                        Table.millis(sdkSeconds * 1000 / containers))
                .row("floor: ip -batch, one ovs-vsctl, no checks", Table.seconds(floorSeconds),
                        Table.millis(floorSeconds * 1000 / containers)));
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "shell / SDK = %s, SDK / floor = %s%n", Table.ratio(ratio()),
                Table.ratio(floorRatio())));
        targets().forEach((name, met) -> sb.append("target ").append(name).append(": ").append(Table.verdict(met))
                .append('\n'));
        sb.append("floor parts: ").append(join(floorParts)).append('\n');
        sb.append("SDK time by step: ").append(join(sdkSteps)).append('\n');
        sb.append("SDK requests: ").append(sdkRequests.isEmpty() ? "none reported" : sdkRequests.toString())
                .append(" (backends that do not report requests yet count nothing)\n");
        return sb.toString();
    }

    private static String join(Map<String, Double> seconds) {
        return seconds.entrySet().stream().map(e -> e.getKey() + " " + Table.seconds(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static Map<String, Double> rounded(Map<String, Double> in) {
        Map<String, Double> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k, Table.round(v)));
        return out;
    }
}
