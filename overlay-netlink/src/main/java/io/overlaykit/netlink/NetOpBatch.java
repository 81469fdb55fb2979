package io.overlaykit.netlink;

import static io.overlaykit.netlink.internal.Rtnl.*;

import io.overlaykit.core.BatchException;
import io.overlaykit.core.spi.NetOp;
import io.overlaykit.core.spi.RequestHook;
import io.overlaykit.netlink.internal.NetlinkBatch;
import io.overlaykit.netlink.internal.NetlinkBatch.Outcome;
import io.overlaykit.netlink.internal.NetlinkBatch.Status;
import io.overlaykit.netlink.internal.Sys;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link RtnetlinkLinks#execute}: a list of {@link NetOp}s as netlink messages, many per datagram, with no
 * read in between. Links are addressed by name where the kernel allows it; when some op needs an ifindex
 * (an address, a route, a master...), one link dump before the first message gives the ifindex of every
 * link, and links the batch creates get an ifindex chosen here (RTM_NEWLINK accepts one), so later ops of
 * the same batch can address them. Each message is acknowledged on its own, so one refused message does not hide
 * the outcome of the others: the kernel goes on with the next message, and so does this executor (also
 * across the ethtool calls of {@link NetOp.SetTxChecksum}, which run in order between the messages, all in
 * one visit to the namespace). A throwing {@link RequestHook} or a broken socket stops the batch: nothing
 * after it is sent.
 */
final class NetOpBatch {
    private static final System.Logger LOG = System.getLogger(NetOpBatch.class.getName());

    private final RtnetlinkLinks links;
    private final List<NetOp> ops;
    private final Step[] steps;
    private final List<Integer> fds = new ArrayList<>();
    /** What became of each op: null while open. */
    private final RuntimeException[] failure;
    private final boolean[] applied;
    private RuntimeException stopped;
    private int stoppedAt = -1;

    private NetOpBatch(RtnetlinkLinks links, List<NetOp> ops) {
        this.links = links;
        this.ops = List.copyOf(ops);
        this.steps = new Step[ops.size()];
        this.failure = new RuntimeException[ops.size()];
        this.applied = new boolean[ops.size()];
    }

    /**
     * What one op turned into: netlink messages ({@code main} carries the change; for a create, {@code extra}
     * sets what RTM_NEWLINK cannot carry), an ethtool call, nothing to do (a delete of something absent), or
     * a failure found before sending (a link that does not exist).
     */
    record Step(NetlinkBatch.Request main, NetlinkBatch.Request extra, NetOp.SetTxChecksum ethtool,
                RuntimeException refused, boolean goneIsDone) {
        static Step message(NetlinkBatch.Request r, boolean goneIsDone) {
            return new Step(r, null, null, null, goneIsDone);
        }

        static Step create(NetlinkBatch.Request r, NetlinkBatch.Request extra) {
            return new Step(r, extra, null, null, false);
        }

        static Step ethtool(NetOp.SetTxChecksum op) {
            return new Step(null, null, op, null, false);
        }

        static Step nothing() {
            return new Step(null, null, null, null, true);
        }

        static Step refused(RuntimeException e) {
            return new Step(null, null, null, e, false);
        }
    }

    /**
     * One op on its own, for the change methods of {@link RtnetlinkLinks}: its names resolved by a GET each,
     * its failure thrown as it is. Returns false when there was nothing to do (a delete of something already
     * gone); a link the kernel does not know (ENODEV) is the same not-found as {@link RtnetlinkLinks#get}.
     *
     * @param known a link the caller has just read (its index needs no GET), or null
     */
    static boolean executeOne(RtnetlinkLinks links, NetOp op, io.overlaykit.core.LinkInfo known) {
        List<Integer> fds = new ArrayList<>();
        try {
            Step step = new NetOpCompiler(links, NetOpCompiler.lookups(links, known), fds).compileOrThrow(op);
            if (step.main() == null) {
                return false;
            }
            links.channel().call(step.main().message(), step.main().operation());
            return true;
        } catch (RuntimeException e) {
            int errno = NetlinkException.errnoOf(e);
            if (isDelete(op)) {
                if (Requests.gone(errno)) {
                    return false;
                }
            } else if (errno == io.overlaykit.netlink.internal.Errno.ENODEV && op.link() != null) {
                throw links.notFound(op.link(), e);
            }
            throw e;
        } finally {
            fds.forEach(Sys::closeQuietly);
        }
    }

    private static boolean isDelete(NetOp op) {
        return op instanceof NetOp.DeleteLink || op instanceof NetOp.DeleteAddress || op instanceof NetOp.DeleteRoute
                || op instanceof NetOp.DeleteNeighbour || op instanceof NetOp.DeleteFdb || op instanceof NetOp.DeleteRule;
    }

    /** Runs a batch; throws {@link BatchException} unless every op took effect. */
    static void execute(RtnetlinkLinks links, List<NetOp> ops) {
        if (ops.isEmpty()) {
            return;
        }
        NetOpBatch batch = new NetOpBatch(links, ops);
        if (ops.stream().anyMatch(o -> o instanceof NetOp.SetTxChecksum)) {
            // ethtool ioctls act on the caller's namespace: run the whole batch in one visit
            links.channel().callIn(() -> {
                batch.run();
                return null;
            });
        } else {
            batch.run();
        }
        batch.report();
    }

