package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.overlaykit.core.BatchException;
import io.overlaykit.core.Bridge;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Route;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.spi.Links;
import io.overlaykit.core.spi.NetOp;
import io.overlaykit.core.spi.RequestCounter;
import io.overlaykit.core.spi.RequestHook.Access;
import io.overlaykit.core.spi.RequestHook.Backend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** execute() against the real kernel, checked with ip -j and ethtool -k. */
class BatchIT extends InFreshNamespace {
    private static final int VETHS = 40;
    private static final int PEER_NAMESPACES = 4;
    private final String pid = Long.toString(ProcessHandle.current().pid());
    private final List<String> extra = new ArrayList<>();

    BatchIT() {
        super("b");
    }

    @AfterEach
    void deleteOtherNamespaces() {
        extra.forEach(n -> stack.namespaces().delete(n)); // before the base class closes the stack
    }

    private NetNamespace namespace(String tag) {
        String name = "oknl-" + tag + "-" + pid;
        stack.namespaces().delete(name);
        extra.add(name);
        return stack.namespaces().create(name);
    }

    private static InterfaceName n(String s) {
        return InterfaceName.of(s);
    }

    /** 40 veths, peers spread over 4 other namespaces; per veth: create, address, up, route, tx checksum off. */
    private static List<NetOp> twoHundred(List<NetNamespace> peers) {
        return ops(peers, VETHS, "eth");
    }

    private static List<NetOp> ops(List<NetNamespace> peers, int veths, String peerPrefix) {
        List<NetOp> ops = new ArrayList<>();
        for (int i = 0; i < veths; i++) {
            InterfaceName v = n("oknl-v" + i);
            ops.add(new NetOp.CreateVeth(VethPair.builder(v.value()).peer(peerPrefix + i)
                    .peerNamespace(peers.get(i % PEER_NAMESPACES)).mtu(1450).build()));
            ops.add(new NetOp.AddAddress(v, IpPrefix.parse("10.50." + i + ".1/24")));
            ops.add(new NetOp.SetUp(v, true));
            ops.add(new NetOp.AddRoute(new Route(IpPrefix.parse("10.60." + i + ".0/24"),
                    IpPrefix.parseAddress("10.50." + i + ".2"), v, false, Route.MAIN_TABLE, null)));
            ops.add(new NetOp.SetTxChecksum(v, false));
        }
        return ops;
    }

    /** The same changes through the single-request methods, one by one. */
    private static void oneByOne(Links links, List<NetOp> ops) {
        for (NetOp op : ops) {
            if (op instanceof NetOp.CreateVeth o) {
                links.create(o.veth());
            } else if (op instanceof NetOp.AddAddress o) {
                links.addAddress(o.link(), o.address());
            } else if (op instanceof NetOp.SetUp o) {
                links.setUp(o.link());
            } else if (op instanceof NetOp.AddRoute o) {
                links.addRoute(o.route());
            } else if (op instanceof NetOp.SetTxChecksum o) {
                links.setTxChecksum(o.link(), o.on());
            }
        }
    }

    private List<NetNamespace> peers(String tag) {
        List<NetNamespace> out = new ArrayList<>();
        for (int k = 0; k < PEER_NAMESPACES; k++) {
            out.add(namespace(tag + k));
        }
        return out;
    }

