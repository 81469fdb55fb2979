package io.overlaykit.samples.bench;

import io.overlaykit.core.Host;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.check.CheckReport;
import io.overlaykit.core.plan.ApplyResult;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spec.SwitchKind;
import io.overlaykit.core.spi.RequestCounter;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code overlay bench apply}: the whole life of a spec on a lab with real podman containers and OVS: apply
 * on every host, the connectivity matrix ({@code verify}), a no-op re-apply, {@code status}, teardown. Per
 * operation its time and the requests every backend made, counted by a {@link RequestCounter} on each
 * {@link Host#requestHook}; and this JVM's peak RSS over the operations (reset once the lab is up). A count is
 * deterministic where a time is not: a regression shows there first.
 */
public final class ApplyBench {
    /** What to run: {@code hosts} hosts with {@code containersPerHost} containers each. */
    public record Options(int hosts, int containersPerHost) {
    }

    /** The operations, in the order they run. */
    static final List<String> OPERATIONS = List.of("apply", "verify", "reapply", "status", "teardown");

    private ApplyBench() {
    }

    /** Runs the benchmark; {@code progress} gets one line per operation. */
    public static ApplyBenchResult run(Options o, Consumer<String> progress) {
        Machine machine = Machine.current();
        String name = "okba" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
        BenchSpec b = BenchSpec.of(name, SwitchKind.OVS, o.hosts(), o.hosts() * o.containersPerHost());
        for (int h = 0; h < o.hosts(); h++) {
            b.host(h, true, BenchSpec.names(Character.toString((char) ('a' + h)), o.containersPerHost()));
        }
        OverlaySpec spec = b.build();
        Overlay overlay = Overlay.of(spec);
        long t = System.nanoTime();
        try (Lab lab = LabOverlay.labFor(spec).start(); LabOverlay lo = LabOverlay.connect(lab)) {
            progress.accept("lab " + lab.prefix() + ": " + o.hosts() + " hosts with OVS, podman ("
                    + Table.seconds(WiringBench.since(t)) + ")");
            List<Host> hosts = new ArrayList<>();
            for (HostSpec hs : spec.hosts()) {
                hosts.add(lo.host(hs.name()));
            }
            resetPeakRss();
            Map<String, ApplyBenchResult.Operation> ops = new LinkedHashMap<>();
            ops.put("apply", measure(hosts, () -> {
                lo.applyAll(spec);
                return "applied on " + hosts.size() + " hosts";
            }));
            progress.accept("apply: " + ops.get("apply").describe());
            ops.put("verify", measure(hosts, () -> {
                CheckReport report = lo.verifyAll(spec);
                if (!report.allOk()) {
                    throw new OverlayException("the overlay does not carry traffic:\n" + report.toTable());
                }
                return report.summary();
            }));
            progress.accept("verify: " + ops.get("verify").describe());
            ops.put("reapply", measure(hosts, () -> {
                long changed = lo.applyAll(spec).values().stream().mapToLong(ApplyResult::changed).sum();
                return changed == 0 ? "changed nothing" : "changed " + changed + " steps";
            }));
            progress.accept("re-apply: " + ops.get("reapply").describe());
            ops.put("status", measure(hosts, () -> {
                long drift = hosts.stream().map(overlay::status).mapToLong(s -> s.drift().size()).sum();
                return drift == 0 ? "no drift" : drift + " drift entries";
            }));
            progress.accept("status: " + ops.get("status").describe());
            ops.put("teardown", measure(hosts, () -> {
                lo.teardownAll(spec);
                return "removed";
            }));
            progress.accept("teardown: " + ops.get("teardown").describe());
            return new ApplyBenchResult(machine, o.hosts(), o.containersPerHost(), ops, peakRssKib() / 1024.0);
        }
    }

    private static ApplyBenchResult.Operation measure(List<Host> hosts, Supplier<String> operation) {
        RequestCounter counter = new RequestCounter();
        hosts.forEach(h -> h.requestHook(counter));
        try {
            long t0 = System.nanoTime();
            String outcome = operation.get();
            return new ApplyBenchResult.Operation(WiringBench.since(t0), outcome, counter);
        } finally {
            hosts.forEach(h -> h.requestHook(null));
        }
    }

    /** Resets this process's peak RSS (VmHWM) to its current RSS: {@code echo 5 > /proc/self/clear_refs}. */
    private static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException e) {
            throw new OverlayException("cannot reset the peak RSS through /proc/self/clear_refs: " + e.getMessage(), e);
        }
    }

    private static long peakRssKib() {
        return Forwarder.statusField(ProcessHandle.current().pid(), "VmHWM:");
    }
}
