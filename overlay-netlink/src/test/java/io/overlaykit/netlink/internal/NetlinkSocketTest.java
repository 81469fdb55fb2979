package io.overlaykit.netlink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.OverlayTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The connection layer against a scripted peer: matching, dumps, interrupted dumps, errors, timeouts. */
class NetlinkSocketTest {
    private static final int PORT_ID = 4242;

    /** Answers each sent request with datagrams computed from it. */
    private static final class ScriptedPeer implements NetlinkSocket.Datagrams {
        private final Function<Integer, List<byte[]>> answer;
        private final Deque<byte[]> pending = new ArrayDeque<>();
        final List<byte[]> sent = new ArrayList<>();

        ScriptedPeer(Function<Integer, List<byte[]>> answerForSeq) {
            this.answer = answerForSeq;
        }

        @Override
        public void send(byte[] message) {
            sent.add(message);
            pending.addAll(answer.apply(ByteBuffer.wrap(message).order(ByteOrder.nativeOrder()).getInt(8)));
        }

        @Override
        public int receive(byte[] buffer) {
            byte[] d = pending.poll();
            if (d == null) {
                throw new SysCallException("recv", Errno.EAGAIN, null);
            }
            System.arraycopy(d, 0, buffer, 0, Math.min(d.length, buffer.length)); // MSG_TRUNC: the rest is gone
            return d.length;
        }

        @Override
        public void close() {
        }
    }

    private static byte[] link(int seq, int pid, int flags) {
        NlWriter w = new NlWriter(Rtnl.RTM_NEWLINK, flags).zeros(Rtnl.IFINFOMSG_LEN).attrString(Rtnl.IFLA_IFNAME, "x" + seq);
        return w.finish(seq, pid);
    }

    private static byte[] done(int seq, int flags) {
        return new NlWriter(Rtnl.NLMSG_DONE, Rtnl.NLM_F_MULTI | flags).u32(0).finish(seq, PORT_ID);
    }

