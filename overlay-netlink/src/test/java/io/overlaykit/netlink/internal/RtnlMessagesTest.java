package io.overlaykit.netlink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.netlink.internal.RtnlMessages.RawAddress;
import io.overlaykit.netlink.internal.RtnlMessages.RawLink;
import io.overlaykit.netlink.internal.RtnlMessages.RawNeigh;
import io.overlaykit.netlink.internal.RtnlMessages.RawRoute;
import io.overlaykit.netlink.internal.RtnlMessages.RawRule;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The codec against bytes exchanged with a real kernel (see kernel-capture.txt). */
class RtnlMessagesTest {
    private static final KernelCapture CAPTURE = new KernelCapture();

    /** Encodes with the sequence number and port id the captured request carried. */
    private static byte[] encode(NlWriter w, String name) {
        ByteBuffer captured = ByteBuffer.wrap(CAPTURE.request(name)).order(ByteOrder.nativeOrder());
        return w.finish(captured.getInt(8), captured.getInt(12));
    }

    private static void assertAccepted(String name) {
        List<NlMessage> r = CAPTURE.replies(name);
        assertThat(r).hasSize(1);
        assertThat(r.get(0).type()).isEqualTo(Rtnl.NLMSG_ERROR);
        assertThat(r.get(0).errno()).isZero();
    }

    @Test
    void requestsAreByteForByteWhatTheKernelAccepted() {
        VxlanTunnel vx = VxlanTunnel.builder("oknl-vx", 5000).remote("192.0.2.3").local("192.0.2.2").ttl(64)
                .udpChecksum(true).build();
        Map<String, byte[]> encoded = Map.of(
                "newVeth", encode(RtnlMessages.newVeth("oknl-a", 1450, "oknl-b", -1,
                        MacAddress.parse("02:00:00:00:00:0b").toBytes()), "newVeth"),
                "newBridge", encode(RtnlMessages.newLink(LinkKind.BRIDGE, "oknl-br", null, Map.of()), "newBridge"),
                "newVxlan", encode(RtnlMessages.newLink(LinkKind.VXLAN, "oknl-vx", 1450,
                        VxlanMapping.toAttributes(vx, 0)), "newVxlan"),
                "addAddr", encode(RtnlMessages.addr(Rtnl.RTM_NEWADDR, RtnlMessages.CREATE_EXCL,
                        IpPrefix.parseAddress("10.1.0.1"), 24, 2), "addAddr"),
                "addRoute", encode(RtnlMessages.route(Rtnl.RTM_NEWROUTE, RtnlMessages.CREATE_EXCL, LibC.AF_INET, null, 0,
                        IpPrefix.parseAddress("10.1.0.254"), 0, false, 1000, null), "addRoute"),
                "addFdb", encode(RtnlMessages.neigh(Rtnl.RTM_NEWNEIGH, RtnlMessages.CREATE_APPEND, LibC.AF_BRIDGE, 5,
                        Rtnl.NUD_PERMANENT, Rtnl.NTF_SELF, IpPrefix.parseAddress("192.0.2.4"), new byte[6], null), "addFdb"),
                "addRule", encode(RtnlMessages.rule(Rtnl.RTM_NEWRULE, RtnlMessages.CREATE_EXCL, LibC.AF_INET, null, 0, 100,
                        1000, 0x42), "addRule"),
                "dumpLink", encode(RtnlMessages.dump(Rtnl.RTM_GETLINK, 0, Rtnl.IFINFOMSG_LEN), "dumpLink"),
                "dumpFdb", encode(RtnlMessages.dump(Rtnl.RTM_GETNEIGH, LibC.AF_BRIDGE, Rtnl.NDMSG_LEN), "dumpFdb"));
        encoded.forEach((name, bytes) -> {
            assertThat(bytes).as(name).isEqualTo(CAPTURE.request(name));
            if (name.startsWith("new") || name.startsWith("add")) {
                assertAccepted(name);
            }
        });
    }

    private static Map<String, RawLink> links() {
        List<NlMessage> msgs = CAPTURE.replies("dumpLink");
        assertThat(msgs.get(msgs.size() - 1).type()).isEqualTo(Rtnl.NLMSG_DONE);
        Map<String, RawLink> out = new java.util.HashMap<>();
        msgs.stream().filter(m -> m.type() == Rtnl.RTM_NEWLINK).map(RtnlMessages::decodeLink)
                .forEach(l -> out.put(l.name(), l));
        return out;
    }

