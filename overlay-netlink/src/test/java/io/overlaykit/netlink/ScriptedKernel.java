package io.overlaykit.netlink;

import io.overlaykit.netlink.internal.Errno;
import io.overlaykit.netlink.internal.KernelCapture;
import io.overlaykit.netlink.internal.NetlinkSocket;
import io.overlaykit.netlink.internal.NlMessage;
import io.overlaykit.netlink.internal.NlWriter;
import io.overlaykit.netlink.internal.Rtnl;
import io.overlaykit.netlink.internal.SysCallException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * TEST ONLY: the kernel side of a netlink socket, scripted. Dump requests are answered with datagrams captured
 * from a real kernel (observe-capture.txt; sequence number and port id patched to the request's); every other
 * message gets, in the order it arrives, the answer {@code writes} gives for its position (null: an ACK). It
 * records what was sent and whether a datagram was sent while answers to the previous one were still unread.
 */
final class ScriptedKernel implements NetlinkSocket.Datagrams {
    static final int PORT_ID = 4242;
    static final KernelCapture CAPTURE = new KernelCapture("observe-capture.txt");
    private static final Map<String, String> DUMPS = Map.of(
            Rtnl.RTM_GETLINK + "/0", "dumpLink", Rtnl.RTM_GETADDR + "/0", "dumpAddr",
            Rtnl.RTM_GETROUTE + "/0", "dumpRoute", Rtnl.RTM_GETRULE + "/0", "dumpRule",
            Rtnl.RTM_GETNEIGH + "/0", "dumpNeigh", Rtnl.RTM_GETNEIGH + "/7", "dumpFdb");

    /** The kernel's answer to one message: an errno (0 for an ACK) and an extended-ACK text; or no answer. */
    record Answer(int errno, String extAck, boolean silent, byte[] captured) {
        static Answer refuse(int errno, String extAck) {
            return new Answer(errno, extAck, false, null);
        }

        static Answer silence() {
            return new Answer(0, null, true, null);
        }

        /** A datagram the real kernel sent (its sequence number and port id are patched). */
        static Answer captured(byte[] datagram) {
            return new Answer(0, null, false, datagram);
        }
    }

    private final IntFunction<Answer> writes;
    private final Deque<byte[]> pending = new ArrayDeque<>();
    final List<byte[]> datagrams = new ArrayList<>();
    final List<NlMessage> writesSent = new ArrayList<>();
    final Map<String, Integer> dumpsSent = new HashMap<>();
    boolean sentWithAnswersUnread;

    ScriptedKernel(IntFunction<Answer> writes) {
        this.writes = writes;
    }

    /** A kernel that acknowledges every write. */
    static ScriptedKernel accepting() {
        return new ScriptedKernel(i -> null);
    }

    /** A socket over this kernel with the given batch limits. */
    NetlinkSocket socket(int maxBatchBytes, int maxBatchMessages) {
        return NetlinkSocket.over(this, PORT_ID, "okfn-scripted", maxBatchBytes, maxBatchMessages);
    }

    @Override
    public void send(byte[] datagram) {
        sentWithAnswersUnread |= !pending.isEmpty();
        datagrams.add(datagram);
        for (NlMessage m : NlMessage.parseAll(datagram, datagram.length)) {
            if (Rtnl.isGet(m.type()) && (m.flags() & Rtnl.NLM_F_DUMP) == Rtnl.NLM_F_DUMP) {
                String name = DUMPS.get(m.type() + "/" + m.u8(0));
                dumpsSent.merge(name, 1, Integer::sum);
                for (byte[] d : CAPTURE.replyDatagrams(name)) {
                    pending.add(patched(d, m.seq()));
                }
                continue;
            }
            int index = writesSent.size();
            writesSent.add(m);
            Answer a = writes.apply(index);
            if (a == null) {
                pending.add(ack(m, 0, null));
            } else if (a.captured() != null) {
                pending.add(patched(a.captured(), m.seq()));
            } else if (!a.silent()) {
                pending.add(ack(m, a.errno(), a.extAck()));
            }
        }
    }

    @Override
    public int receive(byte[] buffer) {
        byte[] d = pending.poll();
        if (d == null) {
            throw new SysCallException("recv", Errno.EAGAIN, null);
        }
        System.arraycopy(d, 0, buffer, 0, Math.min(d.length, buffer.length));
        return d.length;
    }

    @Override
    public void close() {
    }

    /** A captured datagram with every message's sequence number and port id set to ours. */
    static byte[] patched(byte[] datagram, int seq) {
        byte[] d = Arrays.copyOf(datagram, datagram.length);
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.nativeOrder());
        for (int off = 0; off + Rtnl.NLMSG_HDRLEN <= d.length; ) {
            int len = b.getInt(off);
            b.putInt(off + 8, seq).putInt(off + 12, PORT_ID);
            off += (len + 3) & ~3;
        }
        return d;
    }

    /** NLMSG_ERROR as the kernel sends it with NETLINK_CAP_ACK: errno, the request's header, extended-ACK text. */
    static byte[] ack(NlMessage request, int errno, String extAck) {
        NlWriter w = new NlWriter(Rtnl.NLMSG_ERROR, Rtnl.NLM_F_CAPPED | (extAck == null ? 0 : Rtnl.NLM_F_ACK_TLVS))
                .u32(-errno).u32(Rtnl.NLMSG_HDRLEN + request.body().limit()).u16(request.type())
                .u16(request.flags()).u32(request.seq()).u32(request.pid());
        if (extAck != null) {
            w.attrString(Rtnl.NLMSGERR_ATTR_MSG, extAck);
        }
        return w.finish(request.seq(), PORT_ID);
    }
}
