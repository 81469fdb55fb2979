package io.overlaykit.samples.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The figures of one {@code overlay bench forward} run: Gbit/s per method and stream count, idle memory. */
public record ForwardResult(Machine machine, int seconds, Map<Integer, Row> streams,
                            IdleConnections.Measurement idle) {

    /** The upper bound on the forwarder's memory per idle connection. */
    public static final double KIB_PER_IDLE_CONNECTION_TARGET = 16;

    /** One stream count: each method's transfer ({@code routed, dnat, userspace, socat}). */
    public record Row(Map<String, Iperf.Transfer> transfers) {
        double gbps(String method) {
            return transfers.get(method).gbps();
        }

        String describe() {
            return transfers.entrySet().stream().map(e -> e.getKey() + " " + Table.gbps(e.getValue().gbps())
                    + (e.getValue().ok() ? "" : " (" + e.getValue().error() + ")")).collect(Collectors.joining(", "))
                    + " Gbit/s";
        }
    }

    /** The targets: name -> met. */
    public Map<String, Boolean> targets() {
        Map<String, Boolean> t = new LinkedHashMap<>();
        streams.forEach((n, row) -> {
            t.put("userspace >= 3x socat, " + n + " stream(s)", row.gbps("userspace") >= 3 * row.gbps("socat"));
            t.put("userspace >= 70% of DNAT, " + n + " stream(s)", row.gbps("userspace") >= 0.7 * row.gbps("dnat"));
            t.put("DNAT >= 90% of routed, " + n + " stream(s)", row.gbps("dnat") >= 0.9 * row.gbps("routed"));
        });
        t.put("<= 16 KiB per idle connection", idle.kibPerConnection() <= KIB_PER_IDLE_CONNECTION_TARGET);
        return t;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "bench-forward");
        Map<String, Object> per = new LinkedHashMap<>();
        streams.forEach((n, row) -> {
            Map<String, Object> r = new LinkedHashMap<>();
            row.transfers().forEach((method, tr) -> r.put(method + "_gbps", Table.round(tr.gbps())));
            per.put(Integer.toString(n), r);
        });
        m.put("streams", per);
        m.put("userspace_kib_per_idle_connection", Table.round(idle.kibPerConnection()));
        m.put("idle_connections", idle.connections());
        m.put("forwarder_rss_kib", Map.of("before", idle.rssBeforeKib(), "with_idle_connections", idle.rssWithKib()));
        m.put("forwarder_open_files_limit", idle.openFilesLimit());
        m.put("seconds", seconds);
        m.put("targets", targets());
        m.put("machine", machine.toMap());
        return m;
    }

    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("forwarding outside -> host -> container, iperf3, ").append(seconds).append(" s per transfer\n");
        sb.append("machine: ").append(machine.describe()).append("\n\n");
        sb.append("Gbit/s received:\n");
        Table table = new Table("streams", "routed", "kernel DNAT (nft)", "overlay forward", "socat");
        streams.forEach((n, row) -> table.row(n, Table.gbps(row.gbps("routed")), Table.gbps(row.gbps("dnat")),
                Table.gbps(row.gbps("userspace")), Table.gbps(row.gbps("socat"))));
        sb.append(table).append('\n');
        streams.forEach((n, row) -> row.transfers().forEach((method, tr) -> {
            if (!tr.ok()) {
                sb.append("note: ").append(method).append(", ").append(n).append(" stream(s): ").append(tr.error())
                        .append('\n');
            }
        }));
        sb.append(String.format(Locale.ROOT, "idle connections through overlay forward: %d, RSS %d -> %d KiB, "
                        + "%.2f KiB each (its open-files limit: %d)%n", idle.connections(), idle.rssBeforeKib(),
                idle.rssWithKib(), idle.kibPerConnection(), idle.openFilesLimit()));
        targets().forEach((name, met) -> sb.append("target ").append(name).append(": ").append(Table.verdict(met))
                .append('\n'));
        return sb.toString();
    }
}
