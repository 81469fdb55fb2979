package io.overlaykit.samples.bench;

import io.overlaykit.core.Host;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.plan.ApplyResult;
import io.overlaykit.core.spec.SwitchKind;
import io.overlaykit.core.spi.OverlaySwitch;
import io.overlaykit.core.spi.RequestCounter;
import io.overlaykit.netlink.NetlinkStack;
import io.overlaykit.ovs.OvsSwitch;
import io.overlaykit.ovs.OvsdbRemote;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code overlay bench wiring}: N namespaces standing in for containers, made before any clock starts, wired
 * into one lab host's bridge three ways in one run, each starting from the same bare host:
 * <ol>
 * <li>the seed's method, {@code wiring-seed.sh}: one process per step;</li>
 * <li>the SDK through the engine: apply (plan included) of a spec with N containers, whose runtime
 * ({@link StandInContainers}) hands out the pre-made namespaces, so only podman's start is left out;</li>
 * <li>the floor, {@code wiring-floor.sh}: the same objects from as few processes as the tools allow.</li>
 * </ol>
 * Between methods {@link WiringCheck} proves each built everything and removes it. The SDK's JVM is warmed by
 * one apply and teardown of two containers first, and its connections (netlink, OVSDB) are opened before the
 * clock, as in a long-running agent.
 */
public final class WiringBench {
    /** What to run: {@code containers} namespaces on a {@code switchKind} bridge. */
    public record Options(int containers, SwitchKind switchKind) {
    }

    static final int MTU = 1450;
    /**
     * How long an OVS change may wait for ovs-vswitchd to apply it (the samples' default is 10 s): a bridge with
     * a thousand ports on a busy machine takes longer, and a timeout there says nothing about speed.
     */
    static final Duration VSWITCHD_WAIT = Duration.ofSeconds(60);
    private static final String BRIDGE = "bwbr";
    private static final String GW_PORT = "bwgwp";
    private static final String GW_VETH = "bwgw";

    private WiringBench() {
    }

