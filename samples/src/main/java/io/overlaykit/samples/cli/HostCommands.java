package io.overlaykit.samples.cli;

import io.overlaykit.core.Host;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.check.CheckReport;
import io.overlaykit.core.plan.ApplyResult;
import io.overlaykit.core.plan.ProgressListener;
import io.overlaykit.core.plan.Plan;
import io.overlaykit.core.plan.Status;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.samples.agent.AgentHealth;
import io.overlaykit.samples.agent.AgentStateFile;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code apply}, {@code plan}, {@code teardown}, {@code status} and {@code verify} of one spec on one host (or
 * all, for verify).
 */
final class HostCommands {
    private static final Set<String> FLAGS = Set.of("quiet", "json");
    private static final Set<String> VALUED = Set.of("host", "netns", "ovsdb", "podman", "format", "private-key");

    private HostCommands() {
    }

    static int run(String command, List<String> argv, Console console) {
        Args args = Args.parse(argv, FLAGS, VALUED);
        Path file = Path.of(args.positional(0, "SPEC"));
        if (args.positionals().size() > 1) {
            throw new InvalidSpecException(command, args.positionals().get(1), "unexpected argument");
        }
        String hostName = args.option("host");
        if (hostName == null && !command.equals("verify")) {
            throw new InvalidSpecException("--host", null, "is required: which host of the spec is this");
        }
        String format = args.option("format", "text");
        if (!Set.of("text", "json", "dot").contains(format) || (!format.equals("text") && !command.equals("status"))) {
            throw new InvalidSpecException("--format", format, command.equals("status")
                    ? "must be text, json or dot" : "only status takes --format");
        }
        Overlay overlay = Overlay.fromSpec(file); // InvalidSpecException: exit 2, nothing touched
        if (hostName != null) {
            checkHost(overlay, hostName);
        }
        Backends.Options options = Backends.Options.of(args); // checked before anything connects
        try (Backends backends = new Backends(overlay.spec())) {
            return switch (command) {
                case "apply" -> apply(overlay, backends.host(hostName, options), console);
                case "teardown" -> teardown(overlay, backends.host(hostName, options), console);
                case "status" -> status(overlay, backends.host(hostName, options), format, console);
                case "plan" -> plan(overlay, backends.host(hostName, options), console);
                default -> verify(overlay, backends, hostName, options, console);
            };
        }
    }

    /** A host the spec lacks is invalid input (exit 2), named with the spec's hosts. */
    static HostSpec checkHost(Overlay overlay, String hostName) {
        return overlay.spec().hosts().stream().filter(h -> h.name().equals(hostName)).findFirst()
                .orElseThrow(() -> new InvalidSpecException("--host", hostName, "spec " + overlay.spec().name()
                        + " has no such host; its hosts are " + overlay.spec().hosts().stream().map(HostSpec::name)
                        .toList()));
    }

    static int apply(Overlay overlay, Host host, Console console) {
        ApplyResult r = overlay.apply(host, progress(console, host.name()));
        console.result(r.toMap(), r.toString());
        return OverlayCli.OK;
    }

    static int teardown(Overlay overlay, Host host, Console console) {
        long t0 = System.nanoTime();
        List<String> done = overlay.teardown(host);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        done.forEach(line -> console.step(Console.Mark.UNDONE, host.name() + ": " + line, null));
        console.result(Map.of("spec", overlay.spec().name(), "host", host.name(), "removed", done,
                "millis", took.toMillis()), "spec " + overlay.spec().name() + " on host " + host.name() + ": teardown "
                + (done.isEmpty() ? "found nothing of ours" : "did " + done.size() + " things") + ", "
                + Console.millis(took));
        return OverlayCli.OK;
    }

    /** {@code overlay plan}: the changes apply would make, per step; touches nothing. */
    static int plan(Overlay overlay, Host host, Console console) {
        Plan plan = overlay.plan(host);
        console.result(plan.toMap(), plan.toText());
        return OverlayCli.OK;
    }

