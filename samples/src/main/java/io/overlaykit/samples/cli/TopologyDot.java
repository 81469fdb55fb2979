package io.overlaykit.samples.cli;

import io.overlaykit.core.Host;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.plan.Names;
import io.overlaykit.core.plan.Status;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.ForwardSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.OverlaySwitch;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code overlay status --format dot}: one host's topology as a Graphviz graph: the bridge, a tunnel per
 * peer, a veth and a container per container of the spec, the gateway, and the forwards. What exists is drawn
 * solid; what the spec wants but the host lacks is drawn dashed and red.
 */
final class TopologyDot {
    private TopologyDot() {
    }

    static String render(OverlaySpec spec, Host host, Status status) {
        Names n = Names.of(spec.name());
        HostSpec hs = spec.host(host.name());
        OverlaySwitch sw = host.overlaySwitch(spec.switchKind());
        InterfaceName br = n.bridge();
        boolean bridge = sw.bridges(n.owner()).contains(br);
        Set<InterfaceName> ports = bridge ? Set.copyOf(sw.ports(br)) : Set.of();
        Set<String> remotes = bridge ? sw.tunnels(br).stream().filter(t -> t.remote() != null)
                .map(t -> t.remote().getHostAddress()).collect(Collectors.toSet()) : Set.of();
        Set<String> running = host.hasContainers() ? host.containers().list(n.labels(host.name())).stream()
                .filter(c -> c.running()).map(c -> c.name()).collect(Collectors.toSet()) : Set.of();
        StringBuilder g = new StringBuilder();
        g.append("digraph \"").append(spec.name()).append('@').append(host.name()).append("\" {\n");
        g.append("  rankdir=LR;\n  node [fontname=\"monospace\", fontsize=10];\n");
        g.append("  label=\"overlay ").append(spec.name()).append(" on ").append(host.name()).append(" (")
                .append(spec.switchKind().id()).append(", vni ").append(spec.vni()).append(", ")
                .append(status.isClean() ? "as specified" : status.drift().size() + " differences").append(")\";\n");
        node(g, "bridge", br + "\\n" + spec.switchKind().id() + " bridge", "box", bridge);
        for (HostSpec peer : spec.peersOf(host.name())) {
            String id = "tunnel_" + peer.name();
            boolean up = remotes.contains(peer.underlay().getHostAddress());
            node(g, id, "vxlan " + spec.vni() + "\\nto " + peer.name() + " " + peer.underlay().getHostAddress(),
                    "cds", up);
            edge(g, "bridge", id, up);
        }
        for (ContainerSpec c : hs.containers()) {
            InterfaceName veth = n.containerVeth(c.name());
            String pod = c.existing() ? c.name() : n.podName(c.name());
            boolean wired = ports.contains(veth);
            node(g, "veth_" + c.name(), "veth " + veth, "ellipse", wired);
            node(g, "ct_" + c.name(), pod + "\\n" + c.ip().getHostAddress(), "box3d",
                    c.existing() || running.contains(pod));
            edge(g, "bridge", "veth_" + c.name(), wired);
            edge(g, "veth_" + c.name(), "ct_" + c.name(), wired);
        }
        boolean gw = ports.contains(n.gatewayPort(host.name()));
        node(g, "gateway", "gateway " + n.gatewayVeth(host.name()) + "\\n" + hs.gateway().getHostAddress(), "diamond", gw);
        edge(g, "bridge", "gateway", gw);
        List<ForwardSpec> forwards = hs.forwards();
        for (int i = 0; i < forwards.size(); i++) {
            ForwardSpec f = forwards.get(i);
            String id = "fwd_" + i;
            node(g, id, f.mode().name().toLowerCase(java.util.Locale.ROOT) + " " + f.listen(), "note", true);
            edge(g, id, "gateway", true);
            hs.containers().stream().filter(c -> c.ip().equals(f.target().address())).findFirst()
                    .ifPresent(c -> g.append("  ").append(id).append(" -> ct_").append(c.name())
                            .append(" [style=dotted, label=\"").append(f.target().port()).append("\"];\n"));
        }
        return g.append("}\n").toString();
    }

    private static void node(StringBuilder g, String id, String label, String shape, boolean exists) {
        g.append("  ").append(id).append(" [label=\"").append(label).append("\", shape=").append(shape)
                .append(exists ? "" : ", style=dashed, color=red").append("];\n");
    }

    private static void edge(StringBuilder g, String from, String to, boolean exists) {
        g.append("  ").append(from).append(" -> ").append(to).append(exists ? "" : " [style=dashed, color=red]")
                .append(";\n");
    }
}
