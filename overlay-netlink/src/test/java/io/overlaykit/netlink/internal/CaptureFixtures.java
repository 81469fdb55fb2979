package io.overlaykit.netlink.internal;

import io.overlaykit.core.IpPrefix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TEST TOOL, not a test: prints observe-capture.txt, the dumps (and one batch) the running kernel answers
 * for a scratch namespace that holds one object of every kind the observe path reads. Run as root, with the
 * test class path, from the repository root:
 *
 * <pre>
 * mvn -o -q -pl overlay-netlink dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp overlay-netlink/target/test-classes:overlay-netlink/target/classes:overlay-core/target/classes:$(cat /tmp/cp.txt) \
 *     io.overlaykit.netlink.internal.CaptureFixtures > overlay-netlink/src/test/resources/io/overlaykit/netlink/internal/observe-capture.txt
 * </pre>
 *
 * Everything it makes is called {@code okcap*} and is removed before it exits.
 */
public final class CaptureFixtures {
    static final String NS = "okcap";
    static final String PEER_NS = "okcap-p";

    private CaptureFixtures() {
    }

    public static void main(String[] args) throws Exception {
        ip("netns", "add", NS);
        ip("netns", "add", PEER_NS);
        try {
            setUp();
            Thread t = new Thread(CaptureFixtures::capture);
            Throwable[] failure = new Throwable[1];
            t.setUncaughtExceptionHandler((th, e) -> failure[0] = e);
            t.start();
            t.join();
            if (failure[0] != null) {
                throw new IllegalStateException(failure[0]);
            }
        } finally {
            ip("netns", "del", NS);
            ip("netns", "del", PEER_NS);
        }
    }

    private static void setUp() throws IOException, InterruptedException {
        String[][] steps = {
            {"sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"},
            {"ip", "link", "set", "lo", "up"},
            {"ip", "link", "add", "okcap-a", "type", "veth", "peer", "name", "eth0", "netns", PEER_NS},
            {"ip", "-n", PEER_NS, "link", "set", "eth0", "up"},
            {"ip", "link", "add", "okcap-br", "type", "bridge"},
            {"ip", "link", "set", "okcap-br", "alias", "overlaykit:capture"},
            {"ip", "link", "add", "okcap-b", "type", "veth", "peer", "name", "okcap-c"},
            {"ip", "link", "set", "okcap-c", "master", "okcap-br"},
            {"ip", "addr", "add", "192.0.2.2/24", "dev", "okcap-a"},
            {"ip", "addr", "add", "2001:db8::2/64", "dev", "okcap-a", "nodad"},
            {"ip", "addr", "add", "172.16.0.1/24", "dev", "okcap-br"},
            {"ip", "link", "add", "okcap-vx", "type", "vxlan", "id", "5000", "local", "192.0.2.2", "dev", "okcap-a",
                "dstport", "4789", "nolearning"},
            {"ip", "link", "set", "okcap-vx", "master", "okcap-br"},
            {"ip", "link", "set", "okcap-a", "up"},
            {"ip", "link", "set", "okcap-br", "up"},
            {"ip", "link", "set", "okcap-vx", "up"},
            {"ip", "link", "set", "okcap-c", "up"},
            {"ip", "link", "set", "okcap-b", "up"},
            {"ip", "route", "add", "default", "via", "192.0.2.1"},
            {"ip", "route", "add", "198.51.100.0/24", "via", "192.0.2.9", "table", "100"},
            {"ip", "route", "add", "203.0.113.0/24", "nexthop", "via", "192.0.2.3", "dev", "okcap-a", "weight", "1",
                "nexthop", "via", "192.0.2.4", "dev", "okcap-a", "weight", "2"},
            {"ip", "-6", "route", "add", "2001:db8:1::/64", "via", "2001:db8::1", "metric", "300"},
            {"ip", "rule", "add", "from", "172.16.0.0/24", "lookup", "100", "pref", "1000"},
            {"ip", "rule", "add", "fwmark", "0x42", "lookup", "100", "pref", "1001"},
            {"ip", "-6", "rule", "add", "from", "2001:db8::/64", "lookup", "100", "pref", "1002"},
            {"ip", "neigh", "add", "192.0.2.7", "lladdr", "02:00:00:00:00:07", "dev", "okcap-a", "nud", "permanent"},
            {"ip", "neigh", "add", "192.0.2.8", "lladdr", "02:00:00:00:00:08", "dev", "okcap-a", "nud", "stale"},
            {"ip", "neigh", "add", "2001:db8::7", "lladdr", "02:00:00:00:00:17", "dev", "okcap-a", "nud", "permanent"},
            {"bridge", "fdb", "append", "00:00:00:00:00:00", "dev", "okcap-vx", "dst", "192.0.2.3", "self", "permanent"},
            {"bridge", "fdb", "append", "00:00:00:00:00:00", "dev", "okcap-vx", "dst", "192.0.2.4", "self", "permanent"},
            {"bridge", "fdb", "add", "02:00:00:00:00:0c", "dev", "okcap-vx", "dst", "192.0.2.3", "self", "permanent"},
        };
        for (String[] step : steps) {
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", NS));
            cmd.addAll(List.of(step));
            run(cmd);
        }
    }

