package io.overlaykit.netlink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.Secret;
import io.overlaykit.core.spi.WireGuardDevice;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generic-netlink wireguard family against bytes laid out by hand from linux/wireguard.h's numbers (not
 * made by the encoder under test), and the controller's GETFAMILY.
 */
class WireGuardCodecTest {
    private static final int FAMILY = 0x1b;
    private static final HexFormat HEX = HexFormat.of();

    @BeforeAll
    static void littleEndian() {
        // the fixtures below spell host-order fields little-endian, as on the x86-64 and arm64 machines we run on
        assertThat(ByteOrder.nativeOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] run(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    private static String pub(byte[] k) {
        return Base64.getEncoder().encodeToString(k);
    }

    @Test
    void setDeviceIsLaidOutAsTheHeaderSays() throws Exception {
        WireGuardDevice config = new WireGuardDevice(Secret.of(run(0x01, 32)), 51820, List.of(WireGuardDevice.Peer.of(
                pub(run(0x40, 32)), Secret.of(run(0x60, 32)),
                new InetSocketAddress(InetAddress.getByName("192.0.2.3"), 51820),
                List.of(IpPrefix.parse("100.64.7.2/32")), 25)));
        List<NlWriter> messages = WireGuardCodec.setDevice(FAMILY, "okwg0", config);
        assertThat(messages).hasSize(1);
        String expected = "e8000000" + "1b00" + "0500" + "09000000" + "00000000" // len 232, family, REQUEST|ACK
                + "01010000"                                  // WG_CMD_SET_DEVICE, version 1
                + "0a00" + "0200" + "6f6b77673000" + "0000"   // WGDEVICE_A_IFNAME "okwg0\0"
                + "2400" + "0300" + HEX.formatHex(run(0x01, 32)) // WGDEVICE_A_PRIVATE_KEY
                + "0600" + "0600" + "6cca" + "0000"           // WGDEVICE_A_LISTEN_PORT 51820 (host order)
                + "0800" + "0500" + "01000000"                // WGDEVICE_A_FLAGS REPLACE_PEERS
                + "9400" + "0880"                             // WGDEVICE_A_PEERS, nested, 148 bytes
                + "9000" + "0080"                             //   peer 0, nested, 144 bytes
                + "2400" + "0100" + HEX.formatHex(run(0x40, 32)) // WGPEER_A_PUBLIC_KEY
                + "2400" + "0200" + HEX.formatHex(run(0x60, 32)) // WGPEER_A_PRESHARED_KEY
                + "0800" + "0300" + "02000000"                // WGPEER_A_FLAGS REPLACE_ALLOWEDIPS
                + "1400" + "0400" + "0200" + "ca6c" + "c0000203" + "0000000000000000" // ENDPOINT sockaddr_in
                + "0600" + "0500" + "1900" + "0000"           // PERSISTENT_KEEPALIVE_INTERVAL 25
                + "2000" + "0980"                             // WGPEER_A_ALLOWEDIPS, nested, 32 bytes
                + "1c00" + "0080"                             //   allowed IP 0, nested, 28 bytes
                + "0600" + "0100" + "0200" + "0000"           //     WGALLOWEDIP_A_FAMILY AF_INET
                + "0800" + "0200" + "64400702"                //     WGALLOWEDIP_A_IPADDR 100.64.7.2
                + "0500" + "0300" + "20" + "000000";          //     WGALLOWEDIP_A_CIDR_MASK 32
        assertThat(HEX.formatHex(messages.get(0).finish(9, 0))).isEqualTo(expected);
    }

    @Test
    void anIpv6EndpointIsASockaddrIn6() throws Exception {
        byte[] sa = WireGuardCodec.sockaddr(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 51821));
        assertThat(HEX.formatHex(sa)).isEqualTo("0a00" + "ca6d" + "00000000" + "20010db8000000000000000000000001"
                + "00000000");
    }

    @Test
    void manyPeersSpreadOverMessagesAndOnlyTheFirstReplacesThem() {
        List<WireGuardDevice.Peer> peers = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            peers.add(WireGuardDevice.Peer.of(pub(run(i, 32)), null, null,
                    List.of(IpPrefix.parse("10.0." + (i / 200) + "." + (i % 200) + "/32")), 0));
        }
        List<NlWriter> ms = WireGuardCodec.setDevice(FAMILY, "okwg0", new WireGuardDevice(Secret.of(new byte[32]), 1,
                peers));
        assertThat(ms.size()).isGreaterThan(1);
        int total = 0;
        for (int k = 0; k < ms.size(); k++) {
            byte[] b = ms.get(k).finish(1, 0);
            assertThat(b.length).isLessThanOrEqualTo(WireGuardCodec.MAX_MESSAGE);
            NlAttrs a = NlMessage.parseAll(b, b.length).get(0).attrs(Genl.GENL_HDRLEN);
            assertThat(a.string(2)).isEqualTo("okwg0");
            assertThat(a.has(5)).as("flags in message " + k).isEqualTo(k == 0);
            assertThat(a.has(3)).as("private key in message " + k).isEqualTo(k == 0);
            total += NlAttrs.walk(a.raw(8), "peers").size();
        }
        assertThat(total).isEqualTo(300);
    }