    @Test
    void twoHundredOpsInOneBatchAreAllThereAndCountedMessageByMessage() {
        // both paths once first, so neither measurement below pays for class loading and the JIT
        List<NetNamespace> warm = peers("bw");
        stack.links(namespace("bwa")).execute(ops(warm, 8, "w"));
        oneByOne(stack.links(namespace("bwb")), ops(warm, 8, "x"));

        List<NetNamespace> peers = peers("bp");
        List<NetOp> ops = twoHundred(peers);
        assertThat(ops).hasSize(200);
        RequestCounter counter = new RequestCounter();
        stack.requestHook(counter);

        long t0 = System.nanoTime();
        links.execute(ops);
        long batch = System.nanoTime() - t0;

        String batchRequests = counter.snapshot().toString();
        assertThat(counter.count(Backend.NETLINK, Access.WRITE)).isEqualTo(160);
        assertThat(counter.count(Backend.NETLINK, Access.READ)).isEqualTo(1); // the link dump for ifindexes
        assertThat(counter.count(Backend.ETHTOOL, Access.WRITE)).isEqualTo(40);
        for (int i = 0; i < VETHS; i++) {
            String v = "oknl-v" + i;
            JsonNode link = Oracle.link(NS, v);
            assertThat(link.path("mtu").asInt()).as(v).isEqualTo(1450);
            assertThat(link.path("flags").toString()).as(v).contains("\"UP\"");
            assertThat(Oracle.json(NS, "ip", "-j", "addr", "show", "dev", v).get(0).path("addr_info").get(0)
                    .path("local").asText()).isEqualTo("10.50." + i + ".1");
            JsonNode route = Oracle.json(NS, "ip", "-j", "route", "show", "10.60." + i + ".0/24").get(0);
            assertThat(route.path("gateway").asText()).isEqualTo("10.50." + i + ".2");
            assertThat(route.path("dev").asText()).isEqualTo(v);
            assertThat(Oracle.in(NS, "ethtool", "-k", v)).contains("tx-checksumming: off");
            assertThat(Oracle.link(peers.get(i % PEER_NAMESPACES).name(), "eth" + i).path("mtu").asInt()).isEqualTo(1450);
        }

        // the same 200 changes one request at a time, in another namespace with its own peers, for comparison
        NetNamespace other = namespace("b1");
        List<NetOp> same = twoHundred(peers("bq"));
        counter.reset();
        long t1 = System.nanoTime();
        oneByOne(stack.links(other), same);
        long single = System.nanoTime() - t1;
        // a printed figure, not an assertion: times depend on the machine's load
        System.out.printf("BatchIT: 200 ops (40 veths with peers in 4 namespaces, addresses, up, routes, tx csum off):"
                + " one batch %.1f ms %s; one request at a time %.1f ms %s%n", batch / 1e6, batchRequests,
                single / 1e6, counter.snapshot());
        assertThat(Oracle.json(other.name(), "ip", "-j", "link", "show", "type", "veth")).hasSize(VETHS);
    }

    @Test
    void aPeerPutInThisVeryNamespaceGetsAnIfindexOfItsOwnSoLaterCreatesDoNotCollide() {
        links.execute(List.of(
                new NetOp.CreateVeth(VethPair.builder("oknl-s0").peer("oknl-t0").peerNamespace(ns).build()),
                new NetOp.CreateBridge(Bridge.named("oknl-sbr")),
                new NetOp.AddAddress(n("oknl-t0"), IpPrefix.parse("10.80.0.1/24")),
                new NetOp.SetMaster(n("oknl-s0"), n("oknl-sbr"))));

        assertThat(Oracle.json(NS, "ip", "-j", "addr", "show", "dev", "oknl-t0").get(0).path("addr_info").get(0)
                .path("local").asText()).isEqualTo("10.80.0.1");
        assertThat(Oracle.link(NS, "oknl-s0").path("master").asText()).isEqualTo("oknl-sbr");
    }

    private String state(String... what) {
        StringBuilder sb = new StringBuilder();
        sb.append(Oracle.in(NS, "ip", "-j", "-d", "link", "show")).append('\n');
        sb.append(Oracle.in(NS, "ip", "-j", "addr", "show")).append('\n');
        sb.append(Oracle.in(NS, "ip", "-N", "-j", "route", "show", "table", "all")).append('\n');
        sb.append(Oracle.in(NS, "ip", "-j", "neigh", "show", "nud", "all")).append('\n');
        for (String link : what) {
            sb.append(Oracle.in(NS, "ethtool", "-k", link)).append('\n');
        }
        return sb.toString();
    }