    private void run() {
        try {
            NetOpCompiler.LinkTable table = needsIndexes() ? NetOpCompiler.snapshot(links.dumps().rawLinks())
                    : NetOpCompiler.NO_INDEXES;
            NetOpCompiler compiler = new NetOpCompiler(links, table, fds);
            for (int i = 0; i < steps.length; i++) {
                steps[i] = compiler.compile(ops.get(i));
            }
            int from = 0;
            for (int i = 0; i <= steps.length && stopped == null; i++) {
                if (i == steps.length || steps[i].ethtool() != null) {
                    sendMessages(from, i);
                    if (i < steps.length && stopped == null) {
                        ethtool(i);
                    }
                    from = i + 1;
                }
            }
        } finally {
            fds.forEach(Sys::closeQuietly);
        }
    }

    /** Whether some op must name a link by ifindex (the others address links by name): then one link dump. */
    private boolean needsIndexes() {
        return ops.stream().anyMatch(o -> o instanceof NetOp.AddAddress || o instanceof NetOp.DeleteAddress
                || o instanceof NetOp.AddRoute || o instanceof NetOp.DeleteRoute || o instanceof NetOp.AddNeighbour
                || o instanceof NetOp.DeleteNeighbour || o instanceof NetOp.AddFdb || o instanceof NetOp.DeleteFdb
                || o instanceof NetOp.SetNeighSuppress
                || (o instanceof NetOp.SetMaster m && m.master() != null)
                || (o instanceof NetOp.CreateVxlan v && v.vxlan().device() != null));
    }

    /** Sends the messages of ops {@code from..to-1} as one batch and records each op's outcome. */
    private void sendMessages(int from, int to) {
        List<NetlinkBatch.Request> requests = new ArrayList<>();
        List<int[]> owner = new ArrayList<>(); // request index -> {op, 0 main / 1 extra}
        for (int i = from; i < to; i++) {
            Step s = steps[i];
            if (s.refused() != null) {
                failure[i] = s.refused();
            } else if (s.main() == null) {
                applied[i] = true; // nothing to do: already as the op wants it
            } else {
                requests.add(s.main());
                owner.add(new int[] {i, 0});
                if (s.extra() != null) {
                    requests.add(s.extra());
                    owner.add(new int[] {i, 1});
                }
            }
        }
        NetlinkBatch.Result r = links.channel().batch(requests);
        for (int k = 0; k < requests.size(); k++) {
            int op = owner.get(k)[0];
            boolean main = owner.get(k)[1] == 0;
            Outcome o = r.outcomes().get(k);
            if (o.status() == Status.ACKED) {
                applied[op] |= main; // a create whose alias failed still made the link: its undo is needed
            } else if (o.status() == Status.REFUSED) {
                if (main && steps[op].goneIsDone() && Requests.gone(o.errno())) {
                    applied[op] = true;
                } else if (main && ops.get(op) instanceof NetOp.SetNeighSuppress n && notOffered(o.errno())) {
                    applied[op] = true; // optional: the observed flag stays off, and status says so
                    LOG.log(System.Logger.Level.WARNING, () -> links.label() + ": the kernel does not offer "
                            + "neigh_suppress on " + n.link() + " (" + io.overlaykit.netlink.internal.Errno.name(o.errno())
                            + "); ARP and ND for spec addresses keep flooding over the tunnels");
                } else if (failure[op] == null) {
                    failure[op] = NetlinkException.typed(requests.get(k).operation(), links.label(), o.errno(),
                            o.extAck(), null);
                }
            } else if (o.status() == Status.UNANSWERED || o.status() == Status.NOT_SENT) {
                if (r.stopped() != null && stoppedAt < 0) {
                    stopped = r.stopped();
                    stoppedAt = op;
                }
            }
        }
        if (r.stopped() != null && stopped == null) {
            stopped = r.stopped();
            stoppedAt = requests.isEmpty() ? from : owner.get(requests.size() - 1)[0];
        }
    }

    private void ethtool(int i) {
        NetOp.SetTxChecksum op = steps[i].ethtool();
        try {
            links.channel().hook().beforeRequest(RequestHook.Backend.ETHTOOL, RequestHook.Access.WRITE,
                    Offloads.setOp(op.link(), op.on()));
        } catch (RuntimeException e) {
            stopped = e;
            stoppedAt = i;
            return;
        }
        try {
            links.offloads().setWithoutHook(op.link(), op.on());
            applied[i] = true;
        } catch (RuntimeException e) {
            failure[i] = e;
        }
    }

    /**
     * Whether a refused {@link NetOp.SetNeighSuppress} means the kernel does not offer the flag: EOPNOTSUPP (a
     * master without bridge port settings). A kernel older than the flag (4.15) ignores the attribute instead, and
     * the next observation shows it off.
     */
    private static boolean notOffered(int errno) {
        return errno == io.overlaykit.netlink.internal.Errno.EOPNOTSUPP;
    }

    /** Throws {@link BatchException} unless every op took effect. */
    private void report() {
        int first = -1;
        for (int i = 0; i < failure.length; i++) {
            if (failure[i] != null) {
                first = i;
                break;
            }
        }
        if (stopped != null && (first < 0 || stoppedAt < first)) {
            first = stoppedAt;
            failure[first] = stopped;
        }
        if (first < 0) {
            return;
        }
        Set<Integer> done = new TreeSet<>();
        for (int i = 0; i < applied.length; i++) {
            if (applied[i]) {
                done.add(i);
            }
        }
        int failed = 0;
        for (int i = 0; i < ops.size(); i++) {
            failed += failure[i] != null ? 1 : 0;
        }
        throw new BatchException("op " + first + " of " + ops.size() + " (" + ops.get(first) + ") in namespace "
                + links.label() + " failed: " + failure[first].getMessage() + "; " + done.size() + " applied, "
                + failed + " failed" + (stopped != null ? ", stopped at op " + stoppedAt : ""), failure[first],
                done, first);
    }
}
