package io.overlaykit.netlink;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.RequestHook;
import io.overlaykit.netlink.internal.NetlinkBatch;
import io.overlaykit.netlink.internal.NetlinkSocket;
import io.overlaykit.netlink.internal.NetlinkSocket.NetlinkError;
import io.overlaykit.netlink.internal.NlMessage;
import io.overlaykit.netlink.internal.NlWriter;
import io.overlaykit.netlink.internal.NsExecutor;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The NETLINK_ROUTE socket of one namespace (or, for {@link GenericNetlink}, its NETLINK_GENERIC socket) and how
 * requests travel on it: each shown to the stack's
 * {@link RequestHook} first, each refusal turned into a {@link NetlinkException} (typed as conflict or
 * not-found where the errno says so) that names the operation and the namespace. The socket is created by
 * a thread inside the namespace and then used from any thread; requests are serialized.
 */
final class RtnlChannel implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 5000;

    private final LinuxNamespaces namespaces;
    private final NetNamespace ns;
    private final String label;
    private final NetlinkSocket socket;
    private final long nsInode;

    RtnlChannel(LinuxNamespaces namespaces, NetNamespace ns, NetlinkSocket socket, long nsInode) {
        this.namespaces = namespaces;
        this.ns = ns;
        this.label = ns.displayName();
        this.socket = socket;
        this.nsInode = nsInode;
    }

    /** Opens the socket on a thread inside {@code ns}. */
    static RtnlChannel open(LinuxNamespaces namespaces, NetNamespace ns) {
        return open(namespaces, ns, io.overlaykit.netlink.internal.Rtnl.NETLINK_ROUTE);
    }

    /** Opens a socket of netlink {@code protocol} on a thread inside {@code ns}. */
    static RtnlChannel open(LinuxNamespaces namespaces, NetNamespace ns, int protocol) {
        long[] inode = new long[1];
        NetlinkSocket s = namespaces.callIn(ns, () -> {
            inode[0] = NsExecutor.currentInode(); // the namespace the socket really belongs to
            return NetlinkSocket.open(protocol, 0, ns.displayName(), TIMEOUT_MILLIS);
        });
        return new RtnlChannel(namespaces, ns, s, inode[0]);
    }

    NetNamespace namespace() {
        return ns;
    }

    /** The namespace's display name, for messages. */
    String label() {
        return label;
    }

    LinuxNamespaces namespaces() {
        return namespaces;
    }

    /** The nsfs inode of the namespace the socket lives in. */
    long nsInode() {
        return nsInode;
    }

    RequestHook hook() {
        return namespaces == null ? RequestHook.NONE : namespaces.hook();
    }

    /** Runs {@code work} on the namespace's own thread (ioctls, sockets of other kinds). */
    <T> T callIn(Callable<T> work) {
        return namespaces.callIn(ns, work);
    }

    /** One request with NLM_F_ACK; returns the replies before the ACK. */
    List<NlMessage> call(NlWriter w, String operation) {
        try {
            return socket.request(w, operation, hook());
        } catch (NetlinkError e) {
            throw NetlinkException.typed(operation, label, e.errno(), e.extAck(), e);
        }
    }

    /**
     * {@link #call(NlWriter, String)} for a protocol whose message type does not tell a GET (generic netlink:
     * the type is the family id), so the caller says whether it reads or writes.
     */
    List<NlMessage> call(NlWriter w, String operation, RequestHook.Access access) {
        try {
            return socket.request(w, operation, hook(), access);
        } catch (NetlinkError e) {
            throw NetlinkException.typed(operation, label, e.errno(), e.extAck(), e);
        }
    }

    /** One dump, read to NLMSG_DONE. */
    List<NlMessage> dump(NlWriter w, String operation) {
        try {
            return socket.dump(w, operation, hook());
        } catch (NetlinkError e) {
            throw NetlinkException.typed(operation, label, e.errno(), e.extAck(), e);
        }
    }

    /** Many requests in as few datagrams as the socket allows, one outcome each (see {@link NetlinkBatch}). */
    NetlinkBatch.Result batch(List<NetlinkBatch.Request> requests) {
        return NetlinkBatch.send(socket, requests, hook());
    }

    boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() {
        socket.close();
    }
}
