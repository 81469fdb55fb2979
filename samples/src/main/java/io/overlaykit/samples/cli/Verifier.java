package io.overlaykit.samples.cli;

import io.overlaykit.core.Host;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.check.CheckReport;
import io.overlaykit.core.check.ConnectivityCheck;
import io.overlaykit.core.check.Endpoint;
import io.overlaykit.core.check.Probe;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.ForwardSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.Namespaces;
import io.overlaykit.samples.Probes;
import io.overlaykit.testkit.Lab;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The connectivity matrix of {@code overlay verify}: every container of the given hosts to every container
 * (ICMP and TCP, across hosts), to its host's gateway, to {@code outside} (on a lab), and each forward from
 * {@code outside} to its target. On a real host only that host's namespaces are at hand, so only its own
 * containers and gateway are probed.
 */
final class Verifier {
    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private Verifier() {
    }

    static CheckReport verify(OverlaySpec spec, Backends backends, List<HostSpec> hosts, Backends.Options options) {
        Overlay overlay = Overlay.of(spec);
        Lab lab = backends.lab();
        List<HostSpec> reachable = lab != null ? spec.hosts() : hosts;
        Namespaces namespaces = backends.stack().namespaces();
        ConnectivityCheck check = new ConnectivityCheck(namespaces, 4);
        List<Endpoint> sources = new ArrayList<>();
        List<Endpoint> containers = new ArrayList<>();
        List<Endpoint> sources6 = new ArrayList<>();
        List<Endpoint> containers6 = new ArrayList<>();
        List<Probe> rows = new ArrayList<>();
        for (HostSpec h : reachable) {
            Host host = backends.host(h.name(), lab != null ? Backends.Options.NONE : options);
            List<Endpoint> own = new ArrayList<>();
            for (ContainerSpec c : h.containers()) {
                String podName = overlay.containerName(c.name());
                ContainerInfo ci = host.containers().inspect(podName).filter(ContainerInfo::running).orElse(null);
                if (ci == null) {
                    rows.add(new Probe(c.name(), "-", Probe.Kind.ICMP, false, 0, "container " + podName
                            + " is not running on " + h.name()));
                    continue;
                }
                Endpoint e = new Endpoint(c.name(), ci.namespace(), c.ip());
                own.add(e);
                containers.add(e);
                if (hosts.contains(h)) {
                    sources.add(e);
                }
                java.net.InetAddress ip6 = spec.ipv6(c);
                if (ip6 != null) { // dual stack: the IPv6 pairs too
                    Endpoint e6 = new Endpoint(c.name() + "/6", ci.namespace(), ip6);
                    containers6.add(e6);
                    if (hosts.contains(h)) {
                        sources6.add(e6);
                    }
                }
            }
            if (hosts.contains(h)) {
                Endpoint gw = new Endpoint("gateway@" + h.name(), host.namespace(), h.gateway());
                rows.addAll(check.check(own, List.of(gw), TIMEOUT).rows());
            }
        }
        rows.addAll(check.check(sources, containers, TIMEOUT).rows());
        if (!containers6.isEmpty()) {
            rows.addAll(check.check(sources6, containers6, TIMEOUT).rows());
        }
        if (lab != null && spec.lab() != null && spec.lab().outside() != null) {
            NetNamespace outsideNs = lab.outside().namespace();
            Endpoint outside = new Endpoint("outside", outsideNs, spec.lab().outside());
            rows.addAll(check.check(sources, List.of(outside), TIMEOUT).rows());
            for (HostSpec h : hosts) {
                for (ForwardSpec f : h.forwards()) {
                    if (f.protocol() == ForwardSpec.Protocol.TCP) {
                        rows.add(forward(namespaces, spec, backends, f, outsideNs));
                    }
                }
            }
        }
        return new CheckReport(rows);
    }

    /**
     * From {@code outside} through a forward's listen address to a server opened in the target container's
     * namespace on the target address, and a line echoed back.
     */
    private static Probe forward(Namespaces namespaces, OverlaySpec spec, Backends backends, ForwardSpec f,
                                 NetNamespace outside) {
        String label = "outside";
        String to = f.listen() + " -> " + f.target();
        long t0 = System.nanoTime();
        try {
            NetNamespace targetNs = containerNamespace(spec, backends, f);
            InetSocketAddress target = new InetSocketAddress(f.target().address(), f.target().port());
            try (ServerSocketChannel server = namespaces.callIn(targetNs, () -> {
                ServerSocketChannel s = ServerSocketChannel.open();
                s.bind(target);
                return s;
            })) {
                Thread echo = new Thread(() -> echoOnce(server), "overlay-verify-echo");
                echo.setDaemon(true);
                echo.start();
                String got = Probes.echo(namespaces, outside,
                        new InetSocketAddress(f.listen().address(), f.listen().port()), "overlay verify");
                long ms = (System.nanoTime() - t0) / 1_000_000;
                return got.equals("overlay verify") ? new Probe(label, to, Probe.Kind.TCP, true, ms, null)
                        : new Probe(label, to, Probe.Kind.TCP, false, ms, "echo mismatch: '" + got + "'");
            }
        } catch (RuntimeException | IOException e) {
            return new Probe(label, to, Probe.Kind.TCP, false, (System.nanoTime() - t0) / 1_000_000,
                    String.valueOf(e.getMessage()));
        }
    }

    private static void echoOnce(ServerSocketChannel server) {
        try (SocketChannel c = server.accept()) {
            c.socket().setSoTimeout((int) TIMEOUT.toMillis());
            byte[] data = c.socket().getInputStream().readAllBytes();
            c.socket().getOutputStream().write(data);
        } catch (IOException e) {
            // the client side reports the failure
        }
    }

    private static NetNamespace containerNamespace(OverlaySpec spec, Backends backends, ForwardSpec f) {
        Overlay overlay = Overlay.of(spec);
        for (HostSpec h : spec.hosts()) {
            for (ContainerSpec c : h.containers()) {
                if (c.ip().equals(f.target().address())) {
                    Host host = backends.host(h.name(), Backends.Options.NONE);
                    String podName = overlay.containerName(c.name());
                    return host.containers().inspect(podName).filter(ContainerInfo::running)
                            .orElseThrow(() -> new NotFoundException("container " + podName + " is not running"))
                            .namespace();
                }
            }
        }
        throw new NotFoundException("no container of spec " + spec.name() + " has the forward's target address "
                + f.target().address().getHostAddress());
    }
}
