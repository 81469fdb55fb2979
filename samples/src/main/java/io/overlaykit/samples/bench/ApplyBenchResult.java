package io.overlaykit.samples.bench;

import io.overlaykit.core.spi.RequestCounter;
import io.overlaykit.core.spi.RequestHook;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one {@code overlay bench apply} run: per operation its seconds, what it found, and the
 * requests each backend made (a backend that does not report its requests yet counts 0).
 */
public record ApplyBenchResult(Machine machine, int hosts, int containersPerHost, Map<String, Operation> operations,
                               double peakRssMib) {

    /** The JSON names of the backends' counts, in the words. */
    static final Map<RequestHook.Backend, String> COUNT_NAMES = names();

    /** One operation: seconds, outcome, and per backend the reads and writes it sent. */
    public record Operation(double seconds, String outcome, Map<RequestHook.Backend, long[]> requests) {
        Operation(double seconds, String outcome, RequestCounter counter) {
            this(seconds, outcome, copy(counter));
        }

        private static Map<RequestHook.Backend, long[]> copy(RequestCounter c) {
            Map<RequestHook.Backend, long[]> m = new LinkedHashMap<>();
            for (RequestHook.Backend b : RequestHook.Backend.values()) {
                m.put(b, new long[] {c.count(b, RequestHook.Access.READ), c.count(b, RequestHook.Access.WRITE)});
            }
            return m;
        }

        long total(RequestHook.Backend b) {
            return requests.get(b)[0] + requests.get(b)[1];
        }

        String describe() {
            return Table.seconds(seconds) + ", " + outcome + "; requests: ovsdb " + total(RequestHook.Backend.OVSDB)
                    + ", netlink " + total(RequestHook.Backend.NETLINK) + ", podman " + total(RequestHook.Backend.PODMAN)
                    + ", nft " + total(RequestHook.Backend.NFTABLES);
        }

        Map<String, Object> countsJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            requests.forEach((b, rw) -> m.put(COUNT_NAMES.get(b), Map.of("read", rw[0], "write", rw[1])));
            return m;
        }
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "bench-apply");
        m.put("hosts", hosts);
        m.put("containers_per_host", containersPerHost);
        m.put("apply_seconds", Table.round(operations.get("apply").seconds()));
        m.put("reapply_seconds", Table.round(operations.get("reapply").seconds()));
        m.put("status_seconds", Table.round(operations.get("status").seconds()));
        m.put("teardown_seconds", Table.round(operations.get("teardown").seconds()));
        m.put("verify_seconds", Table.round(operations.get("verify").seconds()));
        m.put("peak_rss_mib", Table.round(peakRssMib));
        Map<String, Object> calls = new LinkedHashMap<>();
        operations.forEach((name, op) -> calls.put(name, op.countsJson()));
        m.put("calls", calls);
        Map<String, Object> outcomes = new LinkedHashMap<>();
        operations.forEach((name, op) -> outcomes.put(name, op.outcome()));
        m.put("outcomes", outcomes);
        m.put("machine", machine.toMap());
        return m;
    }

    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "apply: %d hosts x %d containers (podman, OVS userspace datapath)%n",
                hosts, containersPerHost));
        sb.append("machine: ").append(machine.describe()).append("\n\n");
        Table t = new Table("operation", "time", "OVSDB r/w", "netlink r/w", "podman r/w", "nft r/w", "sysctl r/w",
                "ethtool r/w", "outcome");
        operations.forEach((name, op) -> t.row(name, Table.seconds(op.seconds()), rw(op, RequestHook.Backend.OVSDB),
                rw(op, RequestHook.Backend.NETLINK), rw(op, RequestHook.Backend.PODMAN),
                rw(op, RequestHook.Backend.NFTABLES), rw(op, RequestHook.Backend.SYSCTL),
                rw(op, RequestHook.Backend.ETHTOOL), op.outcome()));
        sb.append(t).append('\n');
        sb.append(String.format(Locale.ROOT, "spec to verified overlay: %s (apply %s + verify %s)%n",
                Table.seconds(operations.get("apply").seconds() + operations.get("verify").seconds()),
                Table.seconds(operations.get("apply").seconds()), Table.seconds(operations.get("verify").seconds())));
        sb.append(String.format(Locale.ROOT, "peak RSS of this JVM over the operations: %.1f MiB%n", peakRssMib));
        sb.append("counts of 0 may mean that backend does not report its requests yet (RequestHook)\n");
        return sb.toString();
    }

    private static String rw(Operation op, RequestHook.Backend b) {
        long[] v = op.requests().get(b);
        return v[0] + "/" + v[1];
    }

    private static Map<RequestHook.Backend, String> names() {
        Map<RequestHook.Backend, String> m = new LinkedHashMap<>();
        m.put(RequestHook.Backend.OVSDB, "ovsdb_transactions");
        m.put(RequestHook.Backend.NETLINK, "netlink_requests");
        m.put(RequestHook.Backend.PODMAN, "podman_calls");
        m.put(RequestHook.Backend.NFTABLES, "nft_calls");
        m.put(RequestHook.Backend.SYSCTL, "sysctl_calls");
        m.put(RequestHook.Backend.ETHTOOL, "ethtool_calls");
        m.put(RequestHook.Backend.WIREGUARD, "wireguard_calls");
        return m;
    }
}
