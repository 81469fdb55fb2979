package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.MacAddress;
import io.overlaykit.netlink.internal.LibC;
import io.overlaykit.netlink.internal.NlMessage;
import io.overlaykit.netlink.internal.NlWriter;
import io.overlaykit.netlink.internal.Rtnl;
import io.overlaykit.netlink.internal.RtnlMessages;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Round trips of Routing's per-link listings against a mocked handle: no link dump when the link is named. */
class RoutingTest {
    private static final InterfaceName VX = InterfaceName.of("okfn-vx");
    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:0a");

    private static NlMessage parsed(NlWriter w) {
        byte[] b = w.finish(1, 0);
        return NlMessage.parseAll(b, b.length).get(0);
    }

    private static List<NlMessage> addressDump() {
        return List.of(
                parsed(RtnlMessages.addr(Rtnl.RTM_NEWADDR, 0, IpPrefix.parseAddress("10.1.0.1"), 24, 7)),
                parsed(RtnlMessages.addr(Rtnl.RTM_NEWADDR, 0, IpPrefix.parseAddress("10.2.0.1"), 24, 8)));
    }

    private static List<NlMessage> fdbDump() {
        return List.of(
                parsed(RtnlMessages.neigh(Rtnl.RTM_NEWNEIGH, 0, LibC.AF_BRIDGE, 7, Rtnl.NUD_PERMANENT, Rtnl.NTF_SELF,
                        IpPrefix.parseAddress("192.0.2.4"), MAC.toBytes(), null)),
                parsed(RtnlMessages.neigh(Rtnl.RTM_NEWNEIGH, 0, LibC.AF_BRIDGE, 8, Rtnl.NUD_PERMANENT, Rtnl.NTF_SELF,
                        IpPrefix.parseAddress("192.0.2.5"), MAC.toBytes(), null)));
    }

    @Test
    void addressesOfOneLinkUseItsIndexAndNameWithoutALinkDump() {
        RtnetlinkLinks links = mock(RtnetlinkLinks.class);
        when(links.indexOf(VX)).thenReturn(7);
        when(links.dump(any(), anyString())).thenReturn(addressDump());

        var out = new Routing(links).addresses(VX);

        assertThat(out).hasSize(1);
        assertThat(out.get(0).linkIndex()).isEqualTo(7);
        assertThat(out.get(0).link()).isEqualTo(VX);
        verify(links, never()).names();
        verify(links, times(1)).dump(any(), anyString());
    }

    @Test
    void addressesOfAllLinksDumpTheNamesOnce() {
        RtnetlinkLinks links = mock(RtnetlinkLinks.class);
        when(links.names()).thenReturn(Map.of(7, "okfn-a", 8, "okfn-b"));
        when(links.dump(any(), anyString())).thenReturn(addressDump());

        var out = new Routing(links).addresses(null);

        assertThat(out).extracting(a -> a.link().value()).containsExactly("okfn-a", "okfn-b");
        verify(links, times(1)).names();
        verify(links, never()).indexOf(any());
    }

    @Test
    void fdbOfOneLinkSkipsTheLinkDump() {
        RtnetlinkLinks links = mock(RtnetlinkLinks.class);
        when(links.indexOf(VX)).thenReturn(7);
        when(links.dump(any(), anyString())).thenReturn(fdbDump());

        var out = new Routing(links).fdb(VX);

        assertThat(out).containsExactly(new FdbEntry(VX, MAC, IpPrefix.parseAddress("192.0.2.4"), null));
        verify(links, never()).names();
    }

    @Test
    void deleteFdbTakesThreeRoundTrips() {
        RtnetlinkLinks links = mock(RtnetlinkLinks.class);
        LinkInfo vx = new LinkInfo(7, VX, "vxlan", 1450, MAC, true, 0, 0, null, null);
        when(links.find(VX)).thenReturn(Optional.of(vx));
        when(links.dump(any(), anyString())).thenReturn(fdbDump());
        List<String> calls = new ArrayList<>();
        when(links.call(any(), anyString())).thenAnswer(inv -> {
            calls.add(inv.getArgument(1));
            return List.of();
        });

        boolean deleted = new Routing(links).deleteFdb(new FdbEntry(VX, MAC, IpPrefix.parseAddress("192.0.2.4"), null));

        assertThat(deleted).isTrue();
        verify(links, times(1)).find(VX);      // 1: GET link
        verify(links, times(1)).dump(any(), anyString()); // 2: fdb dump
        assertThat(calls).hasSize(1).allMatch(c -> c.startsWith("delete fdb")); // 3: the delete
        verify(links, never()).names();
        verify(links, never()).indexOf(any());
    }
}
