package io.overlaykit.core;

import io.overlaykit.core.internal.forward.ForwardCounters;
import io.overlaykit.core.internal.forward.ForwardEngine;
import io.overlaykit.core.internal.forward.ForwardSettings;
import io.overlaykit.core.spi.Namespaces;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A userspace TCP forward (the seed's {@code tcpforward}, docker-proxy's job): accepts clients on a
 * listen address and relays each to a target, optionally across network namespaces. Non-blocking NIO
 * on one selector thread (or a few, see {@link Builder#selectorThreads}), pooled direct buffers, back-pressure, half-close passed through, connect and
 * idle timeouts, a connection cap, and an optional PROXY protocol v2 header so the target learns the
 * real client address.
 *
 * <pre>{@code
 * try (PortForward fwd = PortForward.tcp(new InetSocketAddress("0.0.0.0", 8080),
 *                                        new InetSocketAddress("10.1.0.5", 80))
 *         .targetNamespace(NetNamespace.named("hostB"))
 *         .namespaces(namespaces)
 *         .start()) {
 *     System.out.println(fwd.localAddress() + " " + fwd.stats());
 * }
 * }</pre>
 *
 * A handle: {@link #close()} stops accepting, closes every connection and joins the selector thread(s);
 * it is idempotent.
 */
public final class PortForward implements AutoCloseable {
    private final ForwardSettings settings;
    private final ForwardCounters counters;
    private final List<ForwardEngine> engines;

    private PortForward(ForwardSettings settings, ForwardCounters counters, List<ForwardEngine> engines) {
        this.settings = settings;
        this.counters = counters;
        this.engines = List.copyOf(engines);
    }

    /** Starts describing a TCP forward from {@code listen} (port 0 picks a free port) to {@code target}. */
    public static Builder tcp(InetSocketAddress listen, InetSocketAddress target) {
        return new Builder(listen, target);
    }

    /** The address clients connect to; the actual port when port 0 was asked for. */
    public InetSocketAddress localAddress() {
        return engines.get(0).localAddress();
    }

    /** Where connections are relayed to. */
    public InetSocketAddress target() {
        return settings.target();
    }

    /** The namespace the listening socket lives in. */
    public NetNamespace listenNamespace() {
        return settings.listenNamespace();
    }

    /** The namespace the upstream sockets are opened in. */
    public NetNamespace targetNamespace() {
        return settings.targetNamespace();
    }

    /** A snapshot of the counters. */
    public Stats stats() {
        ForwardCounters c = counters;
        return new Stats(c.active(), c.accepted(), c.refused(), c.upstreamFailures(), c.timedOut(),
                c.bytesToTarget(), c.bytesToClient());
    }

    /** True until {@link #close()} (or a fatal error) stopped the forward. */
    public boolean isOpen() {
        return engines.stream().allMatch(ForwardEngine::isRunning);
    }

    /** Stops accepting, closes every connection and waits for the selector threads. Idempotent. */
    @Override
    public void close() {
        engines.forEach(ForwardEngine::stop); // all listeners stop together, then wait for each thread
        engines.forEach(ForwardEngine::close);
    }

    @Override
    public String toString() {
        return "PortForward[" + localAddress() + " -> " + settings.target()
                + (settings.targetNamespace().isCurrent() ? "" : " in " + settings.targetNamespace().displayName())
                + (isOpen() ? "" : ", closed") + "]";
    }

    /**
     * Counters of a forward.
     *
     * @param active           connections open now (including those still connecting upstream)
     * @param accepted         clients accepted and forwarded since start
     * @param refused          clients closed at once because {@code maxConnections} was reached
     * @param upstreamFailures upstream connects refused, unreachable or timed out
     * @param timedOut         connections closed by the connect or the idle timeout
     * @param bytesToTarget    payload bytes relayed from clients to the target
     * @param bytesToClient    payload bytes relayed from the target to clients
     */
    public record Stats(int active, long accepted, long refused, long upstreamFailures, long timedOut,
            long bytesToTarget, long bytesToClient) {
    }

    /** Options of a forward; {@link #start()} validates them all at once and binds. */
    public static final class Builder {
        private final InetSocketAddress listen;
        private final InetSocketAddress target;
        private NetNamespace listenNamespace = NetNamespace.current();
        private NetNamespace targetNamespace = NetNamespace.current();
        private Namespaces namespaces;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ZERO;
        private int maxConnections = 4096;
        private int bufferSize = 256 * 1024;
        private int backlog = 1024;
        private boolean proxyProtocol;
        private int selectorThreads = 1;

        private Builder(InetSocketAddress listen, InetSocketAddress target) {
            this.listen = listen;
            this.target = target;
        }

        /** Namespace to listen in (default: the current one); needs {@link #namespaces}. */
        public Builder listenNamespace(NetNamespace ns) {
            this.listenNamespace = Objects.requireNonNull(ns, "listenNamespace");
            return this;
        }

        /** Namespace from which the target is reachable (default: the current one); needs {@link #namespaces}. */
        public Builder targetNamespace(NetNamespace ns) {
            this.targetNamespace = Objects.requireNonNull(ns, "targetNamespace");
            return this;
        }

        /**
         * How to enter the namespaces: the listening socket and every upstream socket are opened through
         * {@link Namespaces#callIn}. Without it, sockets are opened on the calling/selector thread.
         */
        public Builder namespaces(Namespaces namespaces) {
            this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
            return this;
        }

        /** How long an upstream connect may take before both sides are closed (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "connectTimeout");
            return this;
        }

        /** Close a connection after this long without a byte in either direction; zero (default) = never. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = Objects.requireNonNull(timeout, "idleTimeout");
            return this;
        }

        /** Clients beyond this many open connections are closed at once (default 4096). */
        public Builder maxConnections(int max) {
            this.maxConnections = max;
            return this;
        }

        /** Size of each pooled direct buffer, one per direction while bytes wait (default 256 KiB). */
        public Builder bufferSize(int bytes) {
            this.bufferSize = bytes;
            return this;
        }

        /** Listen backlog (default 1024; the kernel caps it at {@code net.core.somaxconn}). */
        public Builder backlog(int backlog) {
            this.backlog = backlog;
            return this;
        }

        /** Send a PROXY protocol v2 header with the real client address before the first upstream byte. */
        public Builder proxyProtocol(boolean enabled) {
            this.proxyProtocol = enabled;
            return this;
        }

        /**
         * Number of selector threads (default 1). More than one binds one listener per thread with
         * {@code SO_REUSEPORT} and lets the kernel spread clients over them: worth it only with many
         * busy connections and idle cores, since one thread already moves several Gbit/s.
         */
        public Builder selectorThreads(int threads) {
            this.selectorThreads = threads;
            return this;
        }

        /**
         * Binds the listen address and starts forwarding.
         *
         * @throws InvalidSpecException when an option is invalid (every problem listed)
         * @throws BackendException     when the address cannot be bound
         */
        public PortForward start() {
            ForwardSettings settings = validate();
            ForwardCounters counters = new ForwardCounters();
            List<ForwardEngine> engines = new ArrayList<>();
            try {
                engines.add(ForwardEngine.start(settings, counters, settings.listen(), 0));
                for (int i = 1; i < settings.selectorThreads(); i++) {
                    // the others bind the port the first one got (port 0 picks it)
                    engines.add(ForwardEngine.start(settings, counters, engines.get(0).localAddress(), i));
                }
            } catch (RuntimeException | Error e) {
                engines.forEach(ForwardEngine::close); // a partial start undoes itself
                throw e;
            }
            return new PortForward(settings, counters, engines);
        }

        private ForwardSettings validate() {
            List<InvalidSpecException.Problem> problems = new ArrayList<>();
            if (listen == null || listen.isUnresolved()) {
                problems.add(problem("portForward.listen", listen, "must be a resolved socket address"));
            }
            if (target == null || target.isUnresolved() || target.getPort() == 0) {
                problems.add(problem("portForward.target", target, "must be a resolved address with a port 1.." + Ports.MAX));
            }
            if (namespaces == null && !(listenNamespace.isCurrent() && targetNamespace.isCurrent())) {
                problems.add(problem("portForward.namespaces", null,
                        "required to enter namespace " + (listenNamespace.isCurrent() ? targetNamespace : listenNamespace)
                                .displayName()));
            }
            if (connectTimeout.isZero() || connectTimeout.isNegative()) {
                problems.add(problem("portForward.connectTimeout", connectTimeout, "must be positive"));
            }
            if (idleTimeout.isNegative()) {
                problems.add(problem("portForward.idleTimeout", idleTimeout, "must be zero (none) or positive"));
            }
            if (maxConnections < 1) {
                problems.add(problem("portForward.maxConnections", maxConnections, "must be at least 1"));
            }
            if (bufferSize < 1024 || bufferSize > 64 * 1024 * 1024) {
                problems.add(problem("portForward.bufferSize", bufferSize, "must be between 1 KiB and 64 MiB"));
            }
            if (selectorThreads < 1 || selectorThreads > 64) {
                problems.add(problem("portForward.selectorThreads", selectorThreads, "must be between 1 and 64"));
            }
            if (backlog < 1) {
                problems.add(problem("portForward.backlog", backlog, "must be at least 1"));
            }
            if (!problems.isEmpty()) {
                throw new InvalidSpecException(problems);
            }
            return new ForwardSettings(listen, target, listenNamespace, targetNamespace, namespaces,
                    connectTimeout.toNanos(), idleTimeout.toNanos(), maxConnections, bufferSize, backlog,
                    proxyProtocol, selectorThreads);
        }

        private static InvalidSpecException.Problem problem(String path, Object value, String reason) {
            return new InvalidSpecException.Problem(path, value == null ? null : String.valueOf(value), reason);
        }
    }
}
