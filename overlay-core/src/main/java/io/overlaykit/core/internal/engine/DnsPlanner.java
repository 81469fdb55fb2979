package io.overlaykit.core.internal.engine;

import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spec.ContainerSpec;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The spec's DNS servers in a container's {@code /etc/resolv.conf}, written through the container's root
 * ({@code /proc/PID/root}) so nothing runs inside it. For an existing container (which outlives teardown)
 * the previous file is recorded in the host state first, so teardown puts it back.
 */
final class DnsPlanner {
    static final String RESOLV_CONF = "etc/resolv.conf";
    static final String ABSENT = "absent";
    static final String CONTENT = "content:";

    private DnsPlanner() {
    }

    static String render(PlanContext ctx) {
        StringBuilder sb = new StringBuilder("# written by OverlayKit for overlay " + ctx.spec.name() + "\n");
        if (ctx.spec.names().serve()) {
            sb.append("search ").append(ctx.spec.domain()).append('\n');
        }
        for (InetAddress a : servers(ctx)) {
            sb.append("nameserver ").append(a.getHostAddress()).append('\n');
        }
        return sb.toString();
    }

    /** Whether containers get a resolv.conf of ours: the spec names servers, or its hosts serve DNS. */
    static boolean wanted(io.overlaykit.core.spec.OverlaySpec spec) {
        return !spec.dns().isEmpty() || spec.names().serve();
    }

    /** The spec's servers, or (serve) the host's own gateway addresses, where {@code overlay serve} answers. */
    static List<InetAddress> servers(PlanContext ctx) {
        if (!ctx.spec.names().serve()) {
            return ctx.spec.dns();
        }
        List<InetAddress> out = new ArrayList<>(List.of(ctx.hostSpec.gateway()));
        InetAddress gw6 = ctx.spec.gateway6(ctx.hostSpec);
        if (gw6 != null) {
            out.add(gw6);
        }
        return out;
    }

    static Step resolvConf(PlanContext ctx, ContainerSpec c) {
        String want = render(ctx);
        String pod = ctx.runtimeName(c);
        Target t = ctx.target(c);
        List<Change> changes = new ArrayList<>();
        String now = ctx.running(c) ? ctx.snap.resolvConf.get(pod) : null;
        if (!ctx.running(c) || !want.equals(now)) {
            String key = HostStateFile.RESOLV_PREFIX + c.name();
            if (c.existing() && !ctx.snap.state.containsKey(key)) {
                changes.add(new Change.State(key, now == null ? ABSENT : CONTENT + now, null));
            }
            changes.add(new Change.File(t, RESOLV_CONF, want, now));
        }
        return Step.of("dns " + c.name(), "resolv.conf of " + pod + ": nameserver "
                + servers(ctx).stream().map(InetAddress::getHostAddress).toList(), changes);
    }

    /** The content a recorded resolv.conf had: null to remove the file. */
    static String recorded(String saved) {
        return saved.equals(ABSENT) ? null : saved.substring(CONTENT.length());
    }
}