    // --- hand-built replies ---

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** One attribute: u16 length (header + value), u16 type, value, zero padding to 4. */
    private static byte[] attr(int type, byte[]... value) {
        byte[] v = cat(value);
        ByteBuffer b = ByteBuffer.allocate((4 + v.length + 3) & ~3).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) (4 + v.length)).putShort((short) type).put(v);
        return b.array();
    }

    private static byte[] nest(int type, byte[]... children) {
        return attr(type | 0x8000, children);
    }

    private static byte[] le(long v, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    private static byte[] hex(String s) {
        return HEX.parseHex(s);
    }

    /** A GET_DEVICE reply message (NLM_F_MULTI) with these attributes. */
    private static byte[] message(byte[]... attrs) {
        byte[] body = cat(hex("00010000"), cat(attrs));
        return cat(le(16 + body.length, 4), le(FAMILY, 2), le(0x2, 2), le(3, 4), le(0, 4), body);
    }

    private static List<NlMessage> parse(byte[]... datagrams) {
        List<NlMessage> out = new ArrayList<>();
        for (byte[] d : datagrams) {
            out.addAll(NlMessage.parseAll(d, d.length));
        }
        return out;
    }

    private static final byte[] KEY_A = run(0x40, 32);
    private static final byte[] KEY_B = run(0x80, 32);

    @Test
    void aDumpWhosePeerContinuesInTheNextMessageReadsAsOneDevice() {
        byte[] first = message(
                attr(1, le(7, 4)),                               // WGDEVICE_A_IFINDEX
                attr(2, hex("6f6b77673000")),                    // WGDEVICE_A_IFNAME
                attr(3, run(0x01, 32)),                          // PRIVATE_KEY
                attr(4, run(0x21, 32)),                          // PUBLIC_KEY
                attr(6, le(51820, 2)),                           // LISTEN_PORT
                attr(7, le(0, 4)),                               // FWMARK
                nest(8,
                        nest(0,
                                attr(1, KEY_A),
                                attr(2, run(0x60, 32)),          // preshared key
                                attr(4, hex("0200ca6cc0000203" + "0000000000000000")), // sockaddr_in 192.0.2.3:51820
                                attr(5, le(25, 2)),
                                attr(6, le(1_700_000_000L, 8), le(5, 8)), // __kernel_timespec
                                attr(7, le(1000, 8)),
                                attr(8, le(2000, 8)),
                                nest(9, nest(0, attr(1, le(2, 2)), attr(2, hex("64400702")), attr(3, hex("20")))),
                                attr(10, le(1, 4))),             // protocol version, ignored
                        nest(0,
                                attr(1, KEY_B),
                                attr(2, new byte[32]),           // zeros: no preshared key
                                attr(4, hex("0a00ca6d" + "00000000" + "20010db8000000000000000000000001" + "00000000")),
                                attr(5, le(0, 2)),
                                attr(6, le(0, 8), le(0, 8)),     // never
                                attr(7, le(0, 8)),
                                attr(8, le(0, 8)),
                                nest(9, nest(0, attr(1, le(10, 2)), attr(2, hex("fd000000000000000000000000000000")),
                                        attr(3, hex("40")))))));
        byte[] second = message(
                attr(1, le(7, 4)),
                attr(2, hex("6f6b77673000")),
                nest(8, nest(0, attr(1, KEY_B),
                        nest(9, nest(0, attr(1, le(2, 2)), attr(2, hex("0a000000")), attr(3, hex("08")))))));
        WireGuardDevice d = WireGuardCodec.parseDevice(parse(first, second), "okwg0");

        assertThat(d.privateKey()).isEqualTo(Secret.of(run(0x01, 32)));
        assertThat(d.listenPort()).isEqualTo(51820);
        assertThat(d.peers()).hasSize(2);
        WireGuardDevice.Peer a = d.peer(pub(KEY_A)).orElseThrow();
        assertThat(a.presharedKey()).isEqualTo(Secret.of(run(0x60, 32)));
        assertThat(a.endpoint()).isEqualTo(new InetSocketAddress("192.0.2.3", 51820));
        assertThat(a.keepalive()).isEqualTo(25);
        assertThat(a.lastHandshake()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 5));
        assertThat(a.rxBytes()).isEqualTo(1000);
        assertThat(a.txBytes()).isEqualTo(2000);
        assertThat(a.allowedIps()).containsExactly(IpPrefix.parse("100.64.7.2/32"));
        WireGuardDevice.Peer b = d.peer(pub(KEY_B)).orElseThrow();
        assertThat(b.presharedKey()).isNull();
        assertThat(b.endpoint().getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(b.endpoint().getPort()).isEqualTo(51821);
        assertThat(b.lastHandshake()).isNull();
        assertThat(b.allowedIps()).containsExactly(IpPrefix.parse("fd00::/64"), IpPrefix.parse("10.0.0.0/8"));
        assertThat(d.toString()).doesNotContain(HEX.formatHex(run(0x01, 32))).doesNotContain(
                Base64.getEncoder().encodeToString(run(0x60, 32)));
    }

    @Test
    void aDeviceWithoutKeyOrPeersReadsAsUnset() {
        WireGuardDevice d = WireGuardCodec.parseDevice(parse(message(attr(1, le(7, 4)), attr(2, hex("6f6b77673000")),
                attr(6, le(0, 2)))), "okwg0");
        assertThat(d.privateKey().isZero()).isTrue();
        assertThat(d.peers()).isEmpty();
    }

    private static void refused(byte[] datagram, String text) {
        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                assertThatThrownBy(() -> WireGuardCodec.parseDevice(parse(datagram), "okwg0"))
                        .isInstanceOf(NlFormatException.class).hasMessageContaining("okwg0").hasMessageContaining(text));
    }

    @Test
    void malformedAndTruncatedAttributesAreClearErrors() {
        // a zero attribute length would loop forever in a walker that trusted it
        refused(message(hex("00000800" + "00000000")), "length 0");
        // a peer list whose attribute claims more bytes than its container holds
        refused(message(nest(8, hex("ff7f0080" + "0000"))), "length 32767");
        // a header cut short at the end of the peers
        refused(message(nest(8, nest(0, attr(1, KEY_A)), hex("0800"))), "no attribute header");
        // a peer without a public key
        refused(message(nest(8, nest(0, attr(5, le(1, 2))))), "public key");
        // keys of the wrong size, a short endpoint, a timespec of the wrong size, an allowed IP without its mask
        refused(message(attr(3, run(1, 31))), "private key attribute of 31 bytes");
        refused(message(nest(8, nest(0, attr(1, KEY_A), attr(4, hex("0200ca6c"))))), "endpoint of family 2");
        refused(message(nest(8, nest(0, attr(1, KEY_A), attr(6, le(1, 8))))), "handshake time of 8 bytes");
        refused(message(nest(8, nest(0, attr(1, KEY_A), nest(9, nest(0, attr(1, le(2, 2)),
                attr(2, hex("0a000000"))))))), "without family, address or cidr");
        refused(message(nest(8, nest(0, attr(1, KEY_A), nest(9, nest(0, attr(1, le(2, 2)),
                attr(2, hex("0a000000")), attr(3, hex("21"))))))), "cidr 33");
        // a message too short for its family header
        byte[] tiny = cat(le(18, 4), le(FAMILY, 2), le(2, 2), le(3, 4), le(0, 4), hex("0001"));
        refused(cat(tiny, hex("0000")), "shorter than its family header");
    }

    @Test
    void noMessageAtAllIsAnError() {
        assertThatThrownBy(() -> WireGuardCodec.parseDevice(List.of(), "okwg0")).isInstanceOf(NlFormatException.class)
                .hasMessageContaining("no message");
    }

    @Test
    void getFamilyAndItsAnswer() {
        assertThat(HEX.formatHex(Genl.getFamily("wireguard").finish(4, 0))).isEqualTo(
                "24000000" + "1000" + "0500" + "04000000" + "00000000" // len 36, GENL_ID_CTRL, REQUEST|ACK
                        + "03020000"                                   // CTRL_CMD_GETFAMILY, version 2
                        + "0e00" + "0200" + "776972656775617264" + "00" + "0000"); // CTRL_ATTR_FAMILY_NAME
        byte[] body = cat(hex("01020000"), attr(2, hex("776972656775617264" + "00")), attr(1, le(0x1b, 2)));
        byte[] reply = cat(le(16 + body.length, 4), le(0x10, 2), le(0, 2), le(4, 4), le(0, 4), body);
        NlMessage m = NlMessage.parseAll(reply, reply.length).get(0);
        assertThat(Genl.familyId(m, "wireguard")).contains(0x1b);
        assertThat(Genl.familyId(m, "ethtool")).isEmpty();
    }
}