    @Test
    void aFailingOpInTheMiddleIsReportedExactlyAndUndoingTheAppliedOnesRestoresTheNamespace() {
        Oracle.in(NS, "ip", "link", "add", "oknl-x", "type", "veth", "peer", "name", "oknl-y");
        Oracle.in(NS, "ip", "addr", "add", "10.71.9.1/24", "dev", "oknl-x");
        String before = state("oknl-x");
        InterfaceName br = n("oknl-br");
        InterfaceName x = n("oknl-x");
        List<NetOp> ops = List.of(
                new NetOp.CreateBridge(Bridge.named("oknl-br")),                                        // 0
                new NetOp.SetUp(br, true),                                                               // 1
                new NetOp.AddAddress(br, IpPrefix.parse("10.70.0.1/24")),                                // 2
                new NetOp.SetTxChecksum(x, false),                                                       // 3
                new NetOp.CreateVeth(VethPair.builder("oknl-v0").peer("oknl-w0").alias("overlaykit:t").build()), // 4
                new NetOp.SetMaster(n("oknl-w0"), br),                                                   // 5
                new NetOp.AddRoute(new Route(IpPrefix.parse("10.77.0.0/24"), IpPrefix.parseAddress("10.200.0.1"),
                        null, false, Route.MAIN_TABLE, null)),                                           // 6 refused
                new NetOp.AddAddress(x, IpPrefix.parse("10.71.0.1/24")),                                 // 7
                new NetOp.AddAddress(x, IpPrefix.parse("10.71.9.1/24")),                                 // 8 refused
                new NetOp.SetMtu(x, 1400),                                                               // 9
                new NetOp.AddRoute(new Route(IpPrefix.parse("10.78.0.0/24"), IpPrefix.parseAddress("10.70.0.254"),
                        br, false, Route.MAIN_TABLE, null)),                                             // 10
                new NetOp.SetUp(n("oknl-v0"), true));                                                    // 11

        BatchException e = catchThrowableOfType(BatchException.class, () -> links.execute(ops));

        assertThat(e.failedIndex()).isEqualTo(6);
        assertThat(e.applied()).containsExactly(0, 1, 2, 3, 4, 5, 7, 9, 10, 11);
        assertThat(e.getCause()).isInstanceOfSatisfying(NetlinkException.class, c -> {
            assertThat(c.errnoName()).isEqualTo("ENETUNREACH");
            assertThat(c.kernelMessage()).isNotBlank();
            assertThat(c.namespace()).isEqualTo(NS);
            assertThat(c.operation()).contains("10.77.0.0/24");
        });
        // what the kernel accepted is there, what it refused is not
        assertThat(Oracle.link(NS, "oknl-w0").path("master").asText()).isEqualTo("oknl-br");
        assertThat(Oracle.link(NS, "oknl-v0").path("ifalias").asText()).isEqualTo("overlaykit:t");
        assertThat(Oracle.link(NS, "oknl-x").path("mtu").asInt()).isEqualTo(1400);
        assertThat(Oracle.in(NS, "ip", "-j", "route", "show", "10.78.0.0/24")).contains("10.70.0.254");
        assertThat(Oracle.json(NS, "ip", "-j", "route", "show", "10.77.0.0/24")).isEmpty();
        assertThat(Oracle.in(NS, "ethtool", "-k", "oknl-x")).contains("tx-checksumming: off");

        List<NetOp> undo = new ArrayList<>();
        for (int i : e.applied()) {
            undo.add(0, inverse(ops.get(i)));
        }
        links.execute(undo);

        assertThat(state("oknl-x")).isEqualTo(before);
    }

    /** The inverse of each op of the test above, from what the namespace held before. */
    private static NetOp inverse(NetOp op) {
        if (op instanceof NetOp.CreateBridge o) {
            return new NetOp.DeleteLink(o.link());
        } else if (op instanceof NetOp.CreateVeth o) {
            return new NetOp.DeleteLink(o.link());
        } else if (op instanceof NetOp.SetUp o) {
            return new NetOp.SetUp(o.link(), !o.up());
        } else if (op instanceof NetOp.AddAddress o) {
            return new NetOp.DeleteAddress(o.link(), o.address());
        } else if (op instanceof NetOp.SetTxChecksum o) {
            return new NetOp.SetTxChecksum(o.link(), !o.on());
        } else if (op instanceof NetOp.SetMaster o) {
            return new NetOp.SetMaster(o.link(), null);
        } else if (op instanceof NetOp.SetMtu o) {
            return new NetOp.SetMtu(o.link(), 1500);
        } else if (op instanceof NetOp.AddRoute o) {
            return new NetOp.DeleteRoute(o.route());
        }
        throw new IllegalArgumentException("no inverse for " + op);
    }
}
