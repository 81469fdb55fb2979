package io.overlaykit.samples.cli;

import io.overlaykit.core.Host;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spec.SwitchKind;
import io.overlaykit.core.spi.OverlaySwitch;
import io.overlaykit.netlink.NetlinkStack;
import io.overlaykit.ovs.OvsdbRemote;
import io.overlaykit.podman.PodmanClient;
import io.overlaykit.samples.Switches;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The backends of the hosts one command works on: one netlink stack, a podman client per socket, an OVS
 * connection per host; closed together. When a lab of the spec's name runs ({@code overlay lab up}), a host
 * without explicit endpoints is that lab's host, reached through {@link Lab#attach}; otherwise the endpoints are
 * the host's usual ones.
 */
final class Backends implements AutoCloseable {
    private final OverlaySpec spec;
    private final Lab lab;
    private final NetlinkStack stack = NetlinkStack.open();
    private final Map<Path, PodmanClient> podmans = new LinkedHashMap<>();
    private final List<OverlaySwitch> switches = new ArrayList<>();
    private final Map<String, Host> hosts = new LinkedHashMap<>();

    /** Explicit endpoints from the command line; null fields mean "find them". */
    record Options(String netns, String ovsdb, String podman, io.overlaykit.core.Secret privateKey) {
        static final Options NONE = new Options(null, null, null, null);

        /**
         * The endpoint options of {@code args}, checked before anything connects: a namespace that does not
         * exist, a malformed OVSDB remote or a path that is no Unix socket is invalid input (exit 2).
         */
        static Options of(Args args) {
            Options o = new Options(args.option("netns"), args.option("ovsdb"), args.option("podman"),
                    args.option("private-key") == null ? null : PrivateKeyFile.read(args.option("private-key")));
            if (o.netns != null) {
                NetNamespace ns = named("--netns", o.netns);
                if (!Files.exists(ns.path())) {
                    throw new InvalidSpecException("--netns", o.netns, "no such network namespace (ip netns list)");
                }
            }
            if (o.ovsdb != null) {
                OvsdbRemote remote;
                try {
                    remote = OvsdbRemote.parse(o.ovsdb);
                } catch (InvalidSpecException e) {
                    throw new InvalidSpecException("--ovsdb", o.ovsdb, e.problems().get(0).reason());
                }
                if (remote.kind() == OvsdbRemote.Kind.UNIX) {
                    requireSocket("--ovsdb", o.ovsdb, remote.path());
                }
            }
            if (o.podman != null) {
                requireSocket("--podman", o.podman, Path.of(o.podman));
            }
            return o;
        }

        private static NetNamespace named(String option, String name) {
            try {
                return NetNamespace.named(name);
            } catch (InvalidSpecException e) {
                throw new InvalidSpecException(option, name, e.problems().get(0).reason());
            }
        }

        private static void requireSocket(String option, String value, Path socket) {
            String problem = SocketFiles.problem(socket);
            if (problem != null) {
                throw new InvalidSpecException(option, value, problem);
            }
        }
    }

    Backends(OverlaySpec spec) {
        this.spec = spec;
        this.lab = Lab.exists(spec.name()) ? Lab.attach(spec.name()) : null;
    }

    /** The running lab of this spec (attached; closed with these backends), or null. */
    Lab lab() {
        return lab;
    }

    NetlinkStack stack() {
        return stack;
    }

    /** The core host for {@code name} of the spec (built once per command; the first options win). */
    Host host(String name, Options o) {
        Host h = hosts.get(name);
        if (h == null) {
            h = build(name, o);
            hosts.put(name, h);
        }
        return h;
    }

    private Host build(String name, Options o) {
        spec.host(name); // NotFoundException names the spec's hosts
        boolean inLab = lab != null && o.ovsdb() == null && o.podman() == null;
        LabHost labHost = inLab ? lab.host(name) : null;
        NetNamespace ns = o.netns() != null ? NetNamespace.named(o.netns())
                : inLab ? labHost.namespace() : NetNamespace.current();
        Host.Builder b = Host.builder(name).namespace(ns).stack(stack)
                .containers(podman(inLab ? lab.podmanSocket() : o.podman() != null ? Path.of(o.podman())
                        : PodmanClient.defaultSocket()));
        if (inLab) {
            b.stateRoot(lab.stateRoot());
        }
        if (o.privateKey() != null) {
            b.wireguardPrivateKey(o.privateKey());
        }
        if (spec.switchKind() == SwitchKind.OVS) {
            OverlaySwitch sw = Switches.ovs(inLab ? labHost.ovsdbRemote()
                    : o.ovsdb() != null ? o.ovsdb() : Switches.DEFAULT_OVSDB, inLab ? "netdev" : "system");
            switches.add(sw);
            b.ovs(sw);
        }
        if (spec.switchKind() == SwitchKind.OVN) {
            // the databases are the spec's; in a lab the sockets to them are opened inside the lab host's namespace
            io.overlaykit.ovs.OvsdbClientOptions remote = io.overlaykit.ovs.OvsdbClientOptions.defaults();
            if (!ns.isCurrent()) {
                remote = remote.withSocketOpener(() -> stack.namespaces().callIn(ns,
                        java.nio.channels.SocketChannel::open));
            }
            OverlaySwitch sw = io.overlaykit.ovn.OvnSwitch.connect(io.overlaykit.ovn.OvnSwitch.Config.of(name,
                    spec.ovn(), inLab ? "netdev" : "system"), io.overlaykit.ovs.OvsdbRemote.parse(inLab
                    ? labHost.ovsdbRemote() : o.ovsdb() != null ? o.ovsdb() : Switches.DEFAULT_OVSDB), remote);
            switches.add(sw);
            b.ovn(sw);
        }
        return b.build();
    }

    PodmanClient podman(Path socket) {
        return podmans.computeIfAbsent(socket, PodmanClient::connect);
    }

    @Override
    public void close() {
        switches.forEach(OverlaySwitch::close);
        podmans.values().forEach(PodmanClient::close);
        stack.close();
        if (lab != null) {
            lab.close(); // attached: closes our connections, the lab keeps running
        }
    }
}
