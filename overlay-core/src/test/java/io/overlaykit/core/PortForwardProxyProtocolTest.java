package io.overlaykit.core;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The PROXY v2 header the target receives, parsed by the test's own reader, for IPv4 and IPv6 clients. */
@Timeout(30)
class PortForwardProxyProtocolTest {
    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /** A target that reads the header (16 fixed bytes plus the announced length), then the payload. */
    private final CompletableFuture<byte[]> header = new CompletableFuture<>();
    private final CompletableFuture<String> payload = new CompletableFuture<>();

    private Upstream headerReader() throws Exception {
        return Upstream.start(s -> {
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] fixed = new byte[16];
            in.readFully(fixed);
            byte[] whole = Arrays.copyOf(fixed, 16 + (ByteBuffer.wrap(fixed, 14, 2).getShort() & 0xFFFF));
            in.readFully(whole, 16, whole.length - 16);
            header.complete(whole);
            payload.complete(new String(Upstream.readAll(in), US_ASCII));
        });
    }

    @Test
    void ipv4ClientIsAnnouncedBeforeThePayload() throws Exception {
        try (Upstream up = headerReader();
                PortForward fwd = PortForward.tcp(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0),
                        up.address()).proxyProtocol(true).start();
                Socket client = PortForwardTest.connect(fwd)) {
            client.getOutputStream().write("GET /".getBytes(US_ASCII));
            client.shutdownOutput();
            ByteBuffer h = ByteBuffer.wrap(header.get(10, TimeUnit.SECONDS));
            assertPrelude(h, (byte) 0x11, 12);
            assertThat(address(h, 4)).isEqualTo(client.getLocalAddress());
            assertThat(address(h, 4)).isEqualTo(fwd.localAddress().getAddress());
            assertThat(h.getShort() & 0xFFFF).isEqualTo(client.getLocalPort());
            assertThat(h.getShort() & 0xFFFF).isEqualTo(fwd.localAddress().getPort());
            assertThat(h.hasRemaining()).isFalse();
            assertThat(payload.get(10, TimeUnit.SECONDS)).isEqualTo("GET /");
            assertThat(fwd.stats().bytesToTarget()).isEqualTo(5); // the header is not payload
        }
    }

    @Test
    void ipv6ClientIsAnnouncedWithTheIpv6Family() throws Exception {
        InetAddress v6Loopback = InetAddress.getByName("::1");
        if (!io.overlaykit.core.testing.Ci.isSet()) {
            Assumptions.assumeTrue(canBind(v6Loopback), "no IPv6 loopback (::1) here: IPv6 PROXY header not tested");
        }
        try (Upstream up = headerReader();
                PortForward fwd = PortForward.tcp(new InetSocketAddress(v6Loopback, 0), up.address())
                        .proxyProtocol(true).start();
                Socket client = PortForwardTest.connect(fwd)) {
            client.getOutputStream().write("hi".getBytes(US_ASCII));
            client.shutdownOutput();
            ByteBuffer h = ByteBuffer.wrap(header.get(10, TimeUnit.SECONDS));
            assertPrelude(h, (byte) 0x21, 36);
            InetAddress src = address(h, 16);
            assertThat(src).isInstanceOf(Inet6Address.class).isEqualTo(v6Loopback);
            assertThat(address(h, 16)).isEqualTo(v6Loopback);
            assertThat(h.getShort() & 0xFFFF).isEqualTo(client.getLocalPort());
            assertThat(h.getShort() & 0xFFFF).isEqualTo(fwd.localAddress().getPort());
            assertThat(payload.get(10, TimeUnit.SECONDS)).isEqualTo("hi");
        }
    }

    private static boolean canBind(InetAddress address) {
        try (ServerSocket s = new ServerSocket(0, 1, address)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void assertPrelude(ByteBuffer h, byte family, int length) {
        byte[] signature = new byte[12];
        h.get(signature);
        assertThat(signature).isEqualTo(SIGNATURE);
        assertThat(h.get()).as("version 2, command PROXY").isEqualTo((byte) 0x21);
        assertThat(h.get()).as("family and transport").isEqualTo(family);
        assertThat(h.getShort() & 0xFFFF).as("address block length").isEqualTo(length);
    }

    private static InetAddress address(ByteBuffer h, int length) throws Exception {
        byte[] bytes = new byte[length];
        h.get(bytes);
        return InetAddress.getByAddress(bytes);
    }
}