    /** On a fresh thread that enters the namespace: one raw socket, each dump, then one batch. */
    private static void capture() {
        int nsFd = Sys.openReadOnly("/run/netns/" + NS);
        Sys.setns(nsFd, NS);
        Sys.closeQuietly(nsFd);
        int fd = Sys.socket(LibC.AF_NETLINK, LibC.SOCK_RAW, Rtnl.NETLINK_ROUTE);
        byte[] one = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(1).array();
        Sys.setsockopt(fd, Rtnl.SOL_NETLINK, Rtnl.NETLINK_EXT_ACK, one, "NETLINK_EXT_ACK");
        Sys.setsockopt(fd, Rtnl.SOL_NETLINK, Rtnl.NETLINK_CAP_ACK, one, "NETLINK_CAP_ACK");
        Sys.bind(fd, ByteBuffer.allocate(12).order(ByteOrder.nativeOrder()).putShort(0, (short) LibC.AF_NETLINK).array());
        int pid = ByteBuffer.wrap(Sys.getsockname(fd, 12)).order(ByteOrder.nativeOrder()).getInt(4);
        System.out.println("# Captured from Linux " + System.getProperty("os.version") + " by CaptureFixtures (see its"
                + " javadoc) in a scratch namespace");
        System.out.println("# holding one object of each kind observe() reads. Format: NAME REQ|REPLY HEX, one"
                + " datagram per line.");
        int seq = 1000;
        dump(fd, pid, ++seq, "dumpLink", RtnlMessages.dump(Rtnl.RTM_GETLINK, 0, Rtnl.IFINFOMSG_LEN));
        dump(fd, pid, ++seq, "dumpAddr", RtnlMessages.dump(Rtnl.RTM_GETADDR, 0, Rtnl.IFADDRMSG_LEN));
        dump(fd, pid, ++seq, "dumpRoute", RtnlMessages.dump(Rtnl.RTM_GETROUTE, 0, Rtnl.RTMSG_LEN));
        dump(fd, pid, ++seq, "dumpRule", RtnlMessages.dump(Rtnl.RTM_GETRULE, 0, Rtnl.FIB_RULE_HDR_LEN));
        dump(fd, pid, ++seq, "dumpNeigh", RtnlMessages.dump(Rtnl.RTM_GETNEIGH, 0, Rtnl.NDMSG_LEN));
        dump(fd, pid, ++seq, "dumpFdb", RtnlMessages.dump(Rtnl.RTM_GETNEIGH, LibC.AF_BRIDGE, Rtnl.NDMSG_LEN));
        // a batch of six in one datagram, as NetOpCompiler encodes them: the third (a route via a gateway on no
        // link) is refused, the kernel goes on with the others
        int a = LibC.INSTANCE.if_nametoindex("okcap-a");
        NlWriter[] batch = {
            RtnlMessages.addr(Rtnl.RTM_NEWADDR, RtnlMessages.CREATE_EXCL, IpPrefix.parseAddress("10.9.0.1"), 24, a),
            RtnlMessages.addr(Rtnl.RTM_NEWADDR, RtnlMessages.CREATE_EXCL, IpPrefix.parseAddress("10.9.0.2"), 24, a),
            RtnlMessages.route(Rtnl.RTM_NEWROUTE, RtnlMessages.CREATE_EXCL, LibC.AF_INET,
                    IpPrefix.parseAddress("10.77.0.0"), 24, IpPrefix.parseAddress("10.200.0.1"), 0, false, 254, null),
            RtnlMessages.addr(Rtnl.RTM_NEWADDR, RtnlMessages.CREATE_EXCL, IpPrefix.parseAddress("10.9.0.3"), 24, a),
            RtnlMessages.route(Rtnl.RTM_NEWROUTE, RtnlMessages.CREATE_EXCL, LibC.AF_INET,
                    IpPrefix.parseAddress("10.78.0.0"), 24, IpPrefix.parseAddress("10.9.0.254"), a, false, 254, null),
            RtnlMessages.setLinkNamed("okcap-a", Rtnl.IFF_UP, Rtnl.IFF_UP),
        };
        java.io.ByteArrayOutputStream datagram = new java.io.ByteArrayOutputStream();
        for (NlWriter w : batch) {
            datagram.writeBytes(w.finish(++seq, pid));
        }
        System.out.println("batch REQ " + HexFormat.of().formatHex(datagram.toByteArray()));
        Sys.send(fd, datagram.toByteArray());
        for (int i = 0; i < batch.length; i++) {
            System.out.println("batch REPLY " + HexFormat.of().formatHex(receive(fd)));
        }
        Sys.closeQuietly(fd);
    }

    private static void dump(int fd, int pid, int seq, String name, NlWriter request) {
        byte[] req = request.finish(seq, pid);
        System.out.println(name + " REQ " + HexFormat.of().formatHex(req));
        Sys.send(fd, req);
        while (true) {
            byte[] d = receive(fd);
            System.out.println(name + " REPLY " + HexFormat.of().formatHex(d));
            List<NlMessage> ms = NlMessage.parseAll(d, d.length);
            if (ms.stream().anyMatch(m -> m.type() == Rtnl.NLMSG_DONE || m.type() == Rtnl.NLMSG_ERROR)) {
                return;
            }
        }
    }

    private static byte[] receive(int fd) {
        byte[] buf = new byte[64 * 1024];
        int n = Sys.recv(fd, buf);
        return java.util.Arrays.copyOf(buf, n);
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        run(cmd);
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
