package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.VxlanTunnel;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear exception and leaves nothing behind. */
class BadInputIT extends InFreshNamespace {
    private static final String MISSING = "oknl-missing-" + ProcessHandle.current().pid();

    BadInputIT() {
        super("b");
    }

    @Test
    void sixteenByteNameIsRejectedBeforeTheKernel() {
        assertThatThrownBy(() -> VethPair.builder("oknl-0123456789a").peer("x").build())
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("oknl-0123456789a")
                .hasMessageContaining("16 bytes");
        assertThat(Oracle.json(NS, "ip", "-j", "link").findValuesAsText("ifname")).containsExactly("lo");
    }

    @Test
    void vniOutOfRangeIsRejected() {
        assertThatThrownBy(() -> VxlanTunnel.builder("oknl-vx", 16777216))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("16777216");
        assertThat(Oracle.json(NS, "ip", "-j", "link").findValuesAsText("ifname")).containsExactly("lo");
    }

    @Test
    void missingNamespaceIsAClearNotFound() {
        NetNamespace missing = NetNamespace.named(MISSING);

        assertThatThrownBy(() -> stack.links(missing)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("namespace " + MISSING + " does not exist");
        assertThatThrownBy(() -> links.create(VethPair.builder("oknl-a").peer("eth0").peerNamespace(missing).build()))
                .isInstanceOf(NotFoundException.class).hasMessageContaining(MISSING);
        assertThatThrownBy(() -> stack.namespaces().readSysctl(missing, "net.ipv4.ip_forward"))
                .isInstanceOf(NotFoundException.class);

        assertThat(Oracle.json(NS, "ip", "-j", "link").findValuesAsText("ifname")).containsExactly("lo");
        assertThat(Oracle.namedNamespaces()).doesNotContain(MISSING);
    }

    @Test
    void missingLinkIsAClearNotFound() {
        assertThatThrownBy(() -> links.setUp(InterfaceName.of("oknl-nope")))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("link 'oknl-nope' not found in namespace " + NS)
                .hasRootCauseInstanceOf(io.overlaykit.netlink.internal.NetlinkSocket.NetlinkError.class);
        assertThat(NetlinkException.errnoOf(catchNotFound())).isEqualTo(19);
        // sets address the link by name in one request: the kernel's ENODEV is the same clear not-found
        assertThatThrownBy(() -> links.setMtu(InterfaceName.of("oknl-nope"), 1400))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("link 'oknl-nope' not found in namespace " + NS);
        assertThatThrownBy(() -> links.setDown(InterfaceName.of("oknl-nope")))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("link 'oknl-nope' not found in namespace " + NS);
        assertThat(links.delete(InterfaceName.of("oknl-nope"))).isFalse();
    }

    private Throwable catchNotFound() {
        try {
            links.get(InterfaceName.of("oknl-nope"));
            throw new AssertionError("expected NotFoundException");
        } catch (NotFoundException e) {
            return e;
        }
    }
}
