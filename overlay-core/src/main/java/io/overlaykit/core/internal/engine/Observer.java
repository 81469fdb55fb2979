package io.overlaykit.core.internal.engine;

import io.overlaykit.core.Host;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.NamespaceView;
import io.overlaykit.core.spi.OverlaySwitch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one host once for one spec: the state file, the host namespace (one read per kind), the
 * containers (one list by our labels, one inspect per existing container), each running spec container's
 * namespace, sysctls, resolv.conf, /etc/hosts and (where ingress needs it) firewall tables, the host's sysctls and
 * firewall tables, and the switch's view of the spec's bridge.
 */
public final class Observer {
    private Observer() {
    }

    /** The snapshot the planner needs for {@code spec} on {@code host}. */
    public static HostSnapshot observe(OverlaySpec spec, Host host, OverlaySwitch sw) {
        HostSpec hs = spec.host(host.name());
        HostSnapshot snap = base(spec, host, hs.containers(), true);
        snap.switchView = sw.observe(HostPlanner.intent(spec, host.name(), snap), snap);
        return snap;
    }

    /**
     * The snapshot teardown needs: state, host namespace, our containers, the existing containers of the
     * spec (for what we put into them) and the host's firewall tables; no switch view.
     */
    public static HostSnapshot observeForTeardown(OverlaySpec spec, Host host) {
        List<ContainerSpec> existing = spec.hosts().stream().filter(h -> h.name().equals(host.name()))
                .flatMap(h -> h.containers().stream()).filter(ContainerSpec::existing).toList();
        return base(spec, host, existing, false);
    }

    private static HostSnapshot base(OverlaySpec spec, Host host, List<ContainerSpec> specContainers, boolean forApply) {
        Names names = Names.of(spec.name());
        Map<String, String> state = new HostStateFile(host.stateDir(spec.name())).read();
        NamespaceView hostView = host.links().observe();
        Map<String, ContainerInfo> containers = new HashMap<>();
        if (forApply && !specContainers.isEmpty()) {
            host.containers(); // no runtime for a spec with containers: say so before anything else
        }
        if (host.hasContainers()) {
            for (ContainerInfo ci : host.containers().list(names.labels(host.name()))) {
                containers.put(ci.name(), ci);
            }
            for (ContainerSpec c : specContainers) {
                if (c.existing()) {
                    host.containers().inspect(c.name()).ifPresent(ci -> containers.put(c.name(), ci));
                }
            }
        }
        Map<String, NamespaceView> views = new HashMap<>();
        Map<Target, Map<String, String>> sysctls = new HashMap<>();
        Map<Target, List<String>> tables = new HashMap<>();
        Map<String, String> resolv = new HashMap<>();
        Map<String, String> hostsFiles = new HashMap<>();
        for (ContainerSpec c : specContainers) {
            String pod = names.runtimeName(c);
            ContainerInfo ci = containers.get(pod);
            if (ci == null || !ci.running()) {
                continue;
            }
            NetNamespace ns = ci.namespace();
            Target t = Target.container(pod);
            views.put(pod, host.links(ns).observe());
            boolean ingress = forApply ? !IngressPlanner.ingressHosts(spec, host.name(), c).isEmpty() : c.existing();
            if (forApply) {
                sysctls.put(t, host.namespaces().readSysctls(ns, ContainerPlanner.sysctls(spec).keySet()));
            }
            if (ingress) {
                tables.put(t, host.stack().firewall(ns).tables());
            }
            if (forApply && DnsPlanner.wanted(spec)) {
                resolv.put(pod, read(host.containerRoot(ci).resolve(DnsPlanner.RESOLV_CONF)));
            }
            if (forApply || c.existing()) {
                hostsFiles.put(pod, read(host.containerRoot(ci).resolve(HostsFilePlanner.HOSTS)));
            }
        }
        if (forApply) {
            sysctls.put(Target.HOST, host.namespaces().readSysctls(host.namespace(), spec.hasIpv6()
                    ? List.of(EgressPlanner.IP_FORWARD, EgressPlanner.IP6_FORWARD) : List.of(EgressPlanner.IP_FORWARD)));
        }
        tables.put(Target.HOST, host.firewall().tables());
        HostSnapshot snap = new HostSnapshot(host, hostView, containers, views, sysctls, tables, resolv, state);
        snap.hostsFiles.putAll(hostsFiles);
        return snap;
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            throw new OverlayException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }
}
