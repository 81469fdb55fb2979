package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.overlaykit.core.BatchException;
import io.overlaykit.core.Bridge;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.OverlayTimeoutException;
import io.overlaykit.core.Route;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.spi.NetOp;
import io.overlaykit.core.spi.RequestCounter;
import io.overlaykit.core.spi.RequestHook;
import io.overlaykit.netlink.internal.Errno;
import io.overlaykit.netlink.internal.NlMessage;
import io.overlaykit.netlink.internal.Rtnl;
import io.overlaykit.netlink.internal.RtnlMessages;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** execute() against a scripted kernel: per-message outcomes, chunking, the request hook. */
class NetOpBatchTest {
    private static final InterfaceName A = InterfaceName.of("okcap-a");

    private final LinuxNamespaces namespaces = new LinuxNamespaces();

    @AfterEach
    void close() {
        namespaces.close();
    }

    private RtnetlinkLinks over(ScriptedKernel kernel, int maxBytes, int maxMessages) {
        return new RtnetlinkLinks(new RtnlChannel(namespaces, NetNamespace.named("okcap"),
                kernel.socket(maxBytes, maxMessages), 1));
    }

    /** The six ops whose messages and answers observe-capture.txt holds ("batch"). */
    private static List<NetOp> capturedSix() {
        return List.of(
                new NetOp.AddAddress(A, IpPrefix.parse("10.9.0.1/24")),
                new NetOp.AddAddress(A, IpPrefix.parse("10.9.0.2/24")),
                new NetOp.AddRoute(new Route(IpPrefix.parse("10.77.0.0/24"), IpPrefix.parseAddress("10.200.0.1"), null,
                        false, Route.MAIN_TABLE, null)),
                new NetOp.AddAddress(A, IpPrefix.parse("10.9.0.3/24")),
                new NetOp.AddRoute(new Route(IpPrefix.parse("10.78.0.0/24"), IpPrefix.parseAddress("10.9.0.254"), A,
                        false, Route.MAIN_TABLE, null)),
                new NetOp.SetUp(A, true));
    }

    /** Header bytes zeroed where a capture differs from us by nature: sequence number and port id. */
    private static byte[] normalized(byte[] message) {
        byte[] m = message.clone();
        ByteBuffer.wrap(m).order(ByteOrder.nativeOrder()).putInt(8, 0).putInt(12, 0);
        return m;
    }

