package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.MacAddress;
import io.overlaykit.netlink.internal.LibC;
import io.overlaykit.netlink.internal.NlMessage;
import io.overlaykit.netlink.internal.NlWriter;
import io.overlaykit.netlink.internal.Rtnl;
import io.overlaykit.netlink.internal.RtnlMessages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Round trips of the per-link listings against a mocked channel: no link dump when the link is named. */
class DumpsTest {
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
        RtnlChannel channel = mock(RtnlChannel.class);
        RtnetlinkLinks links = mock(RtnetlinkLinks.class);
        when(links.indexOf(VX)).thenReturn(7);
        when(channel.dump(any(), anyString())).thenReturn(addressDump());

        var out = new Dumps(channel, links).addresses(VX);

        assertThat(out).hasSize(1);
        assertThat(out.get(0).linkIndex()).isEqualTo(7);
        assertThat(out.get(0).link()).isEqualTo(VX);
        verify(channel, times(1)).dump(any(), anyString()); // the address dump, no link dump
    }

    @Test
    void addressesOfAllLinksDumpTheNamesOnce() {
        RtnlChannel channel = mock(RtnlChannel.class);
        RtnetlinkLinks links = mock(RtnetlinkLinks.class);
        when(channel.dump(any(), eq("list links"))).thenReturn(List.of(link(7, "okfn-a"), link(8, "okfn-b")));
        when(channel.dump(any(), eq("list addresses"))).thenReturn(addressDump());

        var out = new Dumps(channel, links).addresses(null);

        assertThat(out).extracting(a -> a.link().value()).containsExactly("okfn-a", "okfn-b");
        verify(channel, times(1)).dump(any(), eq("list links"));
        verify(links, never()).indexOf(any());
    }

    @Test
    void fdbOfOneLinkSkipsTheLinkDump() {
        RtnlChannel channel = mock(RtnlChannel.class);
        RtnetlinkLinks links = mock(RtnetlinkLinks.class);
        when(links.indexOf(VX)).thenReturn(7);
        when(channel.dump(any(), anyString())).thenReturn(fdbDump());

        var out = new Dumps(channel, links).fdb(VX);

        assertThat(out).containsExactly(new FdbEntry(VX, MAC, IpPrefix.parseAddress("192.0.2.4"), null));
        verify(channel, never()).dump(any(), eq("list links"));
    }

    @Test
    void deleteFdbTakesThreeRoundTrips() {
        RtnlChannel channel = mock(RtnlChannel.class);
        when(channel.label()).thenReturn("okfn");
        when(channel.hook()).thenReturn(io.overlaykit.core.spi.RequestHook.NONE);
        List<String> calls = new ArrayList<>();
        when(channel.call(any(), anyString())).thenAnswer(inv -> {
            calls.add(inv.getArgument(1));
            return ((String) inv.getArgument(1)).startsWith("get link") ? List.of(link(7, VX.value())) : List.of();
        });
        when(channel.dump(any(), anyString())).thenReturn(fdbDump());
        RtnetlinkLinks links = new RtnetlinkLinks(channel);

        boolean deleted = links.deleteFdb(new FdbEntry(VX, MAC, IpPrefix.parseAddress("192.0.2.4"), null));

        assertThat(deleted).isTrue();
        // 1: GET link, 2: the fdb dump, 3: the delete
        assertThat(calls).hasSize(2).satisfiesExactly(c -> assertThat(c).startsWith("get link"),
                c -> assertThat(c).startsWith("delete fdb"));
        verify(channel, times(1)).dump(any(), anyString());
    }

    private static NlMessage link(int index, String name) {
        return parsed(new NlWriter(Rtnl.RTM_NEWLINK, 0).u8(0).u8(0).u16(0).u32(index).u32(0).u32(0)
                .attrString(Rtnl.IFLA_IFNAME, name));
    }
}
