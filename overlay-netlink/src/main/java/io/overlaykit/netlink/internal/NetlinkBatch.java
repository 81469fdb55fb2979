package io.overlaykit.netlink.internal;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.spi.RequestHook;
import java.io.ByteArrayOutputStream;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Many requests on one {@link NetlinkSocket} in as few datagrams as its buffers allow: each message carries
 * NLM_F_ACK and its own sequence number, a datagram holds at most the socket's batch limits (bytes and
 * messages), and the ACKs of one datagram are read before the next is sent (the kernel queues them all
 * while it works through the datagram, so the receive buffer bounds how many may be outstanding). The kernel
 * goes on with the next message of a datagram after one fails, so every message gets its own outcome.
 *
 * <p>Each message is shown to the {@link RequestHook} just before it joins a datagram. When the hook throws
 * at message k, messages 0..k-1 are still sent and answered, and k onwards are not sent.
 */
public final class NetlinkBatch {
    private static final System.Logger LOG = System.getLogger(NetlinkBatch.class.getName());

    private NetlinkBatch() {
    }

    /** One message of a batch and what it does (for the hook and for messages). */
    public record Request(NlWriter message, String operation) {
        public Request {
            if ((message.flags() & Rtnl.NLM_F_ACK) == 0) {
                throw new IllegalArgumentException(operation + ": a batched request needs NLM_F_ACK");
            }
        }
    }

    /** What became of one message. */
    public enum Status {
        /** The kernel acknowledged it. */
        ACKED,
        /** The kernel answered with an errno. */
        REFUSED,
        /** Sent, but no answer came (the batch stopped: timeout or a broken socket); it may have taken effect. */
        UNANSWERED,
        /** Never sent (the hook refused it or an earlier message, or the batch stopped before it). */
        NOT_SENT
    }

    /** The outcome of one message: for {@link Status#REFUSED} the errno and the kernel's extended-ACK text. */
    public record Outcome(Status status, int errno, String extAck) {
        static final Outcome ACK = new Outcome(Status.ACKED, 0, null);
        static final Outcome NOT_SENT = new Outcome(Status.NOT_SENT, 0, null);
        static final Outcome UNANSWERED = new Outcome(Status.UNANSWERED, 0, null);
    }

    /**
     * One outcome per request, in order, and why the batch stopped before its end: the hook's exception or
     * a transport failure (null when every message was sent and answered).
     */
    public record Result(List<Outcome> outcomes, RuntimeException stopped) {
        public Result {
            outcomes = List.copyOf(outcomes);
        }
    }

    /** Sends {@code requests} in order and returns what the kernel made of each. */
    public static Result send(NetlinkSocket socket, List<Request> requests, RequestHook hook) {
        Outcome[] out = new Outcome[requests.size()];
        Arrays.fill(out, Outcome.NOT_SENT);
        if (requests.isEmpty()) {
            return new Result(List.of(), null);
        }
        synchronized (socket) {
            socket.ensureOpen(requests.get(0).operation());
            RuntimeException stopped = null;
            int next = 0;
            while (next < requests.size() && stopped == null) {
                ByteArrayOutputStream datagram = new ByteArrayOutputStream();
                Map<Integer, Integer> pending = new HashMap<>(); // seq -> index
                while (next < requests.size() && pending.size() < socket.maxBatchMessages()) {
                    Request r = requests.get(next);
                    if (datagram.size() > 0 && datagram.size() + r.message().length() > socket.maxBatchBytes()) {
                        break; // the next datagram takes it
                    }
                    try {
                        hook.beforeRequest(RequestHook.Backend.NETLINK, NetlinkSocket.access(r.message()), r.operation());
                    } catch (RuntimeException e) {
                        stopped = e;
                        break;
                    }
                    int seq = socket.nextSeq();
                    datagram.writeBytes(r.message().finish(seq, socket.portId()));
                    pending.put(seq, next);
                    next++;
                }
                if (pending.isEmpty()) {
                    break;
                }
                String what = requests.get(pending.values().stream().min(Integer::compare).orElseThrow()).operation();
                try {
                    socket.sendDatagram(datagram.toByteArray());
                } catch (RuntimeException e) {
                    // refused as a whole (EMSGSIZE, ENOBUFS): the kernel read none of it
                    RuntimeException failure = new BackendException(what + " (and " + (pending.size() - 1)
                            + " more requests) in namespace " + socket.where() + ": " + e.getMessage(), e);
                    return new Result(List.of(out), addTo(stopped, failure));
                }
                RuntimeException lost = collect(socket, pending, out, what);
                if (lost != null) {
                    stopped = addTo(stopped, lost);
                }
            }
            return new Result(List.of(out), stopped);
        }
    }

    /** Reads the answers to {@code pending}; returns the transport failure that ended the wait, or null. */
    private static RuntimeException collect(NetlinkSocket socket, Map<Integer, Integer> pending, Outcome[] out,
                                            String what) {
        while (!pending.isEmpty()) {
            List<NlMessage> messages;
            try {
                messages = socket.receiveFor(what, false);
            } catch (RuntimeException e) {
                pending.values().forEach(i -> out[i] = Outcome.UNANSWERED);
                return e;
            }
            for (NlMessage m : messages) {
                Integer index = m.type() == Rtnl.NLMSG_ERROR ? pending.remove(m.seq()) : null;
                if (index == null) {
                    LOG.log(Level.DEBUG, "{0}: dropping a message outside the batch: {1}", socket.where(), m);
                    continue;
                }
                int errno = m.errno();
                out[index] = errno == 0 ? Outcome.ACK : new Outcome(Status.REFUSED, errno, m.extAckMessage());
            }
        }
        return null;
    }

    private static RuntimeException addTo(RuntimeException first, RuntimeException more) {
        if (first == null) {
            return more;
        }
        first.addSuppressed(more);
        return first;
    }
}
