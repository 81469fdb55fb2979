package io.overlaykit.core.internal.engine;

import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Every container of the spec by name in every container's {@code /etc/hosts}: a managed block between a
 * begin and an end line that carry the spec's name, one line per address ({@code ADDRESS NAME NAME.DOMAIN}),
 * IPv4 and (when the spec has them) IPv6. Written through the container's root like resolv.conf; the lines
 * outside the block are kept as they are. Teardown takes the block out of existing containers (the others
 * are removed). Re-apply rewrites a block that differs, so a change by hand shows as drift.
 */
final class HostsFilePlanner {
    static final String HOSTS = "etc/hosts";

    private HostsFilePlanner() {
    }

    static String begin(OverlaySpec spec) {
        return "# BEGIN OverlayKit " + spec.name() + " (managed: edits inside this block are overwritten)";
    }

    static String end(OverlaySpec spec) {
        return "# END OverlayKit " + spec.name();
    }

    /** The block, begin and end lines included, each line ending in a newline. */
    static String block(OverlaySpec spec) {
        StringBuilder sb = new StringBuilder(begin(spec)).append('\n');
        String domain = spec.domain();
        List<String> v6 = new ArrayList<>();
        for (HostSpec h : spec.hosts()) {
            for (ContainerSpec c : h.containers()) {
                String names = c.name() + " " + c.name() + "." + domain;
                sb.append(c.ip().getHostAddress()).append('\t').append(names).append('\n');
                InetAddress a6 = spec.ipv6(c);
                if (a6 != null) {
                    v6.add(a6.getHostAddress() + "\t" + names + "\n");
                }
            }
        }
        v6.forEach(sb::append);
        return sb.append(end(spec)).append('\n').toString();
    }

    /** {@code current} with our block replaced where it is, or appended; {@code current} null: the block alone. */
    static String merged(OverlaySpec spec, String current) {
        String block = block(spec);
        if (current == null || current.isEmpty()) {
            return block;
        }
        int[] at = find(spec, current);
        if (at != null) {
            return current.substring(0, at[0]) + block + current.substring(at[1]);
        }
        return current + (current.endsWith("\n") ? "" : "\n") + block;
    }

    /** {@code current} without our block (null stays null). */
    static String stripped(OverlaySpec spec, String current) {
        if (current == null) {
            return null;
        }
        int[] at = find(spec, current);
        return at == null ? current : current.substring(0, at[0]) + current.substring(at[1]);
    }

    /** Start of the begin line and end of the end line (its newline included), or null if there is no block. */
    private static int[] find(OverlaySpec spec, String text) {
        int start = lineStart(text, begin(spec));
        if (start < 0) {
            return null;
        }
        int endLine = lineStart(text.substring(start), end(spec));
        if (endLine < 0) {
            int nl = text.indexOf('\n', start);
            return new int[] {start, nl < 0 ? text.length() : nl + 1}; // a cut block: replace its begin line
        }
        int endStart = start + endLine;
        int nl = text.indexOf('\n', endStart);
        return new int[] {start, nl < 0 ? text.length() : nl + 1};
    }

    /** The offset of the line that is exactly {@code line}, or -1. */
    private static int lineStart(String text, String line) {
        int from = 0;
        while (true) {
            int i = text.indexOf(line, from);
            if (i < 0) {
                return -1;
            }
            int after = i + line.length();
            boolean atStart = i == 0 || text.charAt(i - 1) == '\n';
            boolean atEnd = after == text.length() || text.charAt(after) == '\n';
            if (atStart && atEnd) {
                return i;
            }
            from = i + 1;
        }
    }

    static Step hosts(PlanContext ctx, ContainerSpec c) {
        String pod = ctx.runtimeName(c);
        Target t = ctx.target(c);
        String now = ctx.running(c) ? ctx.snap.hostsFiles.get(pod) : null;
        String want = merged(ctx.spec, now);
        List<Change> changes = new ArrayList<>();
        if (!ctx.running(c) || !want.equals(now)) {
            String key = HostStateFile.HOSTS_CREATED_PREFIX + c.name();
            if (c.existing() && ctx.running(c) && now == null && !ctx.snap.state.containsKey(key)) {
                changes.add(new Change.State(key, "true", null)); // outlives teardown: remember it had none
            }
            changes.add(new Change.File(t, HOSTS, want, now));
        }
        int names = ctx.spec.hosts().stream().mapToInt(h -> h.containers().size()).sum();
        return Step.of("hosts " + c.name(), "/etc/hosts of " + pod + ": " + names + " containers as NAME and NAME."
                + ctx.spec.domain(), changes);
    }

    /**
     * Teardown: the block out of an existing container's hosts file, the rest as it is; the file itself goes
     * when we created it ({@code createdKey} recorded) and nothing but our block is in it.
     */
    static List<Change> removal(OverlaySpec spec, Target t, String now, java.util.Map<String, String> state,
                                String containerName) {
        String key = HostStateFile.HOSTS_CREATED_PREFIX + containerName;
        List<Change> out = new ArrayList<>();
        String without = stripped(spec, now);
        if (now != null && !without.equals(now)) {
            boolean ours = state.containsKey(key) && without.isBlank();
            out.add(new Change.File(t, HOSTS, ours ? null : without, now));
        }
        if (state.containsKey(key)) {
            out.add(new Change.State(key, null, state.get(key)));
        }
        return out;
    }
}
