package io.overlaykit.core.plan;

import io.overlaykit.core.spi.ContainerInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The container inspects of one plan run, so that the dozen steps of a container ask podman once instead
 * of in every {@code done()}, {@code apply()} and {@code undo()}. It lives on the thread of
 * {@link OverlayEngine#apply(Plan, ProgressListener)} for that run only (a plan kept for later sees fresh
 * answers), and the engine forgets it after every step that changed something, since a step may have run,
 * started, stopped or removed a container.
 */
final class ContainerMemo {
    private static final ThreadLocal<Map<Key, Optional<ContainerInfo>>> CURRENT = new ThreadLocal<>();

    /** One container of one host's plan: contexts compare by identity. */
    private record Key(HostContext ctx, String pod) {
    }

    private ContainerMemo() {
    }

    /** Runs {@code run} with a memo on this thread (or within the one already there). */
    static <T> T during(Supplier<T> run) {
        if (CURRENT.get() != null) {
            return run.get();
        }
        CURRENT.set(new HashMap<>());
        try {
            return run.get();
        } finally {
            CURRENT.remove();
        }
    }

    /** The remembered answer for {@code pod} of {@code ctx}, or {@code inspect}'s when there is none (or no run). */
    static Optional<ContainerInfo> inspect(HostContext ctx, String pod, Supplier<Optional<ContainerInfo>> inspect) {
        Map<Key, Optional<ContainerInfo>> memo = CURRENT.get();
        if (memo == null) {
            return inspect.get();
        }
        Key key = new Key(ctx, pod);
        Optional<ContainerInfo> known = memo.get(key);
        if (known == null) {
            known = inspect.get();
            memo.put(key, known);
        }
        return known;
    }

    /** Forgets every answer: a step changed the host. */
    static void forget() {
        Map<Key, Optional<ContainerInfo>> memo = CURRENT.get();
        if (memo != null) {
            memo.clear();
        }
    }
}