    /** Runs the benchmark; {@code progress} gets one line per phase. */
    public static WiringResult run(Options o, Consumer<String> progress) {
        Machine machine = Machine.current();
        boolean ovs = o.switchKind() == SwitchKind.OVS;
        int n = o.containers();
        long t = System.nanoTime();
        try (Lab lab = Lab.builder().host("hostA", "192.0.2.2/24").withOvs(ovs).start();
             Processes processes = new Processes(lab.runDir().resolve("bench"))) {
            LabHost host = lab.host("hostA");
            progress.accept("lab " + lab.prefix() + ": hostA" + (ovs ? " with OVS (userspace datapath)" : "")
                    + " (" + Table.seconds(since(t)) + ")");
            t = System.nanoTime();
            List<NetNamespace> namespaces = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
                namespaces.add(lab.createNamespace("c" + i));
            }
            StandInContainers standIns = StandInContainers.start(processes, namespaces);
            progress.accept(n + " namespaces, lo up, a holder process in each: made before any clock ("
                    + Table.seconds(since(t)) + ")");

            BenchSpec spec = BenchSpec.of(lab.prefix(), o.switchKind(), 1, n).mtu(MTU)
                    .host(0, false, BenchSpec.names("c", n));
            Oracle oracle = new Oracle(processes);
            WiringCheck check = new WiringCheck(oracle, host, n);
            Path list = writeList(processes.dir(), namespaces, spec);
            Map<String, String> env = env(host, o.switchKind(), spec);
            Duration timeout = Duration.ofSeconds(120 + 2L * n);

            Path seed = Scripts.extract(Scripts.WIRING_SEED, processes.dir());
            Processes.Result shell = processes.run(Processes.in(host.namespace(), "bash", seed.toString(),
                    list.toString()), env, timeout).check();
            progress.accept("seed's shell method (" + Scripts.WIRING_SEED + "): " + Table.seconds(shell.seconds()));
            check.verify("the shell method", i -> namespaces.get(i - 1), i -> spec.containerAddress(i - 1), spec.gateway(0));
            check.reset("the shell method", i -> namespaces.get(i - 1));

            SdkRun sdk = sdk(lab, host, standIns, spec, o.switchKind(), check, processes.dir());
            progress.accept("SDK (apply through the engine): " + Table.seconds(sdk.seconds));

            Path floorScript = Scripts.extract(Scripts.WIRING_FLOOR, processes.dir());
            Processes.Result floor = processes.run(Processes.in(host.namespace(), "bash", floorScript.toString(),
                    list.toString(), processes.dir().toString()), env, timeout).check();
            progress.accept("floor (" + Scripts.WIRING_FLOOR + "): " + Table.seconds(floor.seconds()));
            check.verify("the floor", i -> namespaces.get(i - 1), i -> spec.containerAddress(i - 1), spec.gateway(0));
            check.reset("the floor", i -> namespaces.get(i - 1));

            return new WiringResult(machine, o.switchKind().id(), n, shell.seconds(), sdk.seconds, floor.seconds(),
                    floorParts(floor.stdout()), sdk.steps, sdk.requests);
        }
    }

    private record SdkRun(double seconds, Map<String, Double> steps, Map<String, Long> requests) {
    }

    private static SdkRun sdk(Lab lab, LabHost labHost, StandInContainers standIns, BenchSpec spec, SwitchKind kind,
                              WiringCheck check, Path dir) {
        boolean ovs = kind == SwitchKind.OVS;
        try (NetlinkStack stack = NetlinkStack.open();
             OverlaySwitch sw = ovs
                     ? OvsSwitch.connect(OvsdbRemote.parse(labHost.ovsdbRemote()), "netdev", VSWITCHD_WAIT) : null) {
            Host.Builder b = Host.builder(labHost.name()).namespace(labHost.namespace()).stack(stack)
                    .containers(standIns).stateRoot(dir.resolve("state"))
                    // Stand-ins have no root file system of their own: never let anything write into the host's.
                    .containerRoot(c -> dir.resolve("roots").resolve(c.name()));
            if (ovs) {
                b.ovs(sw);
            }
            Host host = b.build();
            Overlay warmUp = Overlay.of(BenchSpec.of(lab.prefix() + "w", kind, 1, 2).mtu(MTU)
                    .host(0, false, List.of("w1", "w2")).build());
            warmUp.apply(host);
            warmUp.teardown(host);
            check.reset("the SDK's warm-up", i -> bare(lab, i));

            Overlay overlay = Overlay.of(spec.build());
            RequestCounter counter = new RequestCounter();
            host.requestHook(counter);
            long t0 = System.nanoTime();
            ApplyResult applied = overlay.apply(host);
            double seconds = since(t0);
            host.requestHook(null);
            check.verify("the SDK", i -> standIns.namespaceOf(overlay.containerName("c" + i)), i -> spec.containerAddress(i - 1),
                    spec.gateway(0));
            overlay.teardown(host);
            check.reset("the SDK", i -> bare(lab, i));
            return new SdkRun(seconds, stepSeconds(applied), counter.snapshot());
        }
    }

    /** Stand-in namespace number {@code i}, by its lab name (after a teardown none is handed out). */
    private static NetNamespace bare(Lab lab, int i) {
        return NetNamespace.named(lab.prefix() + "-c" + i);
    }

    /**
     * Wall seconds per kind of step (the first word of its id: veth, attach, mtu, ...), largest first: from the
     * first start to the last finish of its steps (the engine runs a kind's steps as one batch, so their own
     * times overlap and do not add up).
     */
    static Map<String, Double> stepSeconds(ApplyResult applied) {
        Map<String, long[]> spans = new HashMap<>();
        for (ApplyResult.StepOutcome s : applied.steps()) {
            String kind = s.id().contains(" ") ? s.id().substring(0, s.id().indexOf(' ')) : s.id();
            long from = s.started().toNanos();
            long to = from + s.took().toNanos();
            spans.merge(kind, new long[] {from, to}, (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        Map<String, Double> byKind = new HashMap<>();
        spans.forEach((k, v) -> byKind.put(k, (v[1] - v[0]) / 1e9));
        Map<String, Double> sorted = new LinkedHashMap<>();
        byKind.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    private static Path writeList(Path dir, List<NetNamespace> namespaces, BenchSpec spec) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < namespaces.size(); i++) {
            sb.append(namespaces.get(i).name()).append(" bw").append(i + 1).append(' ')
                    .append(spec.containerAddress(i)).append('\n');
        }
        Path list = dir.resolve("containers.list");
        try {
            Files.writeString(list, sb.toString());
        } catch (IOException e) {
            throw new OverlayException("cannot write " + list + ": " + e.getMessage(), e);
        }
        return list;
    }

    private static Map<String, String> env(LabHost host, SwitchKind kind, BenchSpec spec) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SWITCH", kind.id());
        env.put("BRIDGE", BRIDGE);
        env.put("MTU", Integer.toString(MTU));
        env.put("PREFIXLEN", Integer.toString(spec.length()));
        env.put("GATEWAY", spec.gateway(0));
        env.put("GW_PORT", GW_PORT);
        env.put("GW_VETH", GW_VETH);
        if (host.hasOvs()) {
            env.put("OVSDB", host.ovsdbSocket().toString());
            env.put("OVS_RUNDIR", host.ovsRunDir().toString());
        }
        return env;
    }

    /** {@code floor-part NAME MICROSECONDS} lines of the floor script, in seconds. */
    static Map<String, Double> floorParts(String stdout) {
        Map<String, Double> parts = new LinkedHashMap<>();
        for (String line : stdout.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length == 3 && f[0].equals("floor-part")) {
                parts.put(f[1], Long.parseLong(f[2]) / 1e6);
            }
        }
        return parts;
    }

    static double since(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