    private static List<byte[]> messages(byte[] datagram) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(datagram).order(ByteOrder.nativeOrder());
        for (int off = 0; off < datagram.length; off += (b.getInt(off) + 3) & ~3) {
            out.add(normalized(java.util.Arrays.copyOfRange(datagram, off, off + b.getInt(off))));
        }
        return out;
    }

    @Test
    void messageThreeOfSixFailsAndFourToSixStillTakeEffect() {
        List<byte[]> replies = ScriptedKernel.CAPTURE.replyDatagrams("batch");
        ScriptedKernel kernel = new ScriptedKernel(i -> ScriptedKernel.Answer.captured(replies.get(i)));
        RtnetlinkLinks links = over(kernel, 64 * 1024, 256);

        BatchException e = catchThrowableOfType(BatchException.class, () -> links.execute(capturedSix()));

        // what we sent is, byte for byte, the batch the real kernel answered in the capture
        assertThat(kernel.datagrams).hasSize(2); // the link dump for okcap-a's ifindex, then one datagram
        List<byte[]> sent = messages(kernel.datagrams.get(1));
        List<byte[]> captured = messages(ScriptedKernel.CAPTURE.request("batch"));
        assertThat(sent).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(sent.get(i)).as("message %d", i).isEqualTo(captured.get(i));
        }
        assertThat(e.failedIndex()).isEqualTo(2);
        assertThat(e.applied()).containsExactly(0, 1, 3, 4, 5);
        assertThat(e.getCause()).isInstanceOfSatisfying(NetlinkException.class, n -> {
            assertThat(n.errno()).isEqualTo(101);
            assertThat(n.errnoName()).isEqualTo("ENETUNREACH");
            assertThat(n.kernelMessage()).isEqualTo("Nexthop has invalid gateway");
            assertThat(n.operation()).isEqualTo("add route 10.77.0.0/24 via 10.200.0.1");
            assertThat(n.namespace()).isEqualTo("okcap");
        });
        assertThat(e).hasMessageContaining("op 2 of 6").hasMessageContaining("5 applied, 1 failed");
    }

    @Test
    void everyMessageOfABatchIsAcknowledgedOnItsOwnAndMatchedBySequenceNumber() {
        ScriptedKernel kernel = new ScriptedKernel(i -> i == 1 || i == 4
                ? ScriptedKernel.Answer.refuse(Errno.EEXIST, "File exists") : null);
        RtnetlinkLinks links = over(kernel, 64 * 1024, 256);
        List<NetOp> ops = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ops.add(new NetOp.CreateBridge(Bridge.named("okfn-br" + i)));
        }

        BatchException e = catchThrowableOfType(BatchException.class, () -> links.execute(ops));

        assertThat(e.applied()).containsExactly(0, 2, 3, 5);
        assertThat(e.failedIndex()).isEqualTo(1);
        assertThat(e.getCause()).isInstanceOf(ConflictException.class).hasCauseInstanceOf(NetlinkException.class);
        assertThat(kernel.datagrams).hasSize(1); // no op needs an ifindex: no link dump
        assertThat(kernel.writesSent).extracting(NlMessage::seq).doesNotHaveDuplicates();
        assertThat(kernel.writesSent).allSatisfy(m -> assertThat(m.flags() & Rtnl.NLM_F_ACK).isNotZero());
    }

    @Test
    void aBatchLargerThanTheSocketAllowsIsCutIntoDatagramsAndEachIsAnsweredBeforeTheNext() {
        ScriptedKernel kernel = ScriptedKernel.accepting();
        RtnetlinkLinks links = over(kernel, 200, 3); // about three small messages per datagram
        List<NetOp> ops = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ops.add(new NetOp.SetMtu(InterfaceName.of("okfn-l" + i), 1400 + i));
        }

        links.execute(ops);

        assertThat(kernel.writesSent).hasSize(10);
        assertThat(kernel.datagrams).hasSizeGreaterThanOrEqualTo(4).allSatisfy(d -> assertThat(d.length)
                .isLessThanOrEqualTo(200));
        assertThat(kernel.datagrams).allSatisfy(d -> assertThat(NlMessage.parseAll(d, d.length)).hasSizeLessThanOrEqualTo(3));
        assertThat(kernel.sentWithAnswersUnread).isFalse();
        assertThat(kernel.writesSent).extracting(m -> RtnlMessages.decodeLink(m).name())
                .containsExactly("okfn-l0", "okfn-l1", "okfn-l2", "okfn-l3", "okfn-l4", "okfn-l5", "okfn-l6", "okfn-l7",
                        "okfn-l8", "okfn-l9");
    }

    @Test
    void aHookThatThrowsAtMessageKLetsTheFirstKGoAndSendsNothingAfter() {
        ScriptedKernel kernel = ScriptedKernel.accepting();
        RtnetlinkLinks links = over(kernel, 64 * 1024, 256);
        RuntimeException injected = new IllegalStateException("injected at the fourth write");
        int[] writes = {0};
        namespaces.requestHook((backend, access, op) -> {
            if (access == RequestHook.Access.WRITE && ++writes[0] == 4) {
                throw injected;
            }
        });
        List<NetOp> ops = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ops.add(new NetOp.SetUp(InterfaceName.of("okfn-l" + i), true));
        }

        BatchException e = catchThrowableOfType(BatchException.class, () -> links.execute(ops));

        assertThat(kernel.writesSent).hasSize(3);
        assertThat(e.applied()).containsExactly(0, 1, 2);
        assertThat(e.failedIndex()).isEqualTo(3);
        assertThat(e.getCause()).isSameAs(injected);
    }

    @Test
    void linksCreatedInTheBatchGetAnIfindexThatLaterOpsUse() {
        ScriptedKernel kernel = ScriptedKernel.accepting();
        RtnetlinkLinks links = over(kernel, 64 * 1024, 256);
        int highest = links.list().stream().mapToInt(l -> l.index()).max().orElseThrow();
        kernel.writesSent.clear();

        links.execute(List.of(
                new NetOp.CreateVeth(VethPair.builder("okfn-v").peer("okfn-w").alias("overlaykit:t").build()),
                new NetOp.AddAddress(InterfaceName.of("okfn-w"), IpPrefix.parse("10.1.0.1/24")),
                new NetOp.SetMaster(InterfaceName.of("okfn-w"), A)));

        List<NlMessage> w = kernel.writesSent;
        assertThat(w).extracting(NlMessage::type).containsExactly(Rtnl.RTM_NEWLINK, Rtnl.RTM_SETLINK, Rtnl.RTM_NEWADDR,
                Rtnl.RTM_SETLINK);
        assertThat(w.get(0).u32(4)).isEqualTo(highest + 1);        // this end's ifindex, chosen by us
        assertThat(w.get(2).u32(4)).isEqualTo(highest + 2);        // the address goes on the peer: the next one
        assertThat(RtnlMessages.decodeLink(w.get(1)).alias()).isEqualTo("overlaykit:t");
        int okcapA = links.observe().link(A).orElseThrow().index();
        assertThat(RtnlMessages.decodeLink(w.get(3)).master()).isEqualTo(okcapA);
    }

    @Test
    void opsOnLinksThatExistNowhereFailBeforeSendingAndTheRestGoOn() {
        ScriptedKernel kernel = ScriptedKernel.accepting();
        RtnetlinkLinks links = over(kernel, 64 * 1024, 256);

        BatchException e = catchThrowableOfType(BatchException.class, () -> links.execute(List.of(
                new NetOp.AddAddress(InterfaceName.of("okfn-none"), IpPrefix.parse("10.1.0.1/24")),
                new NetOp.DeleteAddress(InterfaceName.of("okfn-none"), IpPrefix.parse("10.1.0.1/24")),
                new NetOp.AddAddress(A, IpPrefix.parse("10.1.0.2/24")))));

        assertThat(e.failedIndex()).isZero();
        assertThat(e.getCause()).isInstanceOf(NotFoundException.class).hasMessageContaining("okfn-none");
        assertThat(e.applied()).containsExactly(1, 2); // a delete of what is not there has nothing to do
        assertThat(kernel.writesSent).hasSize(1);
    }

    @Test
    void aKernelThatStopsAnsweringEndsTheBatchWithATimeout() {
        ScriptedKernel kernel = new ScriptedKernel(i -> i == 1 ? ScriptedKernel.Answer.silence() : null);
        RtnetlinkLinks links = over(kernel, 64 * 1024, 256);

        BatchException e = catchThrowableOfType(BatchException.class, () -> links.execute(List.of(
                new NetOp.SetUp(A, true), new NetOp.SetUp(A, false), new NetOp.SetUp(A, true))));

        assertThat(e.getCause()).isInstanceOf(OverlayTimeoutException.class);
        assertThat(e.applied()).containsExactly(0, 2); // the unanswered one may or may not have happened
        assertThat(e.failedIndex()).isEqualTo(1);
    }

    @Test
    void everyMessageIsCountedAndAnEmptyBatchSendsNothing() {
        ScriptedKernel kernel = ScriptedKernel.accepting();
        RtnetlinkLinks links = over(kernel, 64 * 1024, 256);
        RequestCounter counter = new RequestCounter();
        namespaces.requestHook(counter);

        links.execute(List.of());
        assertThat(counter.snapshot()).isEmpty();
        links.execute(List.of(new NetOp.AddAddress(A, IpPrefix.parse("10.1.0.1/24")), new NetOp.SetUp(A, true)));

        assertThat(counter.count(RequestHook.Backend.NETLINK, RequestHook.Access.READ)).isEqualTo(1); // the link dump
        assertThat(counter.count(RequestHook.Backend.NETLINK, RequestHook.Access.WRITE)).isEqualTo(2);
        counter.reset();
        links.execute(List.of(new NetOp.SetUp(A, true), new NetOp.SetMtu(A, 1400)));
        assertThat(counter.snapshot()).containsExactly(java.util.Map.entry("NETLINK_WRITE", 2L)); // by name: no dump
    }
}
