package io.overlaykit.samples.agent;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.Namespaces;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The host agent's DNS server for a spec with {@code "dns": {"serve": true}}: answers on the host's gateway
 * addresses (UDP port 53 in the host's namespace) for the spec's names — A and AAAA for {@code NAME.DOMAIN} and
 * for the bare {@code NAME}, PTR for their addresses, NXDOMAIN for any other name inside the domain — and relays
 * every other query to the spec's {@code upstream} servers in turn, each with a timeout, answering SERVFAIL when
 * none answers. The message codec is dnsjava's (name compression, EDNS, every record type), not ours.
 */
public final class NameServer implements AutoCloseable {
    private static final Logger LOG = System.getLogger(NameServer.class.getName());
    /** How long one upstream server has to answer a relayed query. */
    public static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(2);
    private static final long TTL = 5;
    private static final int MAX_UDP = 4096;

    private final Zone zone;
    private final List<InetAddress> upstream;
    private final Namespaces namespaces;
    private final NetNamespace namespace;
    private final List<DatagramChannel> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ExecutorService relays = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "overlay-dns-relay");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean closed = new AtomicBoolean();

    private NameServer(Zone zone, List<InetAddress> upstream, Namespaces namespaces, NetNamespace namespace) {
        this.zone = zone;
        this.upstream = upstream;
        this.namespaces = namespaces;
        this.namespace = namespace;
    }

    /**
     * Starts answering on {@code host}'s gateway addresses (IPv4, and IPv6 for a dual-stack spec) at {@code port}
     * inside {@code namespace}; a failed bind closes what was opened and throws.
     */
    public static NameServer start(OverlaySpec spec, String host, Namespaces namespaces, NetNamespace namespace,
                                   int port) {
        HostSpec hs = spec.host(host);
        NameServer s = new NameServer(Zone.of(spec), spec.names().upstream(), namespaces, namespace);
        List<InetAddress> listen = new ArrayList<>();
        listen.add(hs.gateway());
        if (spec.gateway6(hs) != null) {
            listen.add(spec.gateway6(hs));
        }
        try {
            for (InetAddress a : listen) {
                DatagramChannel ch = namespaces.callIn(namespace, () -> open(a).bind(new InetSocketAddress(a, port)));
                s.sockets.add(ch);
                Thread t = new Thread(() -> s.serve(ch), "overlay-dns-" + a.getHostAddress());
                t.setDaemon(true);
                s.threads.add(t);
            }
        } catch (RuntimeException e) {
            s.close();
            throw new OverlayException("cannot serve DNS for spec " + spec.name() + " on " + listen + " port " + port
                    + " in " + namespace.displayName() + ": " + e.getMessage(), e);
        }
        s.threads.forEach(Thread::start);
        LOG.log(Level.INFO, () -> "serving DNS for " + spec.domain() + " on " + listen + " port " + port);
        return s;
    }

    /** A server that answers {@link #answerLocally} only, bound to nothing (for tests of its answers). */
    static NameServer unbound(OverlaySpec spec) {
        return new NameServer(Zone.of(spec), spec.names().upstream(), null, null);
    }

    private static DatagramChannel open(InetAddress a) throws IOException {
        return DatagramChannel.open(a instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
    }

    private void serve(DatagramChannel ch) {
        ByteBuffer buf = ByteBuffer.allocate(MAX_UDP);
        while (!closed.get()) {
            try {
                buf.clear();
                SocketAddress from = ch.receive(buf);
                buf.flip();
                byte[] query = new byte[buf.remaining()];
                buf.get(query);
                byte[] local = answerLocally(query);
                if (local != null) {
                    ch.send(ByteBuffer.wrap(local), from);
                } else {
                    relays.execute(() -> relay(ch, from, query));
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!closed.get()) {
                    LOG.log(Level.DEBUG, "dns: " + e.getMessage());
                }
            }
        }
    }

    /** The answer for a query about the spec's names, or null when it is for upstream. Unreadable: FORMERR. */
    byte[] answerLocally(byte[] query) {
        Message q;
        try {
            q = new Message(query);
        } catch (IOException e) {
            return formErr(query);
        }
        Record question = q.getQuestion();
        if (question == null || q.getHeader().getFlag(Flags.QR)) {
            return formErr(query);
        }
        Name name = question.getName();
        List<Record> answers = zone.lookup(name, question.getType());
        if (answers == null) {
            return null;
        }
        Message r = reply(q);
        r.getHeader().setFlag(Flags.AA);
        if (answers.isEmpty() && !zone.has(name)) {
            r.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        answers.forEach(a -> r.addRecord(a, Section.ANSWER));
        return r.toWire(MAX_UDP);
    }

    private static Message reply(Message q) {
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        if (q.getHeader().getFlag(Flags.RD)) {
            r.getHeader().setFlag(Flags.RD);
        }
        r.getHeader().setFlag(Flags.RA);
        r.addRecord(q.getQuestion(), Section.QUESTION);
        return r;
    }

    private static byte[] formErr(byte[] query) {
        if (query.length < 2) {
            return null; // not even an id to answer to
        }
        Message r = new Message(((query[0] & 0xff) << 8) | (query[1] & 0xff));
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setRcode(Rcode.FORMERR);
        return r.toWire();
    }

    /** Relays a query to each upstream server in turn; SERVFAIL to the client when none answers in time. */
    private void relay(DatagramChannel ch, SocketAddress client, byte[] query) {
        byte[] answer = null;
        for (InetAddress server : upstream) {
            try {
                answer = namespaces.callIn(namespace, () -> ask(server, query));
                if (answer != null) {
                    break;
                }
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "dns: upstream " + server.getHostAddress() + ": " + e.getMessage());
            }
        }
        try {
            if (answer == null) {
                Message q = new Message(query);
                Message r = reply(q);
                r.getHeader().setRcode(Rcode.SERVFAIL);
                answer = r.toWire(MAX_UDP);
            }
            ch.send(ByteBuffer.wrap(answer), client);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "dns: cannot answer " + client + ": " + e.getMessage());
        }
    }

    /** One query to one server over UDP, its answer (matching id) or null after {@link #UPSTREAM_TIMEOUT}. */
    private static byte[] ask(InetAddress server, byte[] query) throws IOException {
        try (DatagramChannel up = open(server)) {
            up.connect(new InetSocketAddress(server, 53));
            up.socket().setSoTimeout((int) UPSTREAM_TIMEOUT.toMillis());
            up.write(ByteBuffer.wrap(query));
            byte[] buf = new byte[MAX_UDP];
            java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
            long deadline = System.nanoTime() + UPSTREAM_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    up.socket().receive(p);
                } catch (java.net.SocketTimeoutException e) {
                    return null;
                }
                if (p.getLength() >= 2 && buf[0] == query[0] && buf[1] == query[1]) {
                    return java.util.Arrays.copyOf(buf, p.getLength());
                }
            }
            return null;
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (DatagramChannel ch : sockets) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "dns: close: " + e.getMessage());
            }
        }
        relays.shutdownNow();
        for (Thread t : threads) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The spec's names as records: forward ({@code NAME.DOMAIN.} and {@code NAME.}) and reverse. */
    static final class Zone {
        private final Name domain;
        private final Map<Name, List<InetAddress>> forward = new HashMap<>();
        private final Map<Name, Name> reverse = new HashMap<>();

        private Zone(Name domain) {
            this.domain = domain;
        }

        static Zone of(OverlaySpec spec) {
            try {
                Zone z = new Zone(Name.fromString(spec.domain() + "."));
                for (HostSpec h : spec.hosts()) {
                    for (ContainerSpec c : h.containers()) {
                        Name full = Name.fromString(c.name() + "." + spec.domain() + ".");
                        Name bare = Name.fromString(c.name() + ".");
                        List<InetAddress> addresses = new ArrayList<>();
                        addresses.add(c.ip());
                        if (spec.ipv6(c) != null) {
                            addresses.add(spec.ipv6(c));
                        }
                        z.forward.put(full, addresses);
                        z.forward.put(bare, addresses);
                        addresses.forEach(a -> z.reverse.put(ReverseMap.fromAddress(a), full));
                    }
                }
                return z;
            } catch (TextParseException e) {
                throw new OverlayException("spec " + spec.name() + ": a name is no DNS name: " + e.getMessage(), e);
            }
        }

        boolean has(Name name) {
            return forward.containsKey(name) || reverse.containsKey(name);
        }

        /** The answer records; empty with NXDOMAIN or NODATA meaning; null: not ours, relay it. */
        List<Record> lookup(Name name, int type) {
            List<Record> out = new ArrayList<>();
            List<InetAddress> addresses = forward.get(name);
            if (addresses != null) {
                for (InetAddress a : addresses) {
                    if (a instanceof Inet4Address && (type == Type.A || type == Type.ANY)) {
                        out.add(new ARecord(name, DClass.IN, TTL, a));
                    } else if (!(a instanceof Inet4Address) && (type == Type.AAAA || type == Type.ANY)) {
                        out.add(new AAAARecord(name, DClass.IN, TTL, a));
                    }
                }
                return out;
            }
            Name target = reverse.get(name);
            if (target != null) {
                if (type == Type.PTR || type == Type.ANY) {
                    out.add(new PTRRecord(name, DClass.IN, TTL, target));
                }
                return out;
            }
            return name.subdomain(domain) ? out : null; // unknown inside our domain: NXDOMAIN
        }
    }
}
