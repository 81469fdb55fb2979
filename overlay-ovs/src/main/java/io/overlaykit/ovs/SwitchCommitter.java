package io.overlaykit.ovs;

import io.overlaykit.core.ConflictException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The switch's write side: commits transactions that were built from an {@link OvsView} and carry guards
 * ({@code wait} operations with {@code timeout 0}, the OVS IDL's "verify": the rows the decision relied on are
 * still as the view showed them), raises {@code next_cfg} when the switch waits for ovs-vswitchd, and waits
 * for it from the cache. A guard that fails means the view was behind the database: {@link #decideAndCommit}
 * decides once more from the cache, which is current by then (ovsdb-server sends every pending update before
 * any reply), and reports a second failure as a conflict.
 */
final class SwitchCommitter {
    private static final System.Logger LOG = System.getLogger(SwitchCommitter.class.getName());

    /** A guard failed: the view a transaction was built from did not match the database. */
    static final class StaleView extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StaleView(OvsdbOperationException cause) {
            super(cause.getMessage(), cause, false, false);
        }

        StaleView(String message) {
            super(message, null, false, false);
        }
    }

    private final OvsMirror mirror;
    private final Duration vswitchdTimeout;

    /** {@code vswitchdTimeout} null: changes do not wait for ovs-vswitchd. */
    SwitchCommitter(OvsMirror mirror, Duration vswitchdTimeout) {
        this.mirror = mirror;
        this.vswitchdTimeout = vswitchdTimeout;
    }

    OvsMirror mirror() {
        return mirror;
    }

    OvsdbClient client() {
        return mirror.client();
    }

    /** Whether changes wait for ovs-vswitchd. */
    boolean waitsForVswitchd() {
        return vswitchdTimeout != null;
    }

    /**
     * Commits {@code tx}, with {@code next_cfg += 1} when the switch waits for ovs-vswitchd or {@code bumpCfg}
     * asks for it. When this returns, the cache shows the transaction's effect.
     *
     * @throws StaleView a guard failed
     */
    TransactResult commit(Transaction.Builder tx, boolean bumpCfg) {
        if (bumpCfg || waitsForVswitchd()) {
            tx.mutate("Open_vSwitch", List.of(), List.of(Mutation.add("next_cfg", 1)));
        }
        try {
            return client().transact(tx.build());
        } catch (OvsdbOperationException e) {
            if (e.isRetryable() && "wait".equals(e.op())) {
                throw new StaleView(e);
            }
            throw e;
        }
    }

    /**
     * Runs {@code attempt} (decide from the view it gets, then commit) and, when a guard failed or the connection
     * dropped before the reply, once more from the re-synced cache: every attempt decides from the state, so
     * running it again after a commit that did land changes nothing.
     *
     * @throws ConflictException the second attempt found the cache stale too (another client keeps changing
     *     the same rows): retryable by the caller
     */
    <T> T decideAndCommit(String what, Function<OvsView, T> attempt) {
        for (int i = 1; ; i++) {
            try {
                return attempt.apply(mirror.view());
            } catch (StaleView | CallFailures.ConnectionLost e) {
                if (i == 2) {
                    if (e instanceof CallFailures.ConnectionLost lost) {
                        throw lost;
                    }
                    throw conflict(what, e);
                }
                LOG.log(Level.DEBUG, "OVS {0} on {1}: deciding again ({2})", what, client().remote(), e.getMessage());
            }
        }
    }

    /** The error for a guard that failed where the caller cannot decide again (a plan given as data). */
    ConflictException conflict(String what, RuntimeException cause) {
        return new ConflictException("OVS " + what + " on " + client().remote()
                + ": changed concurrently by another client, try again", cause.getCause() == null ? cause : cause.getCause());
    }

    /** Like ovs-vsctl without --no-wait: cur_cfg catches up, then the new interfaces are checked. */
    void awaitVswitchd(List<String> newInterfaces) {
        if (waitsForVswitchd()) {
            VswitchdWait.await(mirror, vswitchdTimeout, newInterfaces);
        }
    }

    /** Waits for ovs-vswitchd even on a switch that does not, up to {@code fallback} (stale ports must go first). */
    void awaitVswitchdAtLeast(Duration fallback) {
        VswitchdWait.await(mirror, waitsForVswitchd() ? vswitchdTimeout : fallback, List.of());
    }
}
