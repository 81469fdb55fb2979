package io.overlaykit.core.internal.wireguard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.Secret;
import io.overlaykit.core.spi.WireGuardDevice;
import java.net.InetSocketAddress;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The UAPI codec on the protocol's own text (wireguard.com/xplatform, as wireguard-go answers). */
class UapiCodecTest {
    private static final String PRIV = "e84b5a6d2717c1003a13b431570353dbaca9146cf150c5f8575680feba52027a";
    private static final String PUB = "b85996fecc9c7f1fc6d2572a76eda11d59bcd20be8e543b15ce4bd85a8e75a33";
    private static final String PSK = "188515093e952f5f22e865cef3012e72f8b5f0b598ac0309d5dacce3b70fcf52";

    static final String ANSWER = """
            private_key=%s
            listen_port=51820
            public_key=%s
            preshared_key=%s
            protocol_version=1
            endpoint=198.51.100.3:51820
            last_handshake_time_sec=1700000000
            last_handshake_time_nsec=5
            tx_bytes=38333
            rx_bytes=2224
            persistent_keepalive_interval=25
            allowed_ip=100.64.0.2/32
            errno=0

            """.formatted(PRIV, PUB, PSK);

    @Test
    void parsesAGetAnswer() {
        WireGuardDevice d = UapiCodec.parse(ANSWER);
        assertThat(d.privateKey()).isEqualTo(Secret.of(HexFormat.of().parseHex(PRIV)));
        assertThat(d.listenPort()).isEqualTo(51820);
        assertThat(d.peers()).hasSize(1);
        WireGuardDevice.Peer p = d.peers().get(0);
        assertThat(p.publicKey()).isEqualTo(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(PUB)));
        assertThat(p.endpoint()).isEqualTo(new InetSocketAddress("198.51.100.3", 51820));
        assertThat(p.allowedIps()).containsExactly(IpPrefix.parse("100.64.0.2/32"));
        assertThat(p.keepalive()).isEqualTo(25);
        assertThat(p.lastHandshake().getEpochSecond()).isEqualTo(1700000000L);
        assertThat(p.rxBytes()).isEqualTo(2224);
        assertThat(d.toString()).doesNotContain(PRIV).doesNotContain(PSK).contains("<redacted>");
    }

    @Test
    void aSetRequestRoundTripsThroughTheParser() {
        WireGuardDevice want = UapiCodec.parse(ANSWER);
        String set = UapiCodec.set(want);
        assertThat(set).startsWith("set=1\nprivate_key=" + PRIV + "\nlisten_port=51820\nreplace_peers=true\n")
                .contains("public_key=" + PUB + "\npreshared_key=" + PSK + "\nendpoint=198.51.100.3:51820\n")
                .contains("replace_allowed_ips=true\nallowed_ip=100.64.0.2/32\n").endsWith("\n\n");
        WireGuardDevice back = UapiCodec.parse(set.replace("set=1\n", "").replace("replace_peers=true\n", "")
                .replace("replace_allowed_ips=true\n", "").trim() + "\nerrno=0\n\n");
        assertThat(back.sameConfig(want)).isTrue();
    }

    @Test
    void anUnconfiguredDeviceHasAZeroKeyAndNoPeers() {
        WireGuardDevice d = UapiCodec.parse("private_key=" + "0".repeat(64) + "\nlisten_port=0\nerrno=0\n\n");
        assertThat(d.privateKey().isZero()).isTrue();
        assertThat(d.peers()).isEmpty();
        assertThat(UapiCodec.parse("errno=0\n\n").privateKey().isZero()).isTrue();
    }

    @Test
    void errorsAndGarbageAreRefusedWithoutQuotingKeys() {
        assertThatThrownBy(() -> UapiCodec.parse("errno=2\n\n")).hasMessageContaining("errno 2");
        assertThatThrownBy(() -> UapiCodec.parse("private_key=" + PRIV + "\n")).hasMessageContaining("no errno");
        assertThatThrownBy(() -> UapiCodec.parse("private_key=zz" + PRIV.substring(2) + "\nerrno=0\n"))
                .hasMessageContaining("not hex").hasMessageNotContaining(PRIV.substring(2));
        assertThatThrownBy(() -> UapiCodec.parse("endpoint=1.2.3.4:5\nerrno=0\n")).hasMessageContaining("before any public_key");
        assertThatThrownBy(() -> UapiCodec.parse("garbage\nerrno=0\n")).hasMessageContaining("without '='");
        assertThat(UapiCodec.errno("errno=0\n\n")).isZero();
        assertThat(UapiCodec.errno("errno=22\n\n")).isEqualTo(22);
    }
}
