package io.overlaykit.ovs;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.OverlayTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Waits, like ovs-vsctl, until ovs-vswitchd has applied the configuration ({@code cur_cfg} caught up
 * with {@code next_cfg}), then reports new interfaces that it could not open ({@code error} set or
 * {@code ofport -1}). Polls with short selects; always bounded by a timeout.
 */
final class VswitchdWait {
    private static final long POLL_MS = 20;

    private VswitchdWait() {
    }

    static void await(OvsdbClient client, Duration timeout, List<String> interfaces) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long cur = -1;
        long next = -1;
        while (true) {
            Row row = single(client.transact(Transaction.builder()
                    .select("Open_vSwitch", List.of(), List.of("cur_cfg", "next_cfg")).build()).rows(0), client);
            cur = row.getLong("cur_cfg") == null ? 0 : row.getLong("cur_cfg");
            next = row.getLong("next_cfg") == null ? 0 : row.getLong("next_cfg");
            if (cur >= next) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new OverlayTimeoutException("ovs-vswitchd of " + client.remote() + " did not apply configuration "
                        + next + " within " + timeout.toMillis() + " ms (cur_cfg " + cur + "); is it running?");
            }
            sleep();
        }
        if (interfaces.isEmpty()) {
            return;
        }
        List<Condition> none = List.of();
        List<Row> rows = client.transact(Transaction.builder()
                .select("Interface", none, List.of("name", "error", "ofport")).build()).rows(0);
        List<String> failures = new ArrayList<>();
        for (Row r : rows) {
            String name = r.getString("name");
            if (!interfaces.contains(name)) {
                continue;
            }
            String error = r.getString("error");
            Long ofport = r.getLong("ofport");
            if (error != null && !error.isEmpty()) {
                failures.add(name + ": " + error);
            } else if (ofport != null && ofport == -1) {
                failures.add(name + ": ofport -1 (ovs-vswitchd could not add the interface)");
            }
        }
        if (!failures.isEmpty()) {
            throw new BackendException("ovs-vswitchd of " + client.remote() + " rejected interface(s): "
                    + String.join("; ", failures));
        }
    }

    private static Row single(List<Row> rows, OvsdbClient client) {
        if (rows.isEmpty()) {
            throw new BackendException("ovsdb " + client.remote() + " has no Open_vSwitch row (database not initialised)");
        }
        return rows.get(0);
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted waiting for ovs-vswitchd", e);
        }
    }
}