    @Test
    void decodesALinkDumpIncludingVethPeerAndVxlanData() {
        Map<String, RawLink> links = links();
        assertThat(links).containsOnlyKeys("lo", "oknl-a", "oknl-b", "oknl-br", "oknl-vx");
        RawLink b = links.get("oknl-b");
        assertThat(b.kind()).isEqualTo("veth");
        assertThat(b.mtu()).isEqualTo(1450);
        assertThat(MacAddress.ofBytes(b.mac())).isEqualTo(MacAddress.parse("02:00:00:00:00:0b"));
        assertThat(b.link()).isEqualTo(links.get("oknl-a").index());
        assertThat(b.up()).isTrue();
        assertThat(links.get("oknl-br").kind()).isEqualTo("bridge");
        assertThat(links.get("lo").kind()).isNull();
        RawLink vx = links.get("oknl-vx");
        assertThat(vx.kind()).isEqualTo("vxlan");
        assertThat(vx.kindData()).containsEntry("id", 5000).containsEntry("port", 4789).containsEntry("ttl", 64)
                .containsEntry("learning", false).containsEntry("udpCsum", true)
                .containsEntry("group", IpPrefix.parseAddress("192.0.2.3"))
                .containsEntry("local", IpPrefix.parseAddress("192.0.2.2"));
        VxlanTunnel t = VxlanMapping.fromAttributes(vx.name(), vx.kindData(), vx.mtu(), vx.alias(), i -> null);
        assertThat(t).isEqualTo(VxlanTunnel.builder("oknl-vx", 5000).remote("192.0.2.3").local("192.0.2.2").ttl(64)
                .udpChecksum(true).mtu(1450).build());
    }

    @Test
    void decodesAddressesRoutesFdbAndRules() {
        RawAddress a = CAPTURE.replies("dumpAddr").stream().filter(m -> m.type() == Rtnl.RTM_NEWADDR)
                .map(RtnlMessages::decodeAddress).filter(x -> x.family() == LibC.AF_INET).findFirst().orElseThrow();
        assertThat(a.address()).isEqualTo(IpPrefix.parseAddress("10.1.0.1"));
        assertThat(a.prefixLength()).isEqualTo(24);
        assertThat(a.label()).isEqualTo("oknl-b");

        List<RawRoute> routes = CAPTURE.replies("dumpRoute").stream().filter(m -> m.type() == Rtnl.RTM_NEWROUTE)
                .map(RtnlMessages::decodeRoute).toList();
        assertThat(routes).anySatisfy(r -> {
            assertThat(r.table()).isEqualTo(1000);
            assertThat(r.dst()).isNull();
            assertThat(r.gateway()).isEqualTo(IpPrefix.parseAddress("10.1.0.254"));
            assertThat(r.oif()).isEqualTo(a.index());
        });

        List<RawNeigh> fdb = CAPTURE.replies("dumpFdb").stream().filter(m -> m.type() == Rtnl.RTM_NEWNEIGH)
                .map(RtnlMessages::decodeNeigh).toList();
        assertThat(fdb).anySatisfy(n -> {
            assertThat(n.family()).isEqualTo(LibC.AF_BRIDGE);
            assertThat(n.lladdr()).containsExactly(0, 0, 0, 0, 0, 0);
            assertThat(n.dst()).isEqualTo(IpPrefix.parseAddress("192.0.2.4"));
            assertThat(n.state()).isEqualTo(Rtnl.NUD_PERMANENT);
            assertThat(n.flags() & Rtnl.NTF_SELF).isNotZero();
        });

        List<RawRule> rules = CAPTURE.replies("dumpRule").stream().filter(m -> m.type() == Rtnl.RTM_NEWRULE)
                .map(RtnlMessages::decodeRule).toList();
        assertThat(rules).extracting(RawRule::priority, RawRule::fwmark, RawRule::table)
                .contains(org.assertj.core.groups.Tuple.tuple(1000, 0x42, 100),
                        org.assertj.core.groups.Tuple.tuple(32766, null, 254));
    }

    @Test
    void errorsCarryErrnoAndTheKernelsExtendedAckText() {
        NlMessage exists = CAPTURE.replies("eexist").get(0);
        assertThat(exists.type()).isEqualTo(Rtnl.NLMSG_ERROR);
        assertThat(exists.errno()).isEqualTo(Errno.EEXIST);
        assertThat(exists.extAckMessage()).isNull();

        NlMessage badVni = CAPTURE.replies("badVni").get(0);
        assertThat(Errno.name(badVni.errno())).isEqualTo("ERANGE");
        assertThat(badVni.extAckMessage()).isEqualTo("VXLAN ID must be lower than 16777216");
    }

    @Test
    void aSetAddressesTheLinkByNameWithIndexZero() {
        byte[] b = RtnlMessages.setLinkNamed("okfn-br0", Rtnl.IFF_UP, Rtnl.IFF_UP).attrU32(Rtnl.IFLA_MTU, 1450).finish(7, 0);
        NlMessage m = NlMessage.parseAll(b, b.length).get(0);

        assertThat(m.type()).isEqualTo(Rtnl.RTM_SETLINK);
        assertThat(m.u32(4)).as("ifi_index").isZero();
        assertThat(m.u32(8)).as("ifi_flags").isEqualTo(Rtnl.IFF_UP);
        assertThat(m.u32(12)).as("ifi_change").isEqualTo(Rtnl.IFF_UP);
        assertThat(m.attrs(Rtnl.IFINFOMSG_LEN).string(Rtnl.IFLA_IFNAME)).isEqualTo("okfn-br0");
        assertThat(m.attrs(Rtnl.IFINFOMSG_LEN).u32(Rtnl.IFLA_MTU)).isEqualTo(1450);
    }
}
