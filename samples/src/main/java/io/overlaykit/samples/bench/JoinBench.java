package io.overlaykit.samples.bench;

import io.overlaykit.core.Host;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spec.SwitchKind;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
import io.overlaykit.testkit.TrafficOracle;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * {@code overlay bench join}: hosts join an overlay one at a time, k = 2 ... N, one container each. For the k-th
 * host: the spec grows by that host, the hosts whose configuration has to change are the existing ones whose
 * {@code status} under the grown spec shows drift (a full mesh needs a tunnel to the newcomer on every one; OVN none),
 * and the join is done when the newcomer is applied, every host with drift re-applied, and the newcomer's container
 * answers a ping from every existing container. Per k: the join time, the newcomer's apply alone, and how many other
 * hosts had to change.
 */
public final class JoinBench {
    /** What to run: up to {@code hosts} hosts on {@code switchKind}. */
    public record Options(int hosts, SwitchKind switchKind) {
    }

    private JoinBench() {
    }

    /** Runs the benchmark; {@code progress} gets one line per join. */
    public static JoinResult run(Options o, Consumer<String> progress) {
        Machine machine = Machine.current();
        String name = "okbj" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
        List<OverlaySpec> specs = new ArrayList<>();
        for (int k = 1; k <= o.hosts(); k++) {
            BenchSpec b = BenchSpec.of(name, o.switchKind(), o.hosts(), o.hosts());
            if (o.switchKind() == SwitchKind.OVN) {
                b.ovn("192.0.2.250");
            }
            for (int h = 0; h < k; h++) {
                b.host(h, false, List.of("j" + (h + 1)));
            }
            specs.add(b.build());
        }
        OverlaySpec all = specs.get(o.hosts() - 1);
        long t = System.nanoTime();
        try (Lab lab = LabOverlay.labFor(all).start(); LabOverlay lo = LabOverlay.connect(lab)) {
            progress.accept("lab " + lab.prefix() + ": " + o.hosts() + " hosts, " + o.switchKind().id() + " ("
                    + Table.seconds(WiringBench.since(t)) + ")");
            Overlay.of(specs.get(0)).apply(lo.host(BenchSpec.hostName(0)));
            List<JoinResult.Join> joins = new ArrayList<>();
            for (int k = 2; k <= o.hosts(); k++) {
                OverlaySpec spec = specs.get(k - 1);
                Overlay overlay = Overlay.of(spec);
                String newcomer = BenchSpec.hostName(k - 1);
                long t0 = System.nanoTime();
                overlay.apply(lo.host(newcomer));
                double applySeconds = WiringBench.since(t0);
                int changed = 0;
                for (int h = 0; h < k - 1; h++) {
                    Host other = lo.host(BenchSpec.hostName(h));
                    if (!overlay.status(other).isClean()) {
                        overlay.apply(other);
                        changed++;
                    }
                }
                InetAddress target = spec.host(newcomer).containers().get(0).ip();
                for (int h = 0; h < k - 1; h++) {
                    String from = BenchSpec.hostName(h);
                    NetNamespace ns = lo.container(spec, from, "j" + (h + 1)).namespace();
                    long deadline = System.nanoTime() + 60_000_000_000L;
                    while (!TrafficOracle.ping(ns, target, 1)) {
                        if (System.nanoTime() > deadline) {
                            throw new OverlayException("host " + newcomer + " joined, but j" + (h + 1) + " on " + from
                                    + " does not reach it after 60 s");
                        }
                    }
                }
                JoinResult.Join j = new JoinResult.Join(k, WiringBench.since(t0), applySeconds, changed);
                joins.add(j);
                progress.accept("host " + k + " (" + newcomer + "): joined in " + Table.seconds(j.seconds())
                        + ", its apply " + Table.seconds(j.applySeconds()) + ", " + changed + " other hosts changed");
            }
            return new JoinResult(machine, o.switchKind().id(), o.hosts(), joins);
        }
    }

    /** The figures of one run. */
    public record JoinResult(Machine machine, String switchKind, int hosts, List<Join> joins) {
        /** The k-th host's join: all of it, its own apply, and how many existing hosts had to change. */
        public record Join(int k, double seconds, double applySeconds, int othersChanged) {
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("event", "bench-join");
            m.put("switch", switchKind);
            m.put("hosts", hosts);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Join j : joins) {
                rows.add(Map.of("k", j.k(), "join_s", Table.round(j.seconds()), "apply_s", Table.round(j.applySeconds()),
                        "others_changed", j.othersChanged()));
            }
            m.put("joins", rows);
            m.put("machine", machine.toMap());
            return m;
        }

        public String toText() {
            StringBuilder sb = new StringBuilder("join: host k applies (and every host whose status shows drift is "
                    + "re-applied) until each existing container pings the newcomer's; switch " + switchKind + "\n");
            sb.append("machine: ").append(machine.describe()).append("\n\n");
            Table table = new Table("k", "join", "newcomer's apply", "other hosts changed");
            for (Join j : joins) {
                table.row(Integer.toString(j.k()), Table.seconds(j.seconds()), Table.seconds(j.applySeconds()),
                        Integer.toString(j.othersChanged()));
            }
            return sb.append(table).toString();
        }
    }
}
