package io.overlaykit.netlink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bridge port flag on the wire: the AF_BRIDGE RTM_SETLINK that sets it, and the slave data that reports it. */
class BridgePortCodecTest {
    @Test
    void theSetLinkIsAfBridgeByIndexWithTheFlagInsideANestedProtinfo() {
        byte[] b = RtnlMessages.setBridgePortFlag(7, Rtnl.IFLA_BRPORT_NEIGH_SUPPRESS, true).finish(1, 0);
        ByteBuffer m = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
        assertThat(m.getShort(4) & 0xFFFF).as("type").isEqualTo(Rtnl.RTM_SETLINK);
        assertThat(b[16]).as("ifi_family").isEqualTo((byte) LibC.AF_BRIDGE);
        assertThat(m.getInt(20)).as("ifi_index").isEqualTo(7);
        // nlmsghdr 16 + ifinfomsg 16, then IFLA_PROTINFO (nested) holding one u8 attribute
        assertThat(m.getShort(32)).as("protinfo length").isEqualTo((short) 12);
        assertThat(m.getShort(34) & 0xFFFF).isEqualTo(Rtnl.IFLA_PROTINFO | Rtnl.NLA_F_NESTED);
        assertThat(m.getShort(36)).isEqualTo((short) 5);
        assertThat(m.getShort(38) & 0xFFFF).isEqualTo(Rtnl.IFLA_BRPORT_NEIGH_SUPPRESS);
        assertThat(b[40]).isEqualTo((byte) 1);
        assertThat(m.getInt(0)).as("nlmsg_len").isEqualTo(b.length).isEqualTo(44);
    }

    @Test
    void aBridgePortReportsTheFlagInItsSlaveDataAndOtherLinksReportNothing() {
        assertThat(link("bridge", true).neighSuppress()).isTrue();
        assertThat(link("bridge", false).neighSuppress()).isFalse();
        assertThat(link("bridge", null).neighSuppress()).as("a kernel without the attribute").isNull();
        assertThat(link(null, null).neighSuppress()).as("no bridge port").isNull();
    }

    /** An RTM_NEWLINK of a vxlan link, a port of {@code slaveKind} (null: of nothing) with the flag (null: absent). */
    private static RtnlMessages.RawLink link(String slaveKind, Boolean flag) {
        NlWriter w = new NlWriter(Rtnl.RTM_NEWLINK, 0).u8(0).u8(0).u16(0).u32(9).u32(0).u32(0);
        w.attrString(Rtnl.IFLA_IFNAME, "oksup-vx");
        int info = w.begin(Rtnl.IFLA_LINKINFO);
        w.attrString(Rtnl.IFLA_INFO_KIND, "vxlan");
        if (slaveKind != null) {
            w.attrString(Rtnl.IFLA_INFO_SLAVE_KIND, slaveKind);
            int data = w.begin(Rtnl.IFLA_INFO_SLAVE_DATA);
            w.attrU8(8, 1); // IFLA_BRPORT_LEARNING, before it
            if (flag != null) {
                w.attrU8(Rtnl.IFLA_BRPORT_NEIGH_SUPPRESS, flag ? 1 : 0);
            }
            w.end(data);
        }
        w.end(info);
        byte[] b = w.finish(1, 0);
        List<NlMessage> m = NlMessage.parseAll(b, b.length);
        return RtnlMessages.decodeLink(m.get(0));
    }
}
