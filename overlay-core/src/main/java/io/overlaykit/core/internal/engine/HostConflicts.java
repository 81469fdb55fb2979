package io.overlaykit.core.internal.engine;

import io.overlaykit.core.Host;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException.Problem;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.ForwardSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spec.SwitchKind;
import io.overlaykit.core.spi.ContainerInfo;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What on a host stands in the way of a spec before anything is changed: an interface with one of our
 * derived names that is not ours, an nft table of our name that OverlayKit did not create, a container of our
 * podman name without our labels, a container marked {@code existing} that does not run, a listen address and
 * port a local socket holds. Each is reported like a spec problem (the field it comes from, its value, the
 * object in the way), all at once, as an {@link InvalidSpecException}: input that does not fit this host.
 * Decided from the apply's snapshot; the only reads of its own are an inspect of a podman name the label list
 * did not return, and the kernel's socket tables when the host listens for forwards.
 */
public final class HostConflicts {
    private HostConflicts() {
    }

    /**
     * The conflicts, also of the listen sockets of {@code boundLater} (the forwards a caller is about to bind
     * itself, e.g. {@code overlay serve}'s userspace forwards); the kernel's DNAT forwards are always checked.
     */
    public static List<Problem> problems(OverlaySpec spec, Host host, HostSnapshot snap, List<ForwardSpec> boundLater) {
        HostSpec hs = spec.host(host.name());
        String hp = "hosts[" + spec.hosts().indexOf(hs) + "]";
        Names names = Names.of(spec.name());
        List<Problem> out = new ArrayList<>();
        links(spec, host, snap, hs, hp, names, out);
        firewall(spec, host, snap, names, out);
        containers(spec, host, snap, hs, hp, names, out);
        for (int f = 0; f < hs.forwards().size(); f++) {
            ForwardSpec fw = hs.forwards().get(f);
            if (fw.mode() == ForwardSpec.Mode.DNAT || boundLater.contains(fw)) {
                String holder = ListeningSockets.holder(host, fw.protocol(), fw.listen().address(), fw.listen().port());
                if (holder != null) {
                    out.add(new Problem(hp + ".forwards[" + f + "].listen", fw.listen().toString(), "a local socket on "
                            + host.name() + " already holds " + fw.protocol().name().toLowerCase(Locale.ROOT)
                            + " " + holder + "; stop it or choose another listen address or port"));
                }
            }
        }
        return out;
    }

    /** Our derived interface names, each with the field it comes from. */
    private static void links(OverlaySpec spec, Host host, HostSnapshot snap, HostSpec hs, String hp, Names names,
                              List<Problem> out) {
        Map<InterfaceName, LinkInfo> present = snap.hostView.links().stream()
                .collect(Collectors.toMap(LinkInfo::name, Function.identity(), (a, b) -> a));
        boolean ourBridge = snap.switchView.bridgeExists();
        LinkInfo bridgeLink = present.get(names.bridge());
        // An OVS bridge's own device carries no alias: a tap (userspace datapath) or an openvswitch internal port
        // of our bridge's name is the leftover of our bridge, e.g. when ovs-vswitchd died before removing it.
        boolean ovsDevice = spec.switchKind() == SwitchKind.OVS && bridgeLink != null
                && ("tun".equals(bridgeLink.kind()) || "openvswitch".equals(bridgeLink.kind()));
        if (!ovsDevice && !ourBridge) {
            check(present, names.bridge(), names, "name", spec.name(), "its bridge", host, out);
        }
        check(present, names.gatewayVeth(hs.name()), names, hp + ".name", hs.name(), "its gateway veth", host, out);
        check(present, names.gatewayPort(hs.name()), names, hp + ".name", hs.name(), "its gateway bridge port", host,
                out);
        for (int c = 0; c < hs.containers().size(); c++) {
            ContainerSpec ct = hs.containers().get(c);
            check(present, names.containerVeth(ct.name()), names, hp + ".containers[" + c + "].name", ct.name(),
                    "its veth", host, out);
        }
    }

    private static void check(Map<InterfaceName, LinkInfo> present, InterfaceName name, Names names, String path,
                              String value, String what, Host host, List<Problem> out) {
        LinkInfo link = present.get(name);
        // ours: tagged with our alias, or a veth end whose peer here is tagged (the backend tags the end it
        // creates by name, not the peer)
        if (link == null || names.alias().equals(link.alias())
                || present.values().stream().anyMatch(p -> p.index() == link.peerIndex() && p.peerIndex() == link.index()
                        && names.alias().equals(p.alias()))) {
            return;
        }
        out.add(new Problem(path, value, what + " " + name + " would be created on " + host.name() + ", but a "
                + (link.kind() == null ? "link" : link.kind()) + " of that name exists there and is not ours (alias "
                + (link.alias() == null ? "none" : "'" + link.alias() + "'") + ", not '" + names.alias()
                + "'); remove it or rename the spec"));
    }

