package io.overlaykit.netlink.internal;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.OverlayTimeoutException;
import io.overlaykit.core.spi.RequestHook;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A NETLINK_ROUTE socket: the connection layer. It must be opened on a thread inside the namespace it
 * should serve (a netlink socket belongs to the namespace it was created in); afterwards any thread may
 * use it. Requests are serialized; replies are matched by sequence number and port id, dumps are read
 * to NLMSG_DONE, errors carry the kernel's extended-ACK text. Nothing blocks longer than the receive
 * timeout. Many requests in few datagrams: {@link NetlinkBatch}, within this socket's batch limits.
 */
public final class NetlinkSocket implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NetlinkSocket.class.getName());
    private static final int RCVBUF = 1 << 20;
    /** The kernel sizes dump datagrams to at most 32 KiB; a single larger message grows the buffer. */
    private static final int RECV_BUFFER = 32 * 1024;
    private static final int MAX_RECV_BUFFER = 16 * 1024 * 1024;
    private static final int SOCKADDR_NL_LEN = 12;

    /** Batches stay well below any socket buffer: the kernel refuses a datagram above sk_sndbuf - 32. */
    static final int MAX_BATCH_BYTES = 64 * 1024;
    /**
     * Each message of a batch gets its own ACK, queued on our socket while the kernel works through the
     * datagram; a few hundred small ACKs fit the 1 MiB receive buffer with room to spare.
     */
    static final int MAX_BATCH_MESSAGES = 256;

    private final Datagrams io;
    private final int portId;
    private final String where;
    private final int maxBatchBytes;
    private final int maxBatchMessages;
    private byte[] recvBuffer = new byte[RECV_BUFFER];
    private final AtomicBoolean closed = new AtomicBoolean();
    private int seq = (int) (System.nanoTime() & 0x3FFF_FFFF);

    /** The datagram transport underneath: a netlink fd, or a scripted peer in tests. */
    public interface Datagrams {
        void send(byte[] message);

        /** One datagram into {@code buffer}; returns its real length, which may exceed the buffer. */
        int receive(byte[] buffer);

        void close();
    }

    /** A kernel socket. */
    private record FdDatagrams(int fd) implements Datagrams {
        @Override
        public void send(byte[] message) {
            Sys.send(fd, message);
        }

        @Override
        public int receive(byte[] buffer) {
            return Sys.recv(fd, buffer);
        }

        @Override
        public void close() {
            Sys.closeQuietly(fd);
        }
    }

    NetlinkSocket(Datagrams io, int portId, String where) {
        this(io, portId, where, MAX_BATCH_BYTES, MAX_BATCH_MESSAGES);
    }

    private NetlinkSocket(Datagrams io, int portId, String where, int maxBatchBytes, int maxBatchMessages) {
        this.io = io;
        this.portId = portId;
        this.where = where;
        this.maxBatchBytes = maxBatchBytes;
        this.maxBatchMessages = maxBatchMessages;
    }

    /**
     * A socket over another transport (tests: a scripted kernel) whose batches are cut into datagrams of at
     * most {@code maxBatchBytes} bytes and {@code maxBatchMessages} messages.
     */
    public static NetlinkSocket over(Datagrams io, int portId, String where, int maxBatchBytes,
                                     int maxBatchMessages) {
        return new NetlinkSocket(io, portId, where, maxBatchBytes, maxBatchMessages);
    }

    /**
     * Opens, configures and binds a socket in the calling thread's namespace.
     *
     * @param groups multicast groups to join (0 for a request socket)
     * @param where  the namespace's label, for messages
     * @param timeoutMillis receive timeout
     */
    public static NetlinkSocket open(int groups, String where, int timeoutMillis) {
        return open(Rtnl.NETLINK_ROUTE, groups, where, timeoutMillis);
    }

    /**
     * {@link #open(int, String, int)} for another netlink protocol ({@link Genl#NETLINK_GENERIC}): the same
     * extended ACKs, buffers and timeout.
     *
     * @param protocol the netlink protocol number
     * @param groups multicast groups to join (0 for a request socket)
     * @param where  the namespace's label, for messages
     * @param timeoutMillis receive timeout
     * @return the bound socket
     */
    public static NetlinkSocket open(int protocol, int groups, String where, int timeoutMillis) {
        int fd = Sys.socket(LibC.AF_NETLINK, LibC.SOCK_RAW, protocol);
        try {
            byte[] one = intBytes(1);
            Sys.setsockopt(fd, Rtnl.SOL_NETLINK, Rtnl.NETLINK_EXT_ACK, one, "NETLINK_EXT_ACK");
            Sys.setsockopt(fd, Rtnl.SOL_NETLINK, Rtnl.NETLINK_CAP_ACK, one, "NETLINK_CAP_ACK");
            try {
                Sys.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, intBytes(RCVBUF), "SO_RCVBUFFORCE");
            } catch (SysCallException e) {
                // without CAP_NET_ADMIN the capped variant still helps
                Sys.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, intBytes(RCVBUF), "SO_RCVBUF");
            }
            ByteBuffer tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
            tv.putLong(0, timeoutMillis / 1000).putLong(8, (timeoutMillis % 1000) * 1000L);
            Sys.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, tv.array(), "SO_RCVTIMEO");
            ByteBuffer addr = ByteBuffer.allocate(SOCKADDR_NL_LEN).order(ByteOrder.nativeOrder());
            addr.putShort(0, (short) LibC.AF_NETLINK).putInt(8, groups);
            Sys.bind(fd, addr.array());
            int pid = ByteBuffer.wrap(Sys.getsockname(fd, SOCKADDR_NL_LEN)).order(ByteOrder.nativeOrder()).getInt(4);
            // netlink_sendmsg refuses a datagram longer than sk_sndbuf - 32 (getsockopt reports sk_sndbuf)
            int sndbuf = Sys.getsockoptInt(fd, LibC.SOL_SOCKET, LibC.SO_SNDBUF, "SO_SNDBUF");
            int maxBytes = Math.max(4096, Math.min(MAX_BATCH_BYTES, sndbuf / 2));
            return new NetlinkSocket(new FdDatagrams(fd), pid, where, maxBytes, MAX_BATCH_MESSAGES);
        } catch (RuntimeException e) {
            Sys.closeQuietly(fd);
            throw e;
        }
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    public int portId() {
        return portId;
    }

    /**
     * Sends a request with NLM_F_ACK and returns the replies that precede the ACK (for a GET, the object).
     *
     * @throws NetlinkError when the kernel answers with an error
     */
    public List<NlMessage> request(NlWriter message, String operation) {
        return request(message, operation, RequestHook.NONE);
    }

    /** {@link #request(NlWriter, String)} that first shows the request to {@code hook}; a throwing hook sends nothing. */
    public List<NlMessage> request(NlWriter message, String operation, RequestHook hook) {
        return request(message, operation, hook, access(message));
    }

    /**
     * {@link #request(NlWriter, String, RequestHook)} for a protocol whose message types do not tell a GET
     * (generic netlink: the type is the family id, the command decides).
     *
     * @param message the request
     * @param operation what it does, for the hook and for messages
     * @param hook sees the request first; a throwing hook sends nothing
     * @param access whether the request reads or writes
     * @return the replies before the ACK
     */
    public synchronized List<NlMessage> request(NlWriter message, String operation, RequestHook hook,
                                                RequestHook.Access access) {
        hook.beforeRequest(RequestHook.Backend.NETLINK, access, operation);
        return exchange(message, operation, false);
    }

    /**
     * READ for a GET (a dump is a GET with NLM_F_DUMP), WRITE for everything else. The type decides, not the
     * flags: NLM_F_DUMP's bits mean NLM_F_REPLACE and NLM_F_EXCL on a NEW request.
     */
    public static RequestHook.Access access(NlWriter message) {
        return Rtnl.isGet(message.type()) ? RequestHook.Access.READ : RequestHook.Access.WRITE;
    }

    /**
     * Sends a dump request and returns every message up to NLMSG_DONE. An interrupted dump
     * (NLM_F_DUMP_INTR: the table changed meanwhile) is repeated up to three times, then reported as a
     * retryable {@link BackendException}.
     */
    public List<NlMessage> dump(NlWriter message, String operation) {
        return dump(message, operation, RequestHook.NONE);
    }

    /** {@link #dump(NlWriter, String)} that shows each attempt to {@code hook} before it is sent. */
    public synchronized List<NlMessage> dump(NlWriter message, String operation, RequestHook hook) {
        for (int attempt = 1; ; attempt++) {
            hook.beforeRequest(RequestHook.Backend.NETLINK, RequestHook.Access.READ, operation);
            try {
                return exchange(message, operation, true);
            } catch (BackendException e) {
                if (!e.isRetryable() || attempt >= 3) {
                    throw e;
                }
                LOG.log(Level.DEBUG, "{0}: dump interrupted, attempt {1}", operation, attempt);
            }
        }
    }

    private List<NlMessage> exchange(NlWriter message, String operation, boolean dump) {
        ensureOpen(operation);
        int mySeq = nextSeq();
        io.send(message.finish(mySeq, portId));
        List<NlMessage> out = new ArrayList<>();
        boolean interrupted = false;
        while (true) {
            for (NlMessage m : receiveFor(operation, dump)) {
                if (m.seq() != mySeq) {
                    LOG.log(Level.DEBUG, "{0}: dropping stale message {1}", where, m);
                    continue;
                }
                interrupted |= (m.flags() & Rtnl.NLM_F_DUMP_INTR) != 0;
                switch (m.type()) {
                    case Rtnl.NLMSG_ERROR -> {
                        int errno = m.errno();
                        if (errno == 0) {
                            return out;
                        }
                        throw new NetlinkError(errno, m.extAckMessage());
                    }
                    case Rtnl.NLMSG_DONE -> {
                        if (m.body().limit() >= 4 && m.body().getInt(0) < 0) {
                            throw new NetlinkError(-m.body().getInt(0), null);
                        }
                        if (interrupted) {
                            throw new BackendException(operation + " in namespace " + where
                                    + ": dump interrupted by a concurrent change (NLM_F_DUMP_INTR)", null, true);
                        }
                        return out;
                    }
                    case Rtnl.NLMSG_NOOP, Rtnl.NLMSG_OVERRUN -> {
                        // nothing to keep
                    }
                    default -> {
                        out.add(m);
                        if (!dump && (m.flags() & Rtnl.NLM_F_MULTI) == 0 && (message.flags() & Rtnl.NLM_F_ACK) == 0) {
                            return out;
                        }
                    }
                }
            }
        }
    }

    void ensureOpen(String operation) {
        if (closed.get()) {
            throw new BackendException(operation + " in namespace " + where + ": netlink socket is closed");
        }
    }

    int nextSeq() {
        return ++seq;
    }

    String where() {
        return where;
    }

    int maxBatchBytes() {
        return maxBatchBytes;
    }

    int maxBatchMessages() {
        return maxBatchMessages;
    }

    void sendDatagram(byte[] datagram) {
        io.send(datagram);
    }

    /**
     * The messages of the next datagram addressed to us (other port ids dropped), as a copy: messages keep
     * views of their datagram, and the buffer is reused. A datagram larger than the buffer is lost: the
     * buffer grows and the failure is retryable when {@code retryable} (a dump can be repeated).
     */
    List<NlMessage> receiveFor(String operation, boolean retryable) {
        int n;
        try {
            n = io.receive(recvBuffer);
        } catch (SysCallException e) {
            if (e.errno() == Errno.EAGAIN) {
                throw new OverlayTimeoutException(operation + " in namespace " + where
                        + ": no answer from the kernel in time", e);
            }
            throw new BackendException(operation + " in namespace " + where + ": " + e.getMessage(), e);
        }
        if (n > recvBuffer.length) {
            grow(n);
            throw new BackendException(operation + " in namespace " + where + ": reply of " + n
                    + " bytes exceeded the receive buffer (now " + recvBuffer.length + " bytes)", null, retryable);
        }
        List<NlMessage> out = new ArrayList<>();
        for (NlMessage m : NlMessage.parseAll(Arrays.copyOf(recvBuffer, n), n)) {
            if (m.pid() != portId && m.pid() != 0) {
                LOG.log(Level.DEBUG, "{0}: dropping a message for port {1}", where, m.pid());
                continue;
            }
            out.add(m);
        }
        return out;
    }

    /** What one receive on a subscription brought: messages, and whether events were lost before them. */
    public record Received(List<NlMessage> messages, boolean lost) {
        static final Received NOTHING = new Received(List.of(), false);
        static final Received LOST = new Received(List.of(), true);
    }

    /**
     * Receives one datagram for a subscription: its messages, nothing when the receive timeout passed
     * without one, or {@link Received#lost()} when the kernel dropped events (ENOBUFS: the socket buffer
     * overran) or a datagram was larger than the buffer (its bytes are gone; the buffer grows for the
     * next). The socket stays usable after a loss.
     */
    public Received receiveEvents() {
        int n;
        try {
            n = io.receive(recvBuffer);
        } catch (SysCallException e) {
            if (e.errno() == Errno.EAGAIN || e.errno() == Errno.EINTR) {
                return Received.NOTHING;
            }
            if (e.errno() == Errno.ENOBUFS) {
                LOG.log(Level.DEBUG, "{0}: netlink events lost (ENOBUFS)", where);
                return Received.LOST;
            }
            throw e;
        }
        if (n > recvBuffer.length) {
            LOG.log(Level.DEBUG, "{0}: netlink event datagram of {1} bytes truncated", where, n);
            grow(n);
            return Received.LOST; // never parse a partial datagram
        }
        return new Received(NlMessage.parseAll(Arrays.copyOf(recvBuffer, n), n), false);
    }

    private void grow(int atLeast) {
        int size = recvBuffer.length;
        while (size < atLeast && size < MAX_RECV_BUFFER) {
            size *= 2;
        }
        recvBuffer = new byte[size];
    }

    /** The current receive buffer size (for tests). */
    int receiveBufferSize() {
        return recvBuffer.length;
    }

    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            io.close();
        }
    }

    /** The kernel refused a request: errno and its extended-ACK text. Turned into public exceptions by callers. */
    public static final class NetlinkError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final String extAck;

        public NetlinkError(int errno, String extAck) {
            super(Errno.describe(errno) + (extAck == null ? "" : ": " + extAck), null, false, false);
            this.errno = errno;
            this.extAck = extAck;
        }

        public int errno() {
            return errno;
        }

        public String extAck() {
            return extAck;
        }
    }
}
