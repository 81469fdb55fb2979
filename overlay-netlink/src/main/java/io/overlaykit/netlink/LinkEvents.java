package io.overlaykit.netlink;

import static io.overlaykit.netlink.internal.Rtnl.*;

import io.overlaykit.core.AddressInfo;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.spi.Links.LinkEvent;
import io.overlaykit.netlink.internal.NetlinkSocket;
import io.overlaykit.netlink.internal.NlMessage;
import io.overlaykit.netlink.internal.RtnlMessages;
import io.overlaykit.netlink.internal.RtnlMessages.RawAddress;
import io.overlaykit.netlink.internal.RtnlMessages.RawLink;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A subscription to link and address changes: its own socket, bound to the link and address multicast
 * groups inside the namespace, read by one daemon thread. The reader wakes up every 200 ms to notice
 * close; it closes the socket itself, so a close never races a receive on a reused descriptor. When the
 * kernel drops events (the socket buffer overran) listeners get one {@code OVERFLOW} event and the reader
 * goes on.
 */
final class LinkEvents implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LinkEvents.class.getName());
    private static final int POLL_MILLIS = 200;

    private final NetlinkSocket socket;
    private final Consumer<LinkEvent> listener;
    private final RtnetlinkLinks links;
    private final Thread reader;
    private final Map<Integer, String> names = new HashMap<>();
    private volatile boolean stop;

    private LinkEvents(RtnetlinkLinks links, NetlinkSocket socket, Consumer<LinkEvent> listener) {
        this.links = links;
        this.socket = socket;
        this.listener = listener;
        this.reader = new Thread(this::run, "overlaykit-netlink-events-" + links.label());
        reader.setDaemon(true);
    }

    static LinkEvents start(RtnetlinkLinks links, Consumer<LinkEvent> listener) {
        int groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
        NetlinkSocket s = links.namespaces().callIn(links.namespace(),
                () -> NetlinkSocket.open(groups, links.label(), POLL_MILLIS));
        try {
            LinkEvents e = new LinkEvents(links, s, listener);
            links.list().forEach(l -> e.names.put(l.index(), l.name().value()));
            e.reader.start();
            return e;
        } catch (RuntimeException | Error e) {
            s.close(); // the reader never started, so nobody else will close it
            throw e;
        }
    }

    private void run() {
        try {
            while (!stop) {
                NetlinkSocket.Received r = socket.receiveEvents();
                if (r.lost()) {
                    // names may be stale too: refresh them before anybody resynchronises
                    refreshNames();
                    deliver(LinkEvent.overflow());
                }
                for (NlMessage m : r.messages()) {
                    LinkEvent ev = toEvent(m);
                    if (ev != null) {
                        deliver(ev);
                    }
                }
            }
        } catch (RuntimeException e) {
            if (!stop) {
                LOG.log(Level.WARNING, "link event reader for namespace " + links.label() + " stopped", e);
            }
        } finally {
            socket.close();
        }
    }

    private void deliver(LinkEvent ev) {
        if (stop) {
            return;
        }
        try {
            listener.accept(ev);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "link event listener failed on " + ev, e);
        }
    }

    private void refreshNames() {
        try {
            Map<Integer, String> now = links.names();
            names.clear();
            names.putAll(now);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "link event reader for namespace {0}: names not refreshed: {1}", links.label(), e);
        }
    }

    private LinkEvent toEvent(NlMessage m) {
        switch (m.type()) {
            case RTM_NEWLINK, RTM_DELLINK -> {
                RawLink raw = RtnlMessages.decodeLink(m);
                if (raw.name() == null) {
                    return null;
                }
                LinkInfo info = links.toInfo(raw, names);
                LinkEvent.Type t;
                if (m.type() == RTM_DELLINK) {
                    names.remove(raw.index());
                    t = LinkEvent.Type.LINK_REMOVED;
                } else {
                    // the kernel marks a newly registered device with an all-ones change mask
                    t = raw.change() == -1 ? LinkEvent.Type.LINK_ADDED : LinkEvent.Type.LINK_CHANGED;
                    names.put(raw.index(), raw.name());
                }
                return new LinkEvent(t, info, null);
            }
            case RTM_NEWADDR, RTM_DELADDR -> {
                RawAddress a = RtnlMessages.decodeAddress(m);
                if (a.address() == null) {
                    return null;
                }
                String name = names.get(a.index());
                AddressInfo info = new AddressInfo(a.index(), name == null ? null : InterfaceName.of(name),
                        new IpPrefix(a.address(), a.prefixLength()));
                return new LinkEvent(m.type() == RTM_NEWADDR ? LinkEvent.Type.ADDRESS_ADDED
                        : LinkEvent.Type.ADDRESS_REMOVED, null, info);
            }
            default -> {
                return null;
            }
        }
    }

    @Override
    public void close() {
        stop = true;
        try {
            reader.join(2L * POLL_MILLIS + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
