package io.overlaykit.samples.cli;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.PortForward;
import io.overlaykit.core.spec.Endpoint;
import io.overlaykit.netlink.NetlinkStack;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code overlay forward --listen IP:PORT --target IP:PORT [--listen-netns NS] [--target-netns NS]
 * [--proxy-protocol] [--max-connections N]}: a foreground userspace TCP forwarder ({@link PortForward}) until
 * interrupted.
 */
final class ForwardCommand {
    private ForwardCommand() {
    }

    static int run(List<String> argv, Console console) {
        Args args = Args.parse(argv, Set.of("proxy-protocol", "quiet", "json"),
                Set.of("listen", "target", "listen-netns", "target-netns", "max-connections"));
        if (!args.positionals().isEmpty()) {
            throw new io.overlaykit.core.InvalidSpecException("forward", args.positionals().get(0),
                    "unexpected argument");
        }
        Endpoint listen = endpoint(args, "listen");
        Endpoint target = endpoint(args, "target");
        NetNamespace listenNs = namespace("--listen-netns", args.option("listen-netns"));
        NetNamespace targetNs = namespace("--target-netns", args.option("target-netns"));
        int maxConnections = maxConnections(args);
        try (NetlinkStack stack = NetlinkStack.open()) {
            for (Map.Entry<String, NetNamespace> ns : Map.of("--listen-netns", listenNs, "--target-netns", targetNs)
                    .entrySet()) {
                if (!ns.getValue().isCurrent() && !stack.namespaces().exists(ns.getValue())) {
                    throw new io.overlaykit.core.InvalidSpecException(ns.getKey(), ns.getValue().name(),
                            "no such network namespace (ip netns list)");
                }
            }
            return forward(args, listen, target, listenNs, targetNs, maxConnections, stack, console);
        }
    }

    private static int forward(Args args, Endpoint listen, Endpoint target, NetNamespace listenNs,
                               NetNamespace targetNs, int maxConnections, NetlinkStack stack, Console console) {
        PortForward opened;
        try {
            opened = PortForward.tcp(new InetSocketAddress(listen.address(), listen.port()),
                            new InetSocketAddress(target.address(), target.port()))
                    .listenNamespace(listenNs).targetNamespace(targetNs).namespaces(stack.namespaces())
                    .proxyProtocol(args.flag("proxy-protocol")).maxConnections(maxConnections).start();
        } catch (io.overlaykit.core.BackendException e) {
            if (e.getCause() instanceof java.net.BindException bind) { // in use, or no such address here
                throw new io.overlaykit.core.InvalidSpecException("--listen", listen, "cannot listen there: "
                        + bind.getMessage());
            }
            throw e;
        }
        try (PortForward forward = opened) {
            InetSocketAddress local = forward.localAddress();
            String shown = local.getAddress().getHostAddress() + ":" + local.getPort();
            Map<String, Object> started = new LinkedHashMap<>();
            started.put("event", "listening");
            started.put("listen", shown);
            started.put("target", target.toString());
            console.result(started, "forwarding " + shown + (listenNs.isCurrent() ? "" : " in " + listenNs.displayName())
                    + " -> " + target + (targetNs.isCurrent() ? "" : " in " + targetNs.displayName())
                    + (args.flag("proxy-protocol") ? " (PROXY protocol v2)" : "") + "; Ctrl-C stops");
            waitForInterrupt();
            PortForward.Stats s = forward.stats();
            console.result(Map.of("event", "stopped", "accepted", s.accepted(), "bytesToTarget", s.bytesToTarget(),
                    "bytesToClient", s.bytesToClient()), "stopped: " + s.accepted() + " connections, "
                    + s.bytesToTarget() + " bytes to the target, " + s.bytesToClient() + " back");
        }
        return OverlayCli.OK;
    }

    /** {@code --max-connections}: open connections beyond it are refused (default: PortForward's, 4096). */
    private static int maxConnections(Args args) {
        String value = args.option("max-connections", "4096");
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new io.overlaykit.core.InvalidSpecException("--max-connections", value, "must be a whole number of at least 1");
    }

    /** Blocks until this thread is interrupted (Ctrl-C, or a test stopping the command), clearing the flag. */
    static void waitForInterrupt() {
        Object lock = new Object();
        synchronized (lock) {
            try {
                while (true) {
                    lock.wait();
                }
            } catch (InterruptedException e) {
                // asked to stop
            }
        }
    }

    private static Endpoint endpoint(Args args, String option) {
        String value = args.option(option);
        if (value == null) {
            throw new io.overlaykit.core.InvalidSpecException("--" + option, null, "is required (IP:PORT)");
        }
        try {
            return Endpoint.parse(value);
        } catch (io.overlaykit.core.InvalidSpecException e) {
            throw new io.overlaykit.core.InvalidSpecException("--" + option, value, e.problems().get(0).reason());
        }
    }

    private static NetNamespace namespace(String option, String name) {
        if (name == null) {
            return NetNamespace.current();
        }
        try {
            return NetNamespace.named(name);
        } catch (io.overlaykit.core.InvalidSpecException e) {
            throw new io.overlaykit.core.InvalidSpecException(option, name, e.problems().get(0).reason());
        }
    }
}
