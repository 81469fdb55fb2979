package io.overlaykit.ovs;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.OverlayTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Waits, like ovs-vsctl, until ovs-vswitchd has applied the configuration ({@code cur_cfg} caught up with
 * the {@code next_cfg} our transaction raised), then reports new interfaces that it could not open
 * ({@code error} set or {@code ofport -1}). Reads only the monitor-fed cache, which ovs-vswitchd's own
 * commits update: no request, no polling; always bounded by a timeout.
 */
final class VswitchdWait {
    private VswitchdWait() {
    }

    /** Waits for the {@code next_cfg} in the cache now (our transaction's, whose update preceded its reply). */
    static void await(OvsMirror mirror, Duration timeout, List<String> interfaces) {
        long deadline = System.nanoTime() + timeout.toNanos();
        OvsView v = mirror.view();
        if (v.root() == null) {
            throw new BackendException("ovsdb " + v.source() + " has no Open_vSwitch row (database not initialised)");
        }
        long target = v.nextCfg();
        while (v.curCfg() < target) {
            if (!mirror.awaitChange(v, deadline)) {
                throw new OverlayTimeoutException("ovs-vswitchd of " + v.source() + " did not apply configuration "
                        + target + " within " + timeout.toMillis() + " ms (cur_cfg " + v.curCfg() + "); is it running?");
            }
            v = mirror.view();
        }
        List<String> failures = new ArrayList<>();
        for (String name : interfaces) {
            OvsView.PortState p = v.portNamed(name);
            if (p == null) {
                continue;
            }
            if (p.error() != null && !p.error().isEmpty()) {
                failures.add(name + ": " + p.error());
            } else if (p.ofport() != null && p.ofport() == -1) {
                failures.add(name + ": ofport -1 (ovs-vswitchd could not add the interface)");
            }
        }
        if (!failures.isEmpty()) {
            throw new BackendException("ovs-vswitchd of " + v.source() + " rejected interface(s): "
                    + String.join("; ", failures));
        }
    }
}
