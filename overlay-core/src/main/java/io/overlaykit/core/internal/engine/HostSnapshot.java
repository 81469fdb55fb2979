package io.overlaykit.core.internal.engine;

import io.overlaykit.core.Host;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.HostFacts;
import io.overlaykit.core.spi.NamespaceView;
import io.overlaykit.core.spi.SwitchView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One host as observed at the start of an operation: its namespace, the containers of the spec (and their
 * namespaces, sysctls, resolv.conf and firewall tables), the host's sysctls and firewall tables, the state
 * file, and the switch's view. The planner decides from this alone. Facts that not every plan needs (a
 * link's TX checksum offload, a sysctl a backend asks about) are read on first use and remembered.
 */
public final class HostSnapshot implements HostFacts {
    /** What a namespace holds right after a container starts: {@code lo}, down. */
    static final NamespaceView FRESH = new NamespaceView(List.of(new LinkInfo(1, InterfaceName.of("lo"), null,
            65536, MacAddress.ZERO, false, 0, 0, null, null)), List.of(), List.of(), List.of(), List.of(), List.of());

    final Host host;
    final NamespaceView hostView;
    /** Containers of the runtime that matter here, by the runtime's name: ours by label, existing ones by name. */
    final Map<String, ContainerInfo> containers;
    /** Namespace views of the spec's running containers. */
    final Map<String, NamespaceView> containerViews;
    /** Sysctls read eagerly, per target. */
    final Map<Target, Map<String, String>> sysctls;
    /** Firewall tables per target (host, and containers whose tables the plan looks at). */
    final Map<Target, List<String>> tables;
    /** resolv.conf of running containers when the spec sets DNS (null value: no such file). */
    final Map<String, String> resolvConf;
    /** /etc/hosts of running spec containers, by the runtime's name (null value: no such file). */
    final Map<String, String> hostsFiles = new HashMap<>();
    /** The host state file's records. */
    final Map<String, String> state;
    SwitchView switchView = SwitchView.none();

    private final Map<Target, Map<InterfaceName, Boolean>> txMemo = new HashMap<>();
    private final Map<String, Optional<String>> sysctlMemo = new HashMap<>();
    private final Map<InterfaceName, Optional<io.overlaykit.core.spi.WireGuardDevice>> wgMemo = new HashMap<>();

    HostSnapshot(Host host, NamespaceView hostView, Map<String, ContainerInfo> containers,
                 Map<String, NamespaceView> containerViews, Map<Target, Map<String, String>> sysctls,
                 Map<Target, List<String>> tables, Map<String, String> resolvConf, Map<String, String> state) {
        this.host = host;
        this.hostView = hostView;
        this.containers = Map.copyOf(containers);
        this.containerViews = Map.copyOf(containerViews);
        this.sysctls = sysctls;
        this.tables = tables;
        this.resolvConf = resolvConf;
        this.state = Map.copyOf(state);
    }

    /** The container if it runs. */
    Optional<ContainerInfo> running(String name) {
        return Optional.ofNullable(containers.get(name)).filter(ContainerInfo::running);
    }

    /** Firewall tables of a target as observed (empty when not observed or the container is not running). */
    List<String> tables(Target t) {
        return tables.getOrDefault(t, List.of());
    }

    /** An eagerly read sysctl (null: absent, or not read). */
    String eagerSysctl(Target t, String key) {
        return sysctls.getOrDefault(t, Map.of()).get(key);
    }

    @Override
    public NamespaceView namespace(Target target) {
        if (target.isHost()) {
            return hostView;
        }
        NamespaceView v = containerViews.get(target.container());
        return v != null ? v : FRESH;
    }

    /** The host's WireGuard interface {@code link} as configured now (read on first use); empty: not reachable. */
    synchronized Optional<io.overlaykit.core.spi.WireGuardDevice> wireguard(InterfaceName link) {
        return wgMemo.computeIfAbsent(link, l -> host.wireguard().read(host.namespace(), l));
    }

    /** Read for every link of a namespace at once, the first time a backend asks about one of them. */
    @Override
    public synchronized Optional<Boolean> txChecksum(Target target, InterfaceName link) {
        if (namespace(target).link(link).isEmpty()) {
            return Optional.empty();
        }
        Map<InterfaceName, Boolean> all = txMemo.computeIfAbsent(target, t -> host.links(namespaceOf(t))
                .txChecksums(namespace(t).links().stream().map(LinkInfo::name).toList()));
        return Optional.ofNullable(all.get(link));
    }

    @Override
    public synchronized Optional<String> sysctl(Target target, String key) {
        Map<String, String> eager = sysctls.get(target);
        if (eager != null && eager.containsKey(key)) {
            return Optional.ofNullable(eager.get(key));
        }
        return sysctlMemo.computeIfAbsent(target + "|" + key, k -> {
            if (!target.isHost() && running(target.container()).isEmpty()) {
                return Optional.empty();
            }
            return Optional.ofNullable(host.namespaces().readSysctls(namespaceOf(target), List.of(key)).get(key));
        });
    }

    private NetNamespace namespaceOf(Target t) {
        if (t.isHost()) {
            return host.namespace();
        }
        return running(t.container()).map(ContainerInfo::namespace)
                .orElseThrow(() -> new OverlayException("container " + t.container() + " is not running"));
    }
}
