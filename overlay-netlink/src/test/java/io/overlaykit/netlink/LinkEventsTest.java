package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.spi.Links.LinkEvent;
import io.overlaykit.netlink.internal.NetlinkSocket;
import io.overlaykit.netlink.internal.NlMessage;
import io.overlaykit.netlink.internal.NlWriter;
import io.overlaykit.netlink.internal.Rtnl;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LinkEventsTest {

    @Test
    void aFailingInitialListClosesTheSubscriptionSocket() {
        RtnetlinkLinks links = mock(RtnetlinkLinks.class);
        LinuxNamespaces namespaces = mock(LinuxNamespaces.class);
        NetlinkSocket socket = mock(NetlinkSocket.class);
        NetNamespace ns = NetNamespace.named("okfn-events");
        when(links.namespaces()).thenReturn(namespaces);
        when(links.namespace()).thenReturn(ns);
        when(links.label()).thenReturn("okfn-events");
        when(namespaces.callIn(any(), any())).thenReturn(socket);
        when(links.list()).thenThrow(new BackendException("okfn: dump failed"));

        assertThatThrownBy(() -> LinkEvents.start(links, ev -> { })).isInstanceOf(BackendException.class);

        verify(socket).close();
    }

    @Test
    void lostEventsReachListenersAsOverflowAndTheReaderGoesOn() throws Exception {
        RtnetlinkLinks links = mock(RtnetlinkLinks.class);
        LinuxNamespaces namespaces = mock(LinuxNamespaces.class);
        NetlinkSocket socket = mock(NetlinkSocket.class);
        when(links.namespaces()).thenReturn(namespaces);
        when(links.namespace()).thenReturn(NetNamespace.named("okfn-events"));
        when(links.label()).thenReturn("okfn-events");
        when(links.list()).thenReturn(List.of());
        when(links.names()).thenReturn(Map.of());
        when(namespaces.callIn(any(), any())).thenReturn(socket);
        byte[] added = new NlWriter(Rtnl.RTM_NEWLINK, 0).zeros(Rtnl.IFINFOMSG_LEN)
                .attrString(Rtnl.IFLA_IFNAME, "okfn-br0").finish(0, 0);
        when(socket.receiveEvents()).thenReturn(
                new NetlinkSocket.Received(List.of(), true),
                new NetlinkSocket.Received(NlMessage.parseAll(added, added.length), false),
                new NetlinkSocket.Received(List.of(), false));
        when(links.toInfo(any(), any())).thenReturn(
                new LinkInfo(3, InterfaceName.of("okfn-br0"), "bridge", 1500, null, false, 0, 0, null, null));
        BlockingQueue<LinkEvent> seen = new LinkedBlockingQueue<>();

        try (LinkEvents events = LinkEvents.start(links, seen::add)) {
            assertThat(seen.poll(5, TimeUnit.SECONDS)).isEqualTo(LinkEvent.overflow());
            LinkEvent next = seen.poll(5, TimeUnit.SECONDS);
            assertThat(next).isNotNull();
            assertThat(next.link().name().value()).isEqualTo("okfn-br0"); // still reading after the loss
        }
        verify(links).names(); // the index-to-name map was refreshed after the loss
    }
}
