package io.overlaykit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.spi.Namespaces;
import io.overlaykit.core.testing.InlineNamespaces;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The forwarder opens its listening socket in the listen namespace and every upstream socket in the
 * target namespace, through the injected {@link Namespaces}. The shared {@link InlineNamespaces}, which
 * records the calls and runs the work in the current namespace (so loopback still connects), stands in for
 * the netlink module.
 */
@Timeout(30)
class PortForwardNamespacesTest {
    private static final NetNamespace LISTEN_NS = NetNamespace.named("okfwd-listen");
    private static final NetNamespace TARGET_NS = NetNamespace.named("okfwd-target");

    @Test
    void listenerOpensInListenNamespaceAndEachUpstreamInTargetNamespace() throws Exception {
        InlineNamespaces namespaces = new InlineNamespaces();
        try (Upstream echo = Upstream.echo();
                PortForward fwd = PortForward.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), echo.address())
                        .listenNamespace(LISTEN_NS).targetNamespace(TARGET_NS).namespaces(namespaces).start()) {
            assertThat(namespaces.calls()).containsExactly(LISTEN_NS);
            for (int i = 0; i < 3; i++) {
                try (Socket s = PortForwardTest.connect(fwd)) {
                    PortForwardTest.assertEchoes(s, "via namespace " + i);
                }
            }
            assertThat(namespaces.calls()).containsExactly(LISTEN_NS, TARGET_NS, TARGET_NS, TARGET_NS);
            assertThat(fwd.toString()).contains("okfwd-target");
        }
    }

    @Test
    void currentNamespaceOpensSocketsDirectlyWithoutANamespaceHop() throws Exception {
        InlineNamespaces namespaces = new InlineNamespaces();
        try (Upstream echo = Upstream.echo();
                PortForward fwd = PortForward.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), echo.address())
                        .listenNamespace(NetNamespace.current()).targetNamespace(NetNamespace.current())
                        .namespaces(namespaces).start()) {
            for (int i = 0; i < 3; i++) {
                try (Socket s = PortForwardTest.connect(fwd)) {
                    PortForwardTest.assertEchoes(s, "direct " + i);
                }
            }
            assertThat(namespaces.calls()).isEmpty(); // neither the listener nor any upstream hopped
        }
    }

    @Test
    void failureToEnterTargetNamespaceClosesTheClientAndKeepsListening() throws Exception {
        InlineNamespaces namespaces = new InlineNamespaces();
        try (Upstream echo = Upstream.echo();
                PortForward fwd = PortForward.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), echo.address())
                        .targetNamespace(TARGET_NS).namespaces(namespaces).start()) {
            namespaces.failWith(new NotFoundException("namespace okfwd-target is gone"));
            try (Socket s = PortForwardTest.connect(fwd)) {
                PortForwardTest.assertClosedByPeer(s);
            }
            PortForwardTest.awaitTrue(() -> fwd.stats().upstreamFailures() == 1, "failure counted");
            namespaces.failWith(null);
            try (Socket s = PortForwardTest.connect(fwd)) {
                PortForwardTest.assertEchoes(s, "back again");
            }
            assertThat(fwd.isOpen()).isTrue();
        }
    }

    @Test
    void failureToEnterListenNamespaceFailsStart() {
        InlineNamespaces namespaces = new InlineNamespaces();
        namespaces.failWith(new NotFoundException("namespace okfwd-listen not found"));
        assertThatThrownBy(() -> PortForward.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 9))
                .listenNamespace(LISTEN_NS).namespaces(namespaces).start())
                .isInstanceOf(NotFoundException.class);
    }
}
