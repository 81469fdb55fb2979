package io.overlaykit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.spi.Namespaces;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The forwarder opens its listening socket in the listen namespace and every upstream socket in the
 * target namespace, through the injected {@link Namespaces}. A fake that records the calls (and runs the
 * work in the current namespace, so loopback still connects) stands in for the netlink module.
 */
@Timeout(30)
class PortForwardNamespacesTest {
    private static final NetNamespace LISTEN_NS = NetNamespace.named("okfwd-listen");
    private static final NetNamespace TARGET_NS = NetNamespace.named("okfwd-target");

    /** Records each {@code callIn}; every other operation is out of the forwarder's business. */
    static final class RecordingNamespaces implements Namespaces {
        final List<NetNamespace> calls = new CopyOnWriteArrayList<>();
        volatile RuntimeException failWith;

        @Override
        public <T> T callIn(NetNamespace ns, Callable<T> work) {
            calls.add(ns);
            if (failWith != null) {
                throw failWith;
            }
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new OverlayException("work in " + ns.displayName() + " failed", e);
            }
        }

        @Override
        public NetNamespace create(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public NetNamespace ensure(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean delete(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean exists(NetNamespace ns) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> listNamed() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String readSysctl(NetNamespace ns, String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String writeSysctl(NetNamespace ns, String key, String value) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void listenerOpensInListenNamespaceAndEachUpstreamInTargetNamespace() throws Exception {
        RecordingNamespaces namespaces = new RecordingNamespaces();
        try (Upstream echo = Upstream.echo();
                PortForward fwd = PortForward.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), echo.address())
                        .listenNamespace(LISTEN_NS).targetNamespace(TARGET_NS).namespaces(namespaces).start()) {
            assertThat(namespaces.calls).containsExactly(LISTEN_NS);
            for (int i = 0; i < 3; i++) {
                try (Socket s = PortForwardTest.connect(fwd)) {
                    PortForwardTest.assertEchoes(s, "via namespace " + i);
                }
            }
            assertThat(namespaces.calls).containsExactly(LISTEN_NS, TARGET_NS, TARGET_NS, TARGET_NS);
            assertThat(fwd.toString()).contains("okfwd-target");
        }
    }

    @Test
    void failureToEnterTargetNamespaceClosesTheClientAndKeepsListening() throws Exception {
        RecordingNamespaces namespaces = new RecordingNamespaces();
        try (Upstream echo = Upstream.echo();
                PortForward fwd = PortForward.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), echo.address())
                        .targetNamespace(TARGET_NS).namespaces(namespaces).start()) {
            namespaces.failWith = new NotFoundException("namespace okfwd-target is gone");
            try (Socket s = PortForwardTest.connect(fwd)) {
                PortForwardTest.assertClosedByPeer(s);
            }
            PortForwardTest.awaitTrue(() -> fwd.stats().upstreamFailures() == 1, "failure counted");
            namespaces.failWith = null;
            try (Socket s = PortForwardTest.connect(fwd)) {
                PortForwardTest.assertEchoes(s, "back again");
            }
            assertThat(fwd.isOpen()).isTrue();
        }
    }

    @Test
    void failureToEnterListenNamespaceFailsStart() {
        RecordingNamespaces namespaces = new RecordingNamespaces();
        namespaces.failWith = new NotFoundException("namespace okfwd-listen not found");
        assertThatThrownBy(() -> PortForward.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 9))
                .listenNamespace(LISTEN_NS).namespaces(namespaces).start())
                .isInstanceOf(NotFoundException.class);
    }
}
