package io.overlaykit.samples.cli;

import io.overlaykit.core.Host;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.PortForward;
import io.overlaykit.core.spec.ForwardSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.samples.agent.AgentReporter;
import io.overlaykit.samples.agent.AgentStateFile;
import io.overlaykit.samples.agent.EncryptionHealth;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code overlay serve SPEC --host NAME [--teardown-on-exit] [--wait-for-backends SECONDS]}, or
 * {@code overlay serve --instance HOST:PATH} as the systemd unit {@code overlaykit@.service} runs it: the host
 * agent. Waits (bounded) for its backends, applies the host's part, runs its userspace forwards, and re-wires
 * containers that restart (a restarted container has a new, empty network namespace) until interrupted (Ctrl-C,
 * SIGTERM); then stops the forwards and, when asked, tears down. Its health goes to an {@link AgentStateFile} that
 * {@code overlay status} reads.
 */
final class ServeCommand {
    private ServeCommand() {
    }

    /** Which spec file and host: from SPEC and --host, or from a systemd instance. */
    record Target(Path spec, String host) {
        /**
         * {@code HOST:PATH} as systemd's {@code %I} gives the unit's instance: the host name, a colon, and the spec's
         * absolute path without its leading slash (the instance {@code hostA:etc-overlaykit-shop.json}, made with
         * {@code systemd-escape}, unescapes to {@code hostA:etc/overlaykit/shop.json}).
         */
        static Target ofInstance(String instance) {
            int colon = instance.indexOf(':');
            if (colon <= 0 || colon == instance.length() - 1) {
                throw new InvalidSpecException("--instance", instance, "must be HOST:SPEC-PATH, e.g. "
                        + "hostA:etc/overlaykit/shop.json (the unit's %I)");
            }
            String path = instance.substring(colon + 1);
            return new Target(Path.of(path.startsWith("/") ? path : "/" + path), instance.substring(0, colon));
        }
    }

    static int run(List<String> argv, Console console) {
        Args args = Args.parse(argv, Set.of("teardown-on-exit", "quiet", "json"),
                Set.of("host", "netns", "ovsdb", "podman", "instance", "wait-for-backends"));
        Target target = target(args);
        Duration wait = seconds(args.option("wait-for-backends", "0"));
        Overlay overlay = Overlay.fromSpec(target.spec());
        String hostName = target.host();
        HostSpec hs = HostCommands.checkHost(overlay, hostName);
        Backends.Options options = Backends.Options.of(args); // checked before anything connects
        try (Backends backends = BackendWait.until(() -> open(overlay, hostName, options), wait,
                text -> console.step(Console.Mark.INFO, hostName + ": " + text, null))) {
            Host host = backends.host(hostName, options);
            // the userspace listen sockets too: a port held by another process is refused before the apply
            List<InvalidSpecException.Problem> conflicts = overlay.conflicts(host, hs.forwards(ForwardSpec.Mode.USERSPACE));
            if (!conflicts.isEmpty()) {
                throw new InvalidSpecException(conflicts);
            }
            HostCommands.apply(overlay, host, console);
            List<AutoCloseable> running = new ArrayList<>();
            AgentStateFile stateFile = AgentStateFile.of(host, overlay.spec().name());
            EncryptionHealth encryption = !overlay.spec().encrypted() ? EncryptionHealth.NONE
                    : () -> overlay.tunnels(host).stream().map(io.overlaykit.core.plan.TunnelStatus::toMap).toList();
            AgentReporter reporter = new AgentReporter(stateFile, overlay.spec().name(), hostName, encryption);
            try {
                for (ForwardSpec f : hs.forwards(ForwardSpec.Mode.USERSPACE)) {
                    // Both ends in the host's namespace: the target is reached through the host's gateway.
                    PortForward forward = PortForward.tcp(new InetSocketAddress(f.listen().address(), f.listen().port()),
                                    new InetSocketAddress(f.target().address(), f.target().port()))
                            .listenNamespace(host.namespace()).targetNamespace(host.namespace())
                            .namespaces(backends.stack().namespaces()).proxyProtocol(f.proxyProtocol()).start();
                    running.add(forward);
                    reporter.served(f.listen().toString(), f.target().toString(), forward);
                    console.step(Console.Mark.CHANGED, hostName + ": serving userspace forward " + f, null);
                }
                if (overlay.spec().names().serve()) {
                    running.add(io.overlaykit.samples.agent.NameServer.start(overlay.spec(), hostName,
                            backends.stack().namespaces(), host.namespace(), 53));
                    console.step(Console.Mark.CHANGED, hostName + ": serving DNS for " + overlay.spec().domain()
                            + " on the gateway", null);
                }
                running.add(overlay.watch(host, r -> {
                    reporter.rewired(r);
                    console.step(r.isUnchanged() ? Console.Mark.UNCHANGED : Console.Mark.CHANGED,
                            hostName + ": container restarted, re-applied: " + r, r.took());
                }, e -> {
                    // Either a re-apply failed or the event stream ended (watch resubscribes by itself);
                    // the exception's own text says which.
                    reporter.rewireFailed(OverlayCli.message(e));
                    console.error(hostName + ": watch: " + OverlayCli.message(e));
                }));
                console.result(Map.of("event", "serving", "host", hostName, "forwards",
                        hs.forwards(ForwardSpec.Mode.USERSPACE).size(), "state", stateFile.path().toString()),
                        "serving spec " + overlay.spec().name() + " on host " + hostName + "; Ctrl-C stops");
                ForwardCommand.waitForInterrupt();
            } finally {
                for (int i = running.size() - 1; i >= 0; i--) { // the watch first, then the forwards
                    try {
                        running.get(i).close();
                    } catch (Exception e) {
                        console.error("stopping " + running.get(i) + ": " + e.getMessage());
                    }
                }
                reporter.close(); // the final report: stopped, with the forwards' last counters
            }
            if (args.flag("teardown-on-exit")) {
                HostCommands.teardown(overlay, host, console);
            }
            console.result(Map.of("event", "stopped", "host", hostName), "stopped serving " + hostName);
        }
        return OverlayCli.OK;
    }

    /** The backends with this host built: what the bounded wait retries. */
    private static Backends open(Overlay overlay, String hostName, Backends.Options options) {
        Backends b = new Backends(overlay.spec());
        try {
            b.host(hostName, options);
            return b;
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    private static Target target(Args args) {
        String instance = args.option("instance");
        if (instance != null) {
            if (!args.positionals().isEmpty() || args.option("host") != null) {
                throw new InvalidSpecException("--instance", instance, "names spec and host: give no SPEC or --host");
            }
            return Target.ofInstance(instance);
        }
        Path file = Path.of(args.positional(0, "SPEC"));
        String hostName = args.option("host");
        if (hostName == null) {
            throw new InvalidSpecException("--host", null, "is required: which host of the spec is this");
        }
        return new Target(file, hostName);
    }

    private static Duration seconds(String value) {
        try {
            long s = Long.parseLong(value);
            if (s >= 0 && s <= 3600) {
                return Duration.ofSeconds(s);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidSpecException("--wait-for-backends", value, "must be whole seconds, 0 to 3600");
    }
}
