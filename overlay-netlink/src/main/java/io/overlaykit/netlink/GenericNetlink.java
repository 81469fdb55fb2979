package io.overlaykit.netlink;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.RequestHook;
import io.overlaykit.netlink.internal.Errno;
import io.overlaykit.netlink.internal.Genl;
import io.overlaykit.netlink.internal.NlMessage;
import io.overlaykit.netlink.internal.NlWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The NETLINK_GENERIC socket of one namespace (an {@link RtnlChannel} of that protocol: the stack's
 * {@link RequestHook}, kernel refusals as {@link NetlinkException}s naming operation and namespace), with family
 * ids resolved by name through the controller ({@code nlctrl}) and cached for the socket's life (an id stays
 * while its family is registered; a family found absent is asked again next time). Requests say whether they
 * read or write: the message type is the family id, not a GET.
 */
final class GenericNetlink implements AutoCloseable {
    private final RtnlChannel channel;
    private final Map<String, Integer> families = new ConcurrentHashMap<>();

    GenericNetlink(RtnlChannel channel) {
        this.channel = channel;
    }

    /** Opens the socket on a thread inside {@code ns}. */
    static GenericNetlink open(LinuxNamespaces namespaces, NetNamespace ns) {
        return new GenericNetlink(RtnlChannel.open(namespaces, ns, Genl.NETLINK_GENERIC));
    }

    /** The namespace's display name, for messages. */
    String label() {
        return channel.label();
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
        List<NlMessage> replies;
        try {
            replies = channel.call(Genl.getFamily(name), "resolve generic netlink family '" + name + "'",
                    RequestHook.Access.READ);
        } catch (RuntimeException e) {
            if (NetlinkException.errnoOf(e) == Errno.ENOENT) {
                return Optional.empty();
            }
            throw e;
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
        return channel.call(w, operation, access);
    }

    /** One dump, read to NLMSG_DONE (shown to the hook once per attempt, as a READ). */
    List<NlMessage> dump(NlWriter w, String operation) {
        return channel.dump(w, operation);
    }

    boolean isClosed() {
        return channel.isClosed();
    }

    @Override
    public void close() {
        channel.close();
    }
}