    private static byte[] ack(int seq, int errno, String text) {
        NlWriter w = new NlWriter(Rtnl.NLMSG_ERROR, Rtnl.NLM_F_CAPPED | (text == null ? 0 : Rtnl.NLM_F_ACK_TLVS))
                .u32(-errno).zeros(Rtnl.NLMSG_HDRLEN);
        if (text != null) {
            w.attrString(Rtnl.NLMSGERR_ATTR_MSG, text);
        }
        return w.finish(seq, PORT_ID);
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    @Test
    void staleRepliesAndForeignPortIdsAreDropped() {
        ScriptedPeer peer = new ScriptedPeer(seq -> List.of(
                concat(link(seq - 1, PORT_ID, 0), ack(seq - 1, 0, null)),   // left over from a timed-out request
                link(seq, 777, 0),                                            // not for us
                concat(link(seq, PORT_ID, 0), ack(seq, 0, null))));
        NetlinkSocket s = new NetlinkSocket(peer, PORT_ID, "test");

        List<NlMessage> r = s.request(RtnlMessages.getLink("x"), "get link");

        assertThat(r).hasSize(1);
        assertThat(RtnlMessages.decodeLink(r.get(0)).name()).isEqualTo("x" + r.get(0).seq());
        assertThat(ByteBuffer.wrap(peer.sent.get(0)).order(ByteOrder.nativeOrder()).getInt(12)).isEqualTo(PORT_ID);
    }

    @Test
    void dumpsAreReadAcrossDatagramsToDone() {
        ScriptedPeer peer = new ScriptedPeer(seq -> List.of(
                concat(link(seq, PORT_ID, Rtnl.NLM_F_MULTI), link(seq, PORT_ID, Rtnl.NLM_F_MULTI)),
                link(seq, PORT_ID, Rtnl.NLM_F_MULTI),
                done(seq, 0)));
        NetlinkSocket s = new NetlinkSocket(peer, PORT_ID, "test");

        assertThat(s.dump(RtnlMessages.dump(Rtnl.RTM_GETLINK, 0, Rtnl.IFINFOMSG_LEN), "list links")).hasSize(3);
    }

    @Test
    void interruptedDumpIsRetriedThenReportedAsRetryable() {
        int[] calls = {0};
        ScriptedPeer flaky = new ScriptedPeer(seq -> ++calls[0] < 3
                ? List.of(link(seq, PORT_ID, Rtnl.NLM_F_MULTI | Rtnl.NLM_F_DUMP_INTR), done(seq, Rtnl.NLM_F_DUMP_INTR))
                : List.of(link(seq, PORT_ID, Rtnl.NLM_F_MULTI), done(seq, 0)));
        assertThat(new NetlinkSocket(flaky, PORT_ID, "test")
                .dump(RtnlMessages.dump(Rtnl.RTM_GETLINK, 0, Rtnl.IFINFOMSG_LEN), "list links")).hasSize(1);
        assertThat(flaky.sent).hasSize(3);

        ScriptedPeer busy = new ScriptedPeer(seq -> List.of(done(seq, Rtnl.NLM_F_DUMP_INTR)));
        assertThatThrownBy(() -> new NetlinkSocket(busy, PORT_ID, "hostA")
                .dump(RtnlMessages.dump(Rtnl.RTM_GETLINK, 0, Rtnl.IFINFOMSG_LEN), "list links"))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("list links in namespace hostA").hasMessageContaining("NLM_F_DUMP_INTR")
                .satisfies(e -> assertThat(((BackendException) e).isRetryable()).isTrue());
        assertThat(busy.sent).hasSize(3);
    }

    @Test
    void errorsCarryErrnoAndExtendedAck() {
        ScriptedPeer peer = new ScriptedPeer(seq -> List.of(ack(seq, Errno.EEXIST, "Link already exists")));
        assertThatThrownBy(() -> new NetlinkSocket(peer, PORT_ID, "test").request(RtnlMessages.getLink("x"), "op"))
                .isInstanceOfSatisfying(NetlinkSocket.NetlinkError.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EEXIST);
                    assertThat(e.extAck()).isEqualTo("Link already exists");
                    assertThat(e.getMessage()).isEqualTo("File exists (EEXIST): Link already exists");
                });
    }

    @Test
    void silenceBecomesATimeout() {
        ScriptedPeer silent = new ScriptedPeer(seq -> List.of());
        assertThatThrownBy(() -> new NetlinkSocket(silent, PORT_ID, "hostB").request(RtnlMessages.getLink("x"), "get link 'x'"))
                .isInstanceOf(OverlayTimeoutException.class).hasMessageContaining("get link 'x' in namespace hostB");
    }

    /** A subscription's datagrams as the kernel delivers them: whole, truncated, or an errno instead. */
    private static final class EventPeer implements NetlinkSocket.Datagrams {
        private final Deque<Object> pending = new ArrayDeque<>();

        EventPeer then(Object datagramOrErrno) {
            pending.add(datagramOrErrno);
            return this;
        }

        @Override
        public void send(byte[] message) {
            throw new AssertionError("a subscription sends nothing");
        }

        @Override
        public int receive(byte[] buffer) {
            Object next = pending.poll();
            if (next == null) {
                throw new SysCallException("recv", Errno.EAGAIN, null);
            }
            if (next instanceof Integer errno) {
                throw new SysCallException("recv", errno, null);
            }
            byte[] d = (byte[]) next;
            System.arraycopy(d, 0, buffer, 0, Math.min(d.length, buffer.length));
            return d.length;
        }

        @Override
        public void close() {
        }
    }

    /** One RTM_NEWLINK of about {@code size} bytes (a long alias makes it big). */
    private static byte[] bigLink(int size) {
        return new NlWriter(Rtnl.RTM_NEWLINK, 0).zeros(Rtnl.IFINFOMSG_LEN).attrString(Rtnl.IFLA_IFNAME, "big")
                .attrString(Rtnl.IFLA_IFALIAS, "a".repeat(size)).finish(0, 0);
    }

    @Test
    void eventsLostToAnOverrunAreReportedAndTheSocketGoesOn() {
        EventPeer peer = new EventPeer().then(Errno.ENOBUFS).then(link(0, 0, 0));
        NetlinkSocket s = new NetlinkSocket(peer, PORT_ID, "hostA");

        NetlinkSocket.Received first = s.receiveEvents();
        NetlinkSocket.Received second = s.receiveEvents();
        NetlinkSocket.Received idle = s.receiveEvents();

        assertThat(first.lost()).isTrue();
        assertThat(first.messages()).isEmpty();
        assertThat(second.lost()).isFalse();
        assertThat(second.messages()).hasSize(1);
        assertThat(idle.lost()).isFalse();
        assertThat(idle.messages()).isEmpty();
    }

    @Test
    void aTruncatedEventDatagramIsNeverParsedAndTheBufferGrows() {
        byte[] big = bigLink(40_000);
        EventPeer peer = new EventPeer().then(big).then(big);
        NetlinkSocket s = new NetlinkSocket(peer, PORT_ID, "hostA");

        NetlinkSocket.Received truncated = s.receiveEvents();
        NetlinkSocket.Received whole = s.receiveEvents();

        assertThat(truncated.lost()).isTrue();
        assertThat(truncated.messages()).isEmpty();
        assertThat(s.receiveBufferSize()).isGreaterThanOrEqualTo(big.length);
        assertThat(whole.lost()).isFalse();
        assertThat(whole.messages()).hasSize(1);
        assertThat(RtnlMessages.decodeLink(whole.messages().get(0)).name()).isEqualTo("big");
    }

    @Test
    void aTruncatedDumpIsRepeatedWithABiggerBuffer() {
        ScriptedPeer peer = new ScriptedPeer(seq -> List.of(concat(
                new NlWriter(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_MULTI).zeros(Rtnl.IFINFOMSG_LEN)
                        .attrString(Rtnl.IFLA_IFNAME, "big").attrString(Rtnl.IFLA_IFALIAS, "a".repeat(40_000))
                        .finish(seq, PORT_ID)), done(seq, 0)));
        NetlinkSocket s = new NetlinkSocket(peer, PORT_ID, "test");

        assertThat(s.dump(RtnlMessages.dump(Rtnl.RTM_GETLINK, 0, Rtnl.IFINFOMSG_LEN), "list links")).hasSize(1);
        assertThat(peer.sent).hasSize(2);
    }

    @Test
    void closedSocketRefusesRequests() {
        NetlinkSocket s = new NetlinkSocket(new ScriptedPeer(seq -> List.of()), PORT_ID, "test");
        s.close();
        s.close();
        assertThatThrownBy(() -> s.request(RtnlMessages.getLink("x"), "op")).isInstanceOf(BackendException.class)
                .hasMessageContaining("closed");
    }
}
