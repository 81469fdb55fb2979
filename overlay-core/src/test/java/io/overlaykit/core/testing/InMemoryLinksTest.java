package io.overlaykit.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.ConflictException;
import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import org.junit.jupiter.api.Test;

/** The shared fake keeps the kernel rules other tests rely on. */
class InMemoryLinksTest {
    private static final InterfaceName BR = InterfaceName.of("okfake-br");
    private static final InterfaceName PORT = InterfaceName.of("okfake-p");

    private final InMemoryLinks links = new InMemoryLinks(NetNamespace.named("okfake"));

    @Test
    void duplicateFdbAppendIsRefusedUnlessTurnedOff() {
        links.addLink(PORT.value(), "vxlan");
        FdbEntry flood = FdbEntry.flood(PORT, IpPrefix.parseAddress("192.0.2.3"));
        links.addFdb(flood);
        assertThatThrownBy(() -> links.addFdb(flood))
                .isInstanceOf(ConflictException.class).hasMessageContaining("EEXIST");

        links.rejectDuplicateFdb(false).addFdb(flood);
        assertThat(links.fdb(PORT)).containsExactly(flood, flood);
        assertThat(links.fdbAppends()).isEqualTo(2);
    }

    @Test
    void deletingABridgeReleasesItsPortsAndALinkItsAddresses() {
        links.create(Bridge.named(BR.value()));
        links.addLink(PORT.value(), "veth");
        links.setMaster(PORT, BR);
        links.addAddress(BR, IpPrefix.parse("198.51.100.1/24"));
        assertThat(links.get(PORT).masterIndex()).isEqualTo(links.get(BR).index());

        assertThat(links.delete(BR)).isTrue();
        assertThat(links.get(PORT).masterIndex()).isZero();
        assertThat(links.addresses(null)).isEmpty();
        assertThat(links.delete(BR)).isFalse();
        assertThat(links.createCount(BR.value())).isEqualTo(1);
    }
}
