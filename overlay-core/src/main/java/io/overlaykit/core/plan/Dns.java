package io.overlaykit.core.plan;

import io.overlaykit.core.OverlayException;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spi.ContainerInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The spec's DNS servers in a container's {@code /etc/resolv.conf}, written through the container's
 * root ({@code /proc/PID/root}) so nothing has to run inside it. The previous file is kept in the host
 * state, so undo and teardown put it back. {@link #writeResolvConf} is the same write for callers
 * outside the planner (the seed walkthrough).
 */
public final class Dns {
    private static final String ABSENT = "absent";
    private static final String CONTENT = "content:";

    private Dns() {
    }

    /**
     * Writes {@code content} as {@code etc/resolv.conf} under a container's root file system, e.g.
     * {@link io.overlaykit.core.Host#containerRoot}; nothing runs inside the container.
     *
     * @throws OverlayException when the file cannot be written (names the file)
     */
    public static void writeResolvConf(Path containerRoot, String content) {
        write(containerRoot.resolve("etc/resolv.conf"), content);
    }

    static String render(HostContext ctx) {
        StringBuilder sb = new StringBuilder("# written by OverlayKit for overlay " + ctx.spec.name() + "\n");
        for (InetAddress a : ctx.spec.dns()) {
            sb.append("nameserver ").append(a.getHostAddress()).append('\n');
        }
        return sb.toString();
    }

    static Path file(io.overlaykit.core.Host host, ContainerInfo ci) {
        return host.containerRoot(ci).resolve("etc/resolv.conf");
    }

    static Step step(HostContext ctx, ContainerSpec c) {
        String want = render(ctx);
        String key = HostState.RESOLV_PREFIX + c.name();
        boolean[] recorded = new boolean[1];
        return Step.named("dns " + c.name(), "resolv.conf of " + ctx.podName(c) + ": nameserver "
                        + ctx.spec.dns().stream().map(InetAddress::getHostAddress).toList())
                .done(() -> ctx.running(c).map(ci -> want.equals(read(file(ctx.host, ci)))).orElse(false))
                .apply(() -> {
                    Path f = file(ctx.host, ctx.require(c));
                    String old = read(f);
                    recorded[0] = ctx.state.get(key) == null;
                    if (recorded[0]) {
                        ctx.state.put(key, old == null ? ABSENT : CONTENT + old);
                    }
                    try {
                        write(f, want);
                    } catch (RuntimeException e) {
                        if (recorded[0]) {
                            ctx.state.remove(key); // a failed step is not undone, so take the record back here
                        }
                        throw e;
                    }
                })
                .undo(() -> ctx.running(c).ifPresent(ci -> {
                    restore(file(ctx.host, ci), ctx.state.get(key));
                    if (recorded[0]) {
                        ctx.state.remove(key);
                    }
                }))
                .build();
    }

    /** Puts back a file saved as {@code saved} (null: nothing saved, leave it). */
    static void restore(Path f, String saved) {
        if (saved == null) {
            return;
        }
        if (saved.equals(ABSENT)) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                throw new OverlayException("cannot remove " + f + ": " + e.getMessage(), e);
            }
        } else {
            write(f, saved.substring(CONTENT.length()));
        }
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            throw new OverlayException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    static void write(Path f, String content) {
        try {
            Files.createDirectories(f.getParent());
            Files.writeString(f, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new OverlayException("cannot write " + f + ": " + e.getMessage(), e);
        }
    }
}
