package io.overlaykit.netlink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.VxlanTunnel;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Framing rules: header, 4-byte alignment, nesting, and malformed input. */
class NlCodecTest {

    @Test
    void attributesArePaddedAndNestedLengthsCoverTheirChildren() {
        NlWriter w = new NlWriter(Rtnl.RTM_NEWLINK, Rtnl.NLM_F_REQUEST).u32(7);
        int outer = w.begin(18);
        w.attrString(1, "ab");
        w.attrU8(2, 9);
        w.end(outer);
        byte[] b = w.finish(5, 6);

        assertThat(HexFormat.of().formatHex(b)).isEqualTo(
                "28000000" + "1000" + "0100" + "05000000" + "06000000" // header: len 40, type, flags, seq, pid
                        + "07000000"                                     // family header
                        + "1400" + "1280"                                // nested 18, length 20, NLA_F_NESTED
                        + "0700" + "0100" + "616200" + "00"              // "ab\0" padded to 8
                        + "0500" + "0200" + "09" + "000000");            // u8 padded to 8
        NlMessage m = NlMessage.parseAll(b, b.length).get(0);
        assertThat(m.seq()).isEqualTo(5);
        assertThat(m.pid()).isEqualTo(6);
        NlAttrs inner = m.attrs(4).nested(18);
        assertThat(inner.string(1)).isEqualTo("ab");
        assertThat(inner.u8(2)).isEqualTo(9);
        assertThat(inner.has(3)).isFalse();
    }

    @Test
    void truncatedMessagesAreRejected() {
        byte[] b = new NlWriter(Rtnl.RTM_GETLINK, 0).u32(0).finish(1, 0);
        assertThatThrownBy(() -> NlMessage.parseAll(b, b.length - 2)).isInstanceOf(NlFormatException.class);
        b[0] = 2; // a length shorter than a header
        assertThatThrownBy(() -> NlMessage.parseAll(b, b.length)).isInstanceOf(NlFormatException.class)
                .hasMessageContaining("length 2");
    }

    @Test
    void vxlanPortIsNetworkByteOrderAndDefaultsToIana() {
        VxlanTunnel t = VxlanTunnel.builder("vx0", 1).build();
        NlWriter w = new NlWriter(Rtnl.RTM_NEWLINK, 0);
        LinkKind.VXLAN.encode(w, VxlanMapping.toAttributes(t, 0));
        String hex = HexFormat.of().formatHex(w.finish(0, 0));
        assertThat(hex).contains("06000f00" + "12b5"); // 4789 = 0x12b5, big-endian
        assertThat(t.dstPort()).isEqualTo(4789);
    }

    @Test
    void unknownFieldOfAKindIsRefused() {
        NlWriter w = new NlWriter(Rtnl.RTM_NEWLINK, 0);
        assertThatThrownBy(() -> LinkKind.VXLAN.encode(w, Map.of("colour", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("colour");
    }

    @Test
    void errnoNames() {
        assertThat(Errno.name(17)).isEqualTo("EEXIST");
        assertThat(Errno.name(19)).isEqualTo("ENODEV");
        assertThat(Errno.name(4242)).isEqualTo("errno 4242");
    }
}
