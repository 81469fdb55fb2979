package io.overlaykit.samples.cli;

import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.spec.SwitchKind;
import io.overlaykit.samples.bench.ApplyBench;
import io.overlaykit.samples.bench.ApplyBenchResult;
import io.overlaykit.samples.bench.ForwardBench;
import io.overlaykit.samples.bench.ForwardResult;
import io.overlaykit.samples.bench.MeshBench;
import io.overlaykit.samples.bench.OverlayBench;
import io.overlaykit.samples.bench.OverlayResult;
import io.overlaykit.samples.bench.WiringBench;
import io.overlaykit.samples.bench.WiringResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code overlay bench wiring|forward|overlay|apply|mesh}: the benchmarks of {@link io.overlaykit.samples.bench}.
 * Each builds and removes its own lab; the result is a table, or with {@code --json} one JSON object on the
 * last line. Targets missed are reported, not failed: the exit code says whether the benchmark ran.
 */
final class BenchCommand {
    static final int MAX_CONTAINERS = 5000;
    static final int MAX_SECONDS = 600;
    static final int MAX_STREAMS = 128;
    static final int MAX_HOSTS = 8;
    static final int MAX_CONTAINERS_PER_HOST = 30;
    static final int MAX_MESH_CONTAINERS_PER_HOST = 250;
    static final int MAX_JOIN_HOSTS = 16;

    private BenchCommand() {
    }

    static int run(List<String> argv, Console console) {
        if (argv.isEmpty()) {
            throw new InvalidSpecException("bench", null, "needs one of wiring, forward, overlay, apply, mesh, join");
        }
        List<String> rest = argv.subList(1, argv.size());
        switch (argv.get(0)) {
            case "wiring" -> {
                WiringResult r = WiringBench.run(wiring(rest), console::info);
                console.result(r.toJson(), r.toText());
            }
            case "forward" -> {
                ForwardResult r = ForwardBench.run(forward(rest), console::info);
                console.result(r.toJson(), r.toText());
            }
            case "overlay" -> {
                OverlayResult r = OverlayBench.run(overlay(rest), console::info);
                console.result(r.toJson(), r.toText());
            }
            case "apply" -> {
                ApplyBenchResult r = ApplyBench.run(apply(rest), console::info);
                console.result(r.toJson(), r.toText());
            }
            case "mesh" -> {
                MeshBench.Result r = MeshBench.run(mesh(rest), console::info);
                console.result(r.toJson(), r.toText());
            }
            case "join" -> {
                io.overlaykit.samples.bench.JoinBench.JoinResult r =
                        io.overlaykit.samples.bench.JoinBench.run(join(rest), console::info);
                console.result(r.toJson(), r.toText());
            }
            default -> throw new InvalidSpecException("bench", argv.get(0),
                    "unknown benchmark; use wiring, forward, overlay, apply, mesh or join");
        }
        return OverlayCli.OK;
    }

    /** {@code --containers N [--switch ovs|linux]}. */
    static WiringBench.Options wiring(List<String> argv) {
        Args args = parse(argv, "wiring", Set.of("containers", "switch"));
        if (args.option("containers") == null) {
            throw new InvalidSpecException("--containers", null, "is required (how many namespaces to wire)");
        }
        int n = number(args, "containers", 0, 1, MAX_CONTAINERS);
        String kind = args.option("switch", "ovs");
        if (!kind.equals("ovs") && !kind.equals("linux")) {
            throw new InvalidSpecException("--switch", kind, "must be ovs or linux");
        }
        return new WiringBench.Options(n, kind.equals("ovs") ? SwitchKind.OVS : SwitchKind.LINUX);
    }

    /** {@code [--seconds S] [--streams 1,8]}. */
    static ForwardBench.Options forward(List<String> argv) {
        Args args = parse(argv, "forward", Set.of("seconds", "streams"));
        int seconds = number(args, "seconds", 5, 1, MAX_SECONDS);
        String value = args.option("streams", "1,8");
        List<Integer> streams = new ArrayList<>();
        for (String s : value.split(",", -1)) {
            int n;
            try {
                n = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_STREAMS || streams.contains(n)) {
                throw new InvalidSpecException("--streams", value, "must be distinct stream counts between 1 and "
                        + MAX_STREAMS + ", separated by commas (e.g. 1,8)");
            }
            streams.add(n);
        }
        return new ForwardBench.Options(seconds, List.copyOf(streams));
    }

    /** {@code [--seconds S]}. */
    static OverlayBench.Options overlay(List<String> argv) {
        Args args = parse(argv, "overlay", Set.of("seconds"));
        return new OverlayBench.Options(number(args, "seconds", 5, 1, MAX_SECONDS));
    }

    /** {@code [--hosts H] [--containers-per-host C]}. */
    static ApplyBench.Options apply(List<String> argv) {
        Args args = parse(argv, "apply", Set.of("hosts", "containers-per-host"));
        return new ApplyBench.Options(number(args, "hosts", 2, 1, MAX_HOSTS),
                number(args, "containers-per-host", 5, 1, MAX_CONTAINERS_PER_HOST));
    }

    /** {@code [--hosts H] [--containers C] [--switch linux|ovs]}: C containers on each of H hosts. */
    static MeshBench.Options mesh(List<String> argv) {
        Args args = parse(argv, "mesh", Set.of("hosts", "containers", "switch"));
        String kind = args.option("switch", "linux");
        if (!kind.equals("ovs") && !kind.equals("linux")) {
            throw new InvalidSpecException("--switch", kind, "must be ovs or linux");
        }
        return new MeshBench.Options(number(args, "hosts", 4, 2, MAX_HOSTS),
                number(args, "containers", 25, 1, MAX_MESH_CONTAINERS_PER_HOST),
                kind.equals("ovs") ? SwitchKind.OVS : SwitchKind.LINUX);
    }

    /** {@code [--hosts N] [--switch ovn|ovs|linux]}. */
    static io.overlaykit.samples.bench.JoinBench.Options join(List<String> argv) {
        Args args = parse(argv, "join", Set.of("hosts", "switch"));
        String kind = args.option("switch", "ovn");
        SwitchKind sw = switch (kind) {
            case "ovn" -> SwitchKind.OVN;
            case "ovs" -> SwitchKind.OVS;
            case "linux" -> SwitchKind.LINUX;
            default -> throw new InvalidSpecException("--switch", kind, "must be ovn, ovs or linux");
        };
        return new io.overlaykit.samples.bench.JoinBench.Options(number(args, "hosts", 10, 2, MAX_JOIN_HOSTS), sw);
    }

    private static Args parse(List<String> argv, String bench, Set<String> valued) {
        Args args = Args.parse(argv, Set.of("json", "quiet"), valued);
        if (!args.positionals().isEmpty()) {
            throw new InvalidSpecException("bench " + bench, args.positionals().get(0), "takes no positional argument");
        }
        return args;
    }

    private static int number(Args args, String option, int fallback, int min, int max) {
        String value = args.option(option);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidSpecException("--" + option, value, "must be a whole number from " + min + " to " + max);
    }
}
