package io.overlaykit.samples.cli;

import io.overlaykit.core.Host;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.plan.Plan;
import io.overlaykit.core.plan.Status;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.ForwardSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import java.util.List;

/**
 * {@code overlay status --format dot}: one host's topology as a Graphviz graph: the bridge, a tunnel per
 * peer, a veth and a container per container of the spec, the gateway, and the forwards. What exists is drawn
 * solid; what the spec wants but the host lacks is drawn dashed and red.
 */
final class TopologyDot {
    private TopologyDot() {
    }

    /** Draws from one plan: a step with nothing to do is an object that exists as the spec says. */
    static String render(Overlay overlay, Host host, Plan plan) {
        OverlaySpec spec = overlay.spec();
        HostSpec hs = spec.host(host.name());
        InterfaceName br = overlay.tags().bridge();
        boolean bridge = done(plan, "bridge");
        Status status = Status.of(plan);
        StringBuilder g = new StringBuilder();
        g.append("digraph \"").append(spec.name()).append('@').append(host.name()).append("\" {\n");
        g.append("  rankdir=LR;\n  node [fontname=\"monospace\", fontsize=10];\n");
        g.append("  label=\"overlay ").append(spec.name()).append(" on ").append(host.name()).append(" (")
                .append(spec.switchKind().id()).append(", vni ").append(spec.vni()).append(", ")
                .append(status.isClean() ? "as specified" : status.drift().size() + " differences").append(")\";\n");
        node(g, "bridge", br + "\\n" + spec.switchKind().id() + " bridge", "box", bridge);
        for (HostSpec peer : spec.peersOf(host.name())) {
            String id = "tunnel_" + peer.name();
            boolean up = done(plan, "tunnel " + peer.name());
            node(g, id, "vxlan " + spec.vni() + "\\nto " + peer.name() + " " + peer.underlay().getHostAddress()
                    + (spec.encrypted() ? "\\nencrypted: " + spec.encryptionMode().name().toLowerCase(java.util.Locale.ROOT)
                    : ""), spec.encrypted() ? "cds, peripheries=2" : "cds", up);
            edge(g, "bridge", id, up);
        }
        for (ContainerSpec c : hs.containers()) {
            Step veth = plan.step("veth " + c.name());
            String vethName = veth.description().split(" ")[1];
            boolean wired = veth.isDone() && done(plan, "attach " + c.name());
            node(g, "veth_" + c.name(), "veth " + vethName, "ellipse", wired);
            java.net.InetAddress ip6 = spec.ipv6(c);
            node(g, "ct_" + c.name(), overlay.containerName(c.name()) + "\\n" + c.ip().getHostAddress()
                    + (ip6 == null ? "" : "\\n" + ip6.getHostAddress()), "box3d",
                    done(plan, "container " + c.name()));
            edge(g, "bridge", "veth_" + c.name(), wired);
            edge(g, "veth_" + c.name(), "ct_" + c.name(), wired);
        }
        boolean gw = done(plan, "gateway veth") && done(plan, "gateway attach");
        java.net.InetAddress gw6 = spec.gateway6(hs);
        node(g, "gateway", "gateway " + overlay.gatewayInterface(host.name()) + "\\n" + hs.gateway().getHostAddress()
                        + (gw6 == null ? "" : "\\n" + gw6.getHostAddress()),
                "diamond", gw);
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

    private static boolean done(Plan plan, String stepId) {
        Step s = plan.step(stepId);
        return s != null && s.isDone();
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
