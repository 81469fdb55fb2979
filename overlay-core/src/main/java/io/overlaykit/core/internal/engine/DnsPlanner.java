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
        for (InetAddress a : ctx.spec.dns()) {
            sb.append("nameserver ").append(a.getHostAddress()).append('\n');
        }
        return sb.toString();
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
                + ctx.spec.dns().stream().map(InetAddress::getHostAddress).toList(), changes);
    }

    /** The content a recorded resolv.conf had: null to remove the file. */
    static String recorded(String saved) {
        return saved.equals(ABSENT) ? null : saved.substring(CONTENT.length());
    }
}
