package io.overlaykit.core.internal.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Byte fixtures written by hand from haproxy's proxy-protocol.txt, section 2.2. */
class ProxyV2HeaderTest {
    private static final String SIG = "0d0a0d0a000d0a515549540a";

    @Test
    void tcpOverIpv4() {
        byte[] h = ProxyV2Header.encode(new InetSocketAddress("192.0.2.10", 51000),
                new InetSocketAddress("198.51.100.5", 443));
        assertThat(HexFormat.of().formatHex(h)).isEqualTo(SIG
                + "21" + "11" + "000c"
                + "c000020a" + "c6336405"
                + "c738" + "01bb");
    }

    @Test
    void tcpOverIpv6() {
        byte[] h = ProxyV2Header.encode(new InetSocketAddress("2001:db8::1", 1),
                new InetSocketAddress("2001:db8::2", 65535));
        assertThat(HexFormat.of().formatHex(h)).isEqualTo(SIG
                + "21" + "21" + "0024"
                + "20010db8000000000000000000000001"
                + "20010db8000000000000000000000002"
                + "0001" + "ffff");
    }

    @Test
    void mixedFamiliesAreWrittenAsIpv6WithMappedIpv4() {
        byte[] h = ProxyV2Header.encode(new InetSocketAddress("203.0.113.7", 80),
                new InetSocketAddress("::1", 8080));
        assertThat(HexFormat.of().formatHex(h)).isEqualTo(SIG
                + "21" + "21" + "0024"
                + "00000000000000000000ffffcb007107"
                + "00000000000000000000000000000001"
                + "0050" + "1f90");
    }

    @Test
    void unresolvedAddressIsRejected() {
        assertThatThrownBy(() -> ProxyV2Header.encode(InetSocketAddress.createUnresolved("client.example", 1),
                new InetSocketAddress("127.0.0.1", 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("client.example");
    }
}