    /**
     * Our table's name on a host where OverlayKit has no record of it: somebody else's. The record is written
     * before the table is first made, so a crash in between still leaves it known as ours.
     */
    private static void firewall(OverlaySpec spec, Host host, HostSnapshot snap, Names names, List<Problem> out) {
        String table = names.firewallTable();
        if (snap.tables(io.overlaykit.core.plan.Target.HOST).contains(table)
                && !snap.state.containsKey(HostStateFile.firewallKey(null))) {
            out.add(new Problem("name", spec.name(), "nft table " + table + " exists on " + host.name()
                    + " but OverlayKit did not create it (no record in " + host.stateDir(spec.name()) + "); remove it "
                    + "(`overlay teardown` if it is a leftover of this spec) or rename the spec"));
        }
    }

    private static void containers(OverlaySpec spec, Host host, HostSnapshot snap, HostSpec hs, String hp,
                                   Names names, List<Problem> out) {
        for (int c = 0; c < hs.containers().size(); c++) {
            ContainerSpec ct = hs.containers().get(c);
            String path = hp + ".containers[" + c + "].name";
            if (ct.existing()) {
                Optional<ContainerInfo> found = Optional.ofNullable(snap.containers.get(ct.name()));
                if (found.isEmpty() || !found.get().running()) {
                    out.add(new Problem(path, ct.name(), "is marked \"existing\" but " + (found.isEmpty()
                            ? "no container of that name exists" : "the container is not running") + " on "
                            + host.name()));
                }
                continue;
            }
            String pod = names.podName(ct.name());
            if (snap.containers.containsKey(pod) || !host.hasContainers()) {
                continue; // listed by our labels: ours
            }
            host.containers().inspect(pod).ifPresent(found -> {
                if (!spec.name().equals(found.labels().get(Names.SPEC_LABEL))) {
                    out.add(new Problem(path, ct.name(), "its podman container " + pod + " would be created on "
                            + host.name() + ", but a container of that name exists and is not ours (label "
                            + Names.SPEC_LABEL + " is " + Optional.ofNullable(found.labels().get(Names.SPEC_LABEL))
                            .map(v -> "'" + v + "'").orElse("not set") + "); remove or rename it"));
                }
            });
        }
    }

    /** Whether a socket in the host's namespace holds a listen address and port (the kernel's tables). */
    static final class ListeningSockets {
        private ListeningSockets() {
        }

        /** {@code 192.0.2.5:1234} or {@code 0.0.0.0:1234} as the kernel lists the holder, or null. */
        static String holder(Host host, ForwardSpec.Protocol protocol, InetAddress address, int port) {
            boolean tcp = protocol == ForwardSpec.Protocol.TCP;
            List<String> lines = host.namespaces().callIn(host.namespace(), () -> {
                List<String> all = new ArrayList<>();
                for (String file : tcp ? new String[] {"tcp", "tcp6"} : new String[] {"udp", "udp6"}) {
                    Path p = Path.of("/proc/thread-self/net", file);
                    if (Files.isReadable(p)) {
                        all.addAll(Files.readAllLines(p));
                    }
                }
                return all;
            });
            for (String line : lines) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 4 || !f[1].contains(":") || f[0].equals("sl")) {
                    continue;
                }
                // TCP: LISTEN (0A); UDP: any bound socket (07, unconnected)
                if (!f[3].equals(tcp ? "0A" : "07")) {
                    continue;
                }
                int colon = f[1].indexOf(':');
                int p = Integer.parseInt(f[1].substring(colon + 1), 16);
                byte[] local = kernelAddress(f[1].substring(0, colon));
                if (p == port && (isWildcard(local) || matches(local, address.getAddress()))) {
                    return render(local) + ":" + p;
                }
            }
            return null;
        }

        /** /proc/net/tcp prints each 32-bit word of the address in host order (little-endian here). */
        private static byte[] kernelAddress(String hex) {
            byte[] out = new byte[hex.length() / 2];
            for (int w = 0; w < out.length / 4; w++) {
                for (int b = 0; b < 4; b++) {
                    int at = w * 8 + (3 - b) * 2;
                    out[w * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
                }
            }
            if (ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN) {
                for (int w = 0; w < out.length / 4; w++) { // the words were printed in network order after all
                    for (int b = 0; b < 2; b++) {
                        byte t = out[w * 4 + b];
                        out[w * 4 + b] = out[w * 4 + 3 - b];
                        out[w * 4 + 3 - b] = t;
                    }
                }
            }
            return out;
        }

        private static boolean isWildcard(byte[] a) {
            for (byte b : a) {
                if (b != 0) {
                    return false;
                }
            }
            return true;
        }

        /** The same IPv4 address, also as an IPv4-mapped IPv6 address of a dual-stack socket. */
        private static boolean matches(byte[] local, byte[] wanted) {
            if (local.length == wanted.length) {
                return Arrays.equals(local, wanted);
            }
            if (local.length == 16 && wanted.length == 4) {
                for (int i = 0; i < 10; i++) {
                    if (local[i] != 0) {
                        return false;
                    }
                }
                return local[10] == (byte) 0xff && local[11] == (byte) 0xff
                        && Arrays.equals(Arrays.copyOfRange(local, 12, 16), wanted);
            }
            return false;
        }

        private static String render(byte[] a) {
            try {
                String s = InetAddress.getByAddress(a).getHostAddress();
                return a.length == 16 ? "[" + s + "]" : s;
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e); // 4 or 16 bytes
            }
        }
    }
}
