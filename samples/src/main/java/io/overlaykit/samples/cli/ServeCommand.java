package io.overlaykit.samples.cli;

import io.overlaykit.core.Host;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.PortForward;
import io.overlaykit.core.spec.ForwardSpec;
import io.overlaykit.core.spec.HostSpec;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code overlay serve SPEC --host NAME [--teardown-on-exit]}: the host agent. Applies the host's part,
 * runs its userspace forwards, and re-wires containers that restart (a restarted container has a new,
 * empty network namespace) until interrupted; then stops the forwards and, when asked, tears down.
 */
final class ServeCommand {
    private ServeCommand() {
    }

    static int run(List<String> argv, Console console) {
        Args args = Args.parse(argv, Set.of("teardown-on-exit", "quiet", "json"),
                Set.of("host", "netns", "ovsdb", "podman"));
        Path file = Path.of(args.positional(0, "SPEC"));
        String hostName = args.option("host");
        if (hostName == null) {
            throw new InvalidSpecException("--host", null, "is required: which host of the spec is this");
        }
        Overlay overlay = Overlay.fromSpec(file);
        HostSpec hs = HostCommands.checkHost(overlay, hostName);
        try (Backends backends = new Backends(overlay.spec())) {
            Host host = backends.host(hostName, Backends.Options.of(args));
            HostCommands.apply(overlay, host, console);
            List<AutoCloseable> running = new ArrayList<>();
            try {
                for (ForwardSpec f : hs.forwards(ForwardSpec.Mode.USERSPACE)) {
                    // Both ends in the host's namespace: the target is reached through the host's gateway.
                    running.add(PortForward.tcp(new InetSocketAddress(f.listen().address(), f.listen().port()),
                                    new InetSocketAddress(f.target().address(), f.target().port()))
                            .listenNamespace(host.namespace()).targetNamespace(host.namespace())
                            .namespaces(backends.stack().namespaces()).proxyProtocol(f.proxyProtocol()).start());
                    console.step(Console.Mark.CHANGED, hostName + ": serving userspace forward " + f, null);
                }
                running.add(overlay.watch(host,
                        r -> console.step(r.isUnchanged() ? Console.Mark.UNCHANGED : Console.Mark.CHANGED,
                                hostName + ": container restarted, re-applied: " + r, r.took()),
                        // Either a re-apply failed or the event stream ended (watch resubscribes by itself);
                        // the exception's own text says which.
                        e -> console.error(hostName + ": watch: " + OverlayCli.message(e))));
                console.result(Map.of("event", "serving", "host", hostName, "forwards",
                        hs.forwards(ForwardSpec.Mode.USERSPACE).size()), "serving spec " + overlay.spec().name()
                        + " on host " + hostName + "; Ctrl-C stops");
                ForwardCommand.waitForInterrupt();
            } finally {
                for (AutoCloseable c : running) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        console.error("stopping " + c + ": " + e.getMessage());
                    }
                }
            }
            if (args.flag("teardown-on-exit")) {
                HostCommands.teardown(overlay, host, console);
            }
            console.result(Map.of("event", "stopped", "host", hostName), "stopped serving " + hostName);
        }
        return OverlayCli.OK;
    }
}
