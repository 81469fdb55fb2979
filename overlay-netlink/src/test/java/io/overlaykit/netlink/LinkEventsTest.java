package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.netlink.internal.NetlinkSocket;
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
}
