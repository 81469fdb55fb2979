package io.overlaykit.core.plan;

import io.overlaykit.core.Host;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.Firewall;
import io.overlaykit.core.spi.Links;
import io.overlaykit.core.spi.OverlaySwitch;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Removes exactly our objects on a host, found by their tags, so it also cleans up after a crashed
 * apply: containers by label, switch bridges by owner, links by alias, our nft table, recorded listen
 * addresses; then puts back {@code ip_forward} and the resolv.conf of existing containers. Every part
 * is attempted; the first failure is thrown at the end with the others suppressed. A clean host is a
 * no-op.
 */
public final class Teardown {
    private static final Logger LOG = System.getLogger(Teardown.class.getName());

    private final OverlaySpec spec;
    private final Host host;
    private final Names names;
    private final HostState state;
    private final List<String> done = new ArrayList<>();
    private final List<RuntimeException> errors = new ArrayList<>();

    private Teardown(OverlaySpec spec, Host host) {
        this.spec = spec;
        this.host = host;
        this.names = Names.of(spec.name());
        this.state = new HostState(host.stateDir(spec.name()));
    }

    /**
     * Tears down {@code spec} on {@code host}; returns what was removed or restored, one line each. Holds
     * the host's state lock throughout, so it never interleaves with an apply of the same spec and host.
     */
    public static List<String> run(OverlaySpec spec, Host host) {
        try (HostLock lock = HostLock.acquire(host.stateDir(spec.name()),
                "teardown of spec " + spec.name() + " on host " + host.name())) {
            return runLocked(spec, host);
        }
    }

    private static List<String> runLocked(OverlaySpec spec, Host host) {
        Teardown t = new Teardown(spec, host);
        t.attempt("containers", t::containers);
        t.attempt("existing containers", t::existingContainers);
        t.attempt("switch", t::overlaySwitch);
        t.attempt("links", t::links);
        t.attempt("firewall", t::firewall);
        t.attempt("listen addresses", t::addresses);
        t.attempt("ip_forward", t::ipForward);
        if (t.errors.isEmpty()) {
            t.attempt("state", t.state::delete);
        }
        if (!t.errors.isEmpty()) {
            RuntimeException first = t.errors.get(0);
            t.errors.subList(1, t.errors.size()).forEach(first::addSuppressed);
            throw first;
        }
        LOG.log(Level.INFO, () -> "spec " + spec.name() + " on host " + host.name() + ": teardown done, "
                + t.done.size() + " actions");
        return List.copyOf(t.done);
    }

    private void attempt(String what, Runnable part) {
        try {
            part.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "teardown of spec " + spec.name() + " on host " + host.name() + ": " + what
                    + ": " + e.getMessage());
            errors.add(e);
        }
    }

    private void containers() {
        if (!host.hasContainers()) {
            return;
        }
        Map<String, String> labels = names.labels(host.name());
        for (ContainerInfo ci : host.containers().list(labels)) {
            if (host.containers().remove(ci.name())) {
                done.add("removed container " + ci.name());
            }
        }
    }

    /** Existing containers keep running: take our table, rules and DNS out of them. */
    private void existingContainers() {
        Optional<HostSpec> hs = spec.hosts().stream().filter(h -> h.name().equals(host.name())).findFirst();
        if (hs.isEmpty() || !host.hasContainers()) {
            return;
        }
        for (ContainerSpec c : hs.get().containers()) {
            if (!c.existing()) {
                continue;
            }
            Optional<ContainerInfo> ci = host.containers().inspect(c.name()).filter(ContainerInfo::running);
            if (ci.isEmpty()) {
                continue;
            }
            NetNamespace ns = ci.get().namespace();
            Firewall fw = host.stack().firewall(ns);
            if (fw.tables().contains(names.firewallTable()) && fw.deleteTable(names.firewallTable())) {
                done.add("removed nft table " + names.firewallTable() + " in " + c.name());
            }
            Links inner = host.links(ns);
            try {
                IngressSteps.removeRules(inner);
            } catch (UnsupportedOperationException e) {
                LOG.log(Level.DEBUG, "no policy rules support: " + e.getMessage());
            }
            state.withPrefix(HostState.SYSCTL_PREFIX + c.name() + "/").forEach((key, value) -> {
                host.namespaces().writeSysctl(ns, key, value);
                state.remove(HostState.SYSCTL_PREFIX + c.name() + "/" + key);
                done.add("restored " + key + "=" + value + " in " + c.name());
            });
            String saved = state.get(HostState.RESOLV_PREFIX + c.name());
            if (saved != null) {
                Dns.restore(Dns.file(host, ci.get()), saved);
                state.remove(HostState.RESOLV_PREFIX + c.name());
                done.add("restored resolv.conf of " + c.name());
            }
        }
    }

    private void overlaySwitch() {
        OverlaySwitch sw;
        try {
            sw = host.overlaySwitch(spec.switchKind());
        } catch (OverlayException e) {
            LOG.log(Level.DEBUG, "no switch backend, skipping bridges: " + e.getMessage());
            return;
        }
        for (InterfaceName b : sw.bridges(names.owner())) {
            if (sw.deleteBridge(b)) {
                done.add("removed " + sw.kind() + " bridge " + b);
            }
        }
    }

    private void links() {
        Links links = host.links();
        for (LinkInfo l : links.list()) {
            if (names.alias().equals(l.alias()) && links.find(l.name()).isPresent() && links.delete(l.name())) {
                done.add("removed " + l.kind() + " " + l.name());
            }
        }
    }

    private void firewall() {
        Firewall fw = host.firewall();
        if (fw.tables().contains(names.firewallTable()) && fw.deleteTable(names.firewallTable())) {
            done.add("removed nft table " + names.firewallTable());
        }
    }

    private void addresses() {
        state.withPrefix(HostState.ADDRESS_PREFIX).forEach((address, link) -> {
            IpPrefix p = new IpPrefix(IpPrefix.parseAddress(address), 32);
            if (host.links().deleteAddress(InterfaceName.of(link), p)) {
                done.add("removed address " + p + " from " + link);
            }
            state.remove(HostState.ADDRESS_PREFIX + address);
        });
    }

    private void ipForward() {
        String previous = state.get(HostState.IP_FORWARD);
        if (previous != null) {
            host.namespaces().writeSysctl(host.namespace(), EgressSteps.IP_FORWARD, previous);
            state.remove(HostState.IP_FORWARD);
            done.add("restored " + EgressSteps.IP_FORWARD + "=" + previous);
        }
    }
}
