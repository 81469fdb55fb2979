package io.overlaykit.core.internal.engine;

import io.overlaykit.core.BatchException;
import io.overlaykit.core.Host;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.SwitchChange;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.core.spi.NetOp;
import io.overlaykit.core.spi.OverlaySwitch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Sends one batch of a plan's changes to the backend they belong to, resolving container namespaces
 * as containers start. A failure is a {@link BatchException} that says which changes of the batch took
 * effect, or (for a single change) the backend's own exception.
 */
final class ChangeRunner {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);

    private final Host host;
    private final OverlaySwitch sw;
    private final HostStateFile stateFile;
    private final Map<String, String> state;
    private final Map<String, ContainerInfo> running;

    ChangeRunner(Host host, OverlaySwitch sw, HostStateFile stateFile, Map<String, String> state,
                 Map<String, ContainerInfo> running) {
        this.host = host;
        this.sw = sw;
        this.stateFile = stateFile;
        this.state = new TreeMap<>(state);
        this.running = running;
    }

    /** Changes with the same key run as one batch; null: this change runs alone. */
    static String batchKey(Change c) {
        if (c instanceof Change.Net n) {
            return "net|" + n.target();
        }
        if (c instanceof Change.Veth v) {
            return "net|" + v.target();
        }
        if (c instanceof Change.Sysctl s) {
            return "sysctl|" + s.target();
        }
        if (c instanceof SwitchChange) {
            return "switch";
        }
        if (c instanceof Change.State) {
            return "state";
        }
        return null;
    }

    void run(List<Change> batch) {
        Change first = batch.get(0);
        if (first instanceof Change.Net || first instanceof Change.Veth) {
            net(batch);
        } else if (first instanceof Change.Sysctl) {
            sysctls(batch);
        } else if (first instanceof SwitchChange) {
            if (sw == null) {
                throw new OverlayException("host " + host.name() + " has no switch backend for " + first.describe());
            }
            sw.execute(batch.stream().map(c -> (SwitchChange) c).toList());
        } else if (first instanceof Change.State) {
            state(batch);
        } else if (batch.size() == 1) {
            single(first);
        } else {
            throw new IllegalArgumentException("changes of kind " + first.getClass().getSimpleName() + " run alone");
        }
    }

    private void net(List<Change> batch) {
        Target target = batch.get(0) instanceof Change.Net n ? n.target() : ((Change.Veth) batch.get(0)).target();
        NetNamespace ns = namespace(target);
        List<NetOp> ops = new ArrayList<>(batch.size());
        for (Change c : batch) {
            if (c instanceof Change.Net n) {
                ops.add(n.op());
            } else {
                Change.Veth v = (Change.Veth) c;
                VethPair p = v.pair();
                ops.add(new NetOp.CreateVeth(new VethPair(p.name(), p.peerName(), namespace(v.peerTarget()), p.mtu(),
                        p.peerMac(), p.alias())));
            }
        }
        host.links(ns).execute(ops);
    }

    private void sysctls(List<Change> batch) {
        Target target = ((Change.Sysctl) batch.get(0)).target();
        NetNamespace ns = namespace(target);
        Map<String, String> values = new LinkedHashMap<>();
        for (Change c : batch) {
            Change.Sysctl s = (Change.Sysctl) c;
            values.put(s.key(), s.value());
        }
        Map<String, String> before = host.namespaces().writeSysctls(ns, values);
        Set<Integer> applied = new TreeSet<>();
        for (int k = 0; k < batch.size(); k++) {
            Change.Sysctl s = (Change.Sysctl) batch.get(k);
            if (before.get(s.key()) == null && !s.ifPresent()) {
                throw new BatchException("sysctl " + s.key() + " does not exist in " + ns.displayName(),
                        new NotFoundException("sysctl " + s.key() + " does not exist in " + ns.displayName()
                                + " (" + target + ")"), applied, k);
            }
            applied.add(k);
        }
    }

    private void state(List<Change> batch) {
        Map<String, String> next = new TreeMap<>(state);
        for (Change c : batch) {
            Change.State s = (Change.State) c;
            if (s.value() == null) {
                next.remove(s.key());
            } else {
                next.put(s.key(), s.value());
            }
        }
        stateFile.write(next);
        state.clear();
        state.putAll(next);
    }

    private void single(Change c) {
        if (c instanceof Change.Firewall f) {
            var fw = host.stack().firewall(namespace(f.target()));
            if (f.table() == null) {
                fw.deleteTable(f.name());
            } else {
                fw.replaceTable(f.table());
            }
        } else if (c instanceof Change.Container k) {
            container(k);
        } else if (c instanceof Change.File f) {
            file(f);
        } else if (c instanceof Change.WireGuard w) {
            host.wireguard().configure(namespace(w.target()), w.link(), w.config());
        } else {
            throw new IllegalArgumentException("no runner for " + c.getClass().getName());
        }
    }

    private void container(Change.Container c) {
        var runtime = host.containers();
        switch (c.action()) {
            case RUN -> running.put(c.name(), runtime.run(c.request()));
            case START -> running.put(c.name(), runtime.start(c.name()));
            case STOP -> {
                runtime.stop(c.name(), STOP_TIMEOUT);
                running.remove(c.name());
            }
            case REMOVE -> {
                runtime.remove(c.name());
                running.remove(c.name());
            }
            case REQUIRE_RUNNING -> {
                ContainerInfo ci = runtime.inspect(c.name()).filter(ContainerInfo::running)
                        .orElseThrow(() -> new NotFoundException("container " + c.name()
                                + " is marked \"existing\" in the spec but is not running on host " + host.name()));
                running.put(c.name(), ci);
            }
        }
    }

    private void file(Change.File f) {
        ContainerInfo ci = container(f.target());
        Path p = host.containerRoot(ci).resolve(f.path());
        try {
            if (f.content() == null) {
                Files.deleteIfExists(p);
            } else {
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.content(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new OverlayException("cannot " + (f.content() == null ? "remove " : "write ") + p + ": "
                    + e.getMessage(), e);
        }
    }

    private ContainerInfo container(Target t) {
        ContainerInfo ci = running.get(t.container());
        if (ci == null) {
            throw new NotFoundException("container " + t.container() + " is not running on host " + host.name());
        }
        return ci;
    }

    private NetNamespace namespace(Target t) {
        return t.isHost() ? host.namespace() : container(t).namespace();
    }
}
