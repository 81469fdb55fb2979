package io.overlaykit.netlink;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.RequestHook;
import io.overlaykit.netlink.internal.Errno;
import io.overlaykit.netlink.internal.Genl;
import io.overlaykit.netlink.internal.NetlinkSocket;
import io.overlaykit.netlink.internal.NetlinkSocket.NetlinkError;
import io.overlaykit.netlink.internal.NlMessage;
import io.overlaykit.netlink.internal.NlWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The NETLINK_GENERIC socket of one namespace: family ids resolved by name through the controller
 * ({@code nlctrl}) and cached for the socket's life (an id stays while its family is registered; a family
 * found absent is asked again next time), and requests that go through the stack's {@link RequestHook}
 * (READ or WRITE as the caller says: the message type is the family id, not a GET) with kernel refusals
 * turned into {@link NetlinkException}s naming operation and namespace. Made by a thread inside the
 * namespace, then used from any thread; requests are serialized by the socket.
 */
final class GenericNetlink implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 5000;

    private final NetlinkSocket socket;
    private final String label;
    private final LinuxNamespaces namespaces;
    private final Map<String, Integer> families = new ConcurrentHashMap<>();

    GenericNetlink(NetlinkSocket socket, String label, LinuxNamespaces namespaces) {
        this.socket = socket;
        this.label = label;
        this.namespaces = namespaces;
    }

    /** Opens the socket on a thread inside {@code ns}. */
    static GenericNetlink open(LinuxNamespaces namespaces, NetNamespace ns) {
        NetlinkSocket s = namespaces.callIn(ns, () -> NetlinkSocket.open(Genl.NETLINK_GENERIC, 0, ns.displayName(),
                TIMEOUT_MILLIS));
        return new GenericNetlink(s, ns.displayName(), namespaces);
    }

    /** The namespace's display name, for messages. */
    String label() {
        return label;
    }

    private RequestHook hook() {
        return namespaces == null ? RequestHook.NONE : namespaces.hook();
    }

    /**
     * The id of generic-netlink family {@code name} in this namespace's kernel; empty when the kernel has no
     * such family (ENOENT from the controller).
     */
    Optional<Integer> family(String name) {
        Integer cached = families.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        String op = "resolve generic netlink family '" + name + "'";
        List<NlMessage> replies;
        try {
            replies = socket.request(Genl.getFamily(name), op, hook(), RequestHook.Access.READ);
        } catch (NetlinkError e) {
            if (e.errno() == Errno.ENOENT) {
                return Optional.empty();
            }
            throw NetlinkException.typed(op, label, e.errno(), e.extAck(), e);
        }
        for (NlMessage m : replies) {
            Optional<Integer> id = Genl.familyId(m, name);
            if (id.isPresent()) {
                families.put(name, id.get());
                return id;
            }
        }
        return Optional.empty();
    }

    /** One request with NLM_F_ACK; returns the replies before the ACK. */
    List<NlMessage> call(NlWriter w, String operation, RequestHook.Access access) {
        try {
            return socket.request(w, operation, hook(), access);
        } catch (NetlinkError e) {
            throw NetlinkException.typed(operation, label, e.errno(), e.extAck(), e);
        }
    }

    /** One dump, read to NLMSG_DONE (shown to the hook once per attempt, as a READ). */
    List<NlMessage> dump(NlWriter w, String operation) {
        try {
            return socket.dump(w, operation, hook());
        } catch (NetlinkError e) {
            throw NetlinkException.typed(operation, label, e.errno(), e.extAck(), e);
        }
    }

    boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() {
        socket.close();
    }
}