    /**
     * Drift between spec and host, and the health of the host's agent ({@code overlay serve}) from its state file.
     * Exit 1 when there is drift or the agent's report is stale (it died or hangs); a stopped or absent agent is
     * no fault.
     */
    static int status(Overlay overlay, Host host, String format, Console console) {
        Plan plan = overlay.plan(host);
        Status s = Status.of(plan);
        AgentHealth agent = AgentHealth.judge(AgentStateFile.of(host, overlay.spec().name()).read(), Instant.now());
        Map<String, Object> json = new LinkedHashMap<>(s.toMap());
        json.put("agent", agent.toMap());
        Map<String, List<String>> addresses = addresses(overlay.spec(), host.name());
        json.put("addresses", addresses);
        StringBuilder text = new StringBuilder("addresses:");
        addresses.forEach((k, v) -> text.append(' ').append(k).append(' ').append(String.join(" ", v)).append(';'));
        List<io.overlaykit.core.plan.TunnelStatus> tunnels = overlay.tunnels(host);
        json.put("tunnels", tunnels.stream().map(io.overlaykit.core.plan.TunnelStatus::toMap).toList());
        boolean tunnelsOk = tunnels.stream().allMatch(io.overlaykit.core.plan.TunnelStatus::healthy);
        switch (format) {
            case "json" -> console.raw(Console.json(json) + System.lineSeparator());
            case "dot" -> console.raw(TopologyDot.render(overlay, host, plan));
            default -> console.result(json, s.toText() + System.lineSeparator() + agent.toText()
                    + tunnels.stream().map(t -> System.lineSeparator() + "tunnel " + t.describe())
                    .collect(java.util.stream.Collectors.joining())
                    + System.lineSeparator() + text.substring(0, text.length() - 1));
        }
        return s.isClean() && agent.isHealthy() && tunnelsOk ? OverlayCli.OK : OverlayCli.FAILED;
    }

    /** The overlay addresses of a host's gateway and containers, IPv4 then (dual stack) IPv6, in spec order. */
    static Map<String, List<String>> addresses(io.overlaykit.core.spec.OverlaySpec spec, String hostName) {
        HostSpec hs = spec.host(hostName);
        Map<String, List<String>> out = new LinkedHashMap<>();
        out.put("gateway", both(hs.gateway(), spec.gateway6(hs)));
        for (io.overlaykit.core.spec.ContainerSpec c : hs.containers()) {
            out.put(c.name(), both(c.ip(), spec.ipv6(c)));
        }
        return out;
    }

    private static List<String> both(java.net.InetAddress v4, java.net.InetAddress v6) {
        return v6 == null ? List.of(v4.getHostAddress()) : List.of(v4.getHostAddress(), v6.getHostAddress());
    }

    static int verify(Overlay overlay, Backends backends, String hostName, Backends.Options options, Console console) {
        List<HostSpec> hosts = hostName == null ? overlay.spec().hosts() : List.of(overlay.spec().host(hostName));
        List<io.overlaykit.core.plan.TunnelStatus> stale = new java.util.ArrayList<>();
        if (overlay.spec().encrypted()) {
            for (HostSpec h : hosts) {
                for (io.overlaykit.core.plan.TunnelStatus t : overlay.tunnels(backends.host(h.name(), options))) {
                    console.step(t.healthy() ? Console.Mark.OK : Console.Mark.FAILED, "tunnel " + t.describe(), null);
                    if (!t.healthy()) {
                        stale.add(t);
                    }
                }
            }
        }
        CheckReport report = Verifier.verify(overlay.spec(), backends, hosts, options);
        report.rows().forEach(p -> console.step(p.ok() ? Console.Mark.OK : Console.Mark.FAILED,
                p.from() + " -> " + p.to() + " " + p.kind().name().toLowerCase(java.util.Locale.ROOT)
                        + (p.ok() ? "" : ": " + p.error()), Duration.ofMillis(p.millis())));
        console.result(Map.of("spec", overlay.spec().name(), "ok", report.allOk() && stale.isEmpty(), "probes",
                report.rows().size(), "failed", report.failures().size(), "staleTunnels",
                stale.stream().map(t -> t.host() + " -> " + t.peer()).toList()), report.summary()
                + stale.stream().map(t -> System.lineSeparator() + "tunnel " + t.describe()).collect(
                java.util.stream.Collectors.joining()));
        return stale.isEmpty() ? report.exitCode() : Math.max(report.exitCode(), OverlayCli.FAILED);
    }

    /** Progress lines of an apply: one per step, with its mark and time. */
    static ProgressListener progress(Console console, String host) {
        return new ProgressListener() {
            @Override
            public void stepFinished(Step step, boolean changed, Duration took) {
                console.step(changed ? Console.Mark.CHANGED : Console.Mark.UNCHANGED, host + ": " + step.id()
                        + (changed ? "  " + step.description() : ""), took);
            }

            @Override
            public void stepUndone(Step step, Duration took) {
                console.step(Console.Mark.UNDONE, host + ": undo " + step.id(), took);
            }

            @Override
            public void stepFailed(Step step, Throwable error) {
                console.step(Console.Mark.FAILED, host + ": " + step.id() + ": " + error.getMessage(), null);
            }
        };
    }
}
