package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.AddressInfo;
import io.overlaykit.core.FdbEntry;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.LinkInfo;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.Neighbour;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.PolicyRule;
import io.overlaykit.core.Route;
import io.overlaykit.core.spi.NamespaceView;
import io.overlaykit.core.spi.RequestCounter;
import io.overlaykit.core.spi.RequestHook.Access;
import io.overlaykit.core.spi.RequestHook.Backend;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * observe() against the dumps a real kernel sent for a namespace with one object of each kind
 * (observe-capture.txt, made by CaptureFixtures): every kind decoded, ifindexes resolved to names, and exactly
 * one dump per kind.
 */
class ObserveTest {
    private static final InterfaceName A = InterfaceName.of("okcap-a");
    private static final InterfaceName BR = InterfaceName.of("okcap-br");
    private static final InterfaceName VX = InterfaceName.of("okcap-vx");

    private final LinuxNamespaces namespaces = new LinuxNamespaces();
    private final ScriptedKernel kernel = ScriptedKernel.accepting();
    private final RtnetlinkLinks links = new RtnetlinkLinks(new RtnlChannel(namespaces, NetNamespace.named("okcap"),
            kernel.socket(64 * 1024, 256), 1));
    private final RequestCounter counter = new RequestCounter();

    @AfterEach
    void close() {
        namespaces.close();
    }

    private static java.net.InetAddress ip(String s) {
        return IpPrefix.parseAddress(s);
    }

    @Test
    void oneDumpPerKindAndNothingElse() {
        namespaces.requestHook(counter);

        links.observe();

        assertThat(kernel.dumpsSent).containsOnlyKeys("dumpLink", "dumpAddr", "dumpRoute", "dumpRule", "dumpNeigh",
                "dumpFdb").allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
        assertThat(counter.count(Backend.NETLINK, Access.READ)).isEqualTo(6);
        assertThat(counter.writes()).isZero();
        assertThat(counter.snapshot()).containsOnlyKeys("NETLINK_READ");
    }

    @Test
    void linksWithTheirKindsMastersAndVxlanSettings() {
        NamespaceView v = links.observe();

        assertThat(v.links()).extracting(l -> l.name().value())
                .containsExactlyInAnyOrder("lo", "okcap-a", "okcap-br", "okcap-b", "okcap-c", "okcap-vx");
        LinkInfo br = v.link(BR).orElseThrow();
        assertThat(br.kind()).isEqualTo("bridge");
        assertThat(br.alias()).isEqualTo("overlaykit:capture");
        assertThat(v.portsOf(br.index())).extracting(l -> l.name().value()).containsExactly("okcap-c", "okcap-vx");
        LinkInfo vx = v.link(VX).orElseThrow();
        assertThat(vx.vxlan().vni().value()).isEqualTo(5000);
        assertThat(vx.vxlan().local()).isEqualTo(ip("192.0.2.2"));
        assertThat(vx.vxlan().device()).isEqualTo(A);
        assertThat(vx.vxlan().dstPort()).isEqualTo(4789);
        assertThat(vx.vxlan().learning()).isFalse();
        assertThat(v.link(A).orElseThrow().kind()).isEqualTo("veth");
    }

    @Test
    void addressesCarryTheirLinkNames() {
        NamespaceView v = links.observe();

        assertThat(v.addresses()).allSatisfy(a -> assertThat(a.link()).isNotNull());
        assertThat(v.addresses(A)).extracting(AddressInfo::prefix).contains(IpPrefix.parse("192.0.2.2/24"),
                IpPrefix.parse("2001:db8::2/64"));
        assertThat(v.addresses(BR)).extracting(AddressInfo::prefix).contains(IpPrefix.parse("172.16.0.1/24"));
        assertThat(v.addresses(InterfaceName.of("lo"))).extracting(AddressInfo::prefix)
                .containsExactlyInAnyOrder(IpPrefix.parse("127.0.0.1/8"), IpPrefix.parse("::1/128"));
    }

    @Test
    void routesOfEveryTableAndFamilyMultipathIncluded() {
        NamespaceView v = links.observe();

        assertThat(v.routes(Route.MAIN_TABLE)).contains(
                new Route(null, ip("192.0.2.1"), A, false, Route.MAIN_TABLE, null),
                new Route(IpPrefix.parse("192.0.2.0/24"), null, A, false, Route.MAIN_TABLE, null),
                new Route(IpPrefix.parse("2001:db8:1::/64"), ip("2001:db8::1"), A, false, Route.MAIN_TABLE, 300),
                new Route(IpPrefix.parse("203.0.113.0/24"), null, null, false, Route.MAIN_TABLE, null, List.of(
                        new Route.NextHop(ip("192.0.2.3"), A, 1, false), new Route.NextHop(ip("192.0.2.4"), A, 2, false))));
        assertThat(v.routes(100)).containsExactly(new Route(IpPrefix.parse("198.51.100.0/24"), ip("192.0.2.9"), A,
                false, 100, null));
        assertThat(v.routes()).filteredOn(Route::isMultipath).hasSize(1);
        assertThat(v.routes()).noneMatch(r -> r.table() == 255); // local and broadcast routes are not unicast
    }

    @Test
    void rulesOfBothFamilies() {
        assertThat(links.observe().rules()).contains(
                new PolicyRule(1000, null, IpPrefix.parse("172.16.0.0/24"), 100),
                new PolicyRule(1001, 0x42, null, 100),
                new PolicyRule(1002, null, IpPrefix.parse("2001:db8::/64"), 100),
                new PolicyRule(32766, null, null, Route.MAIN_TABLE));
        // the same dump also carries the multicast-routing families' rules (32767 lookup 253 and 254): not ours
        assertThat(links.observe().rules()).filteredOn(r -> r.priority() == 32767).hasSize(1);
    }

    @Test
    void neighboursWithTheirStates() {
        assertThat(links.observe().neighbours(A)).contains(
                new Neighbour(A, ip("192.0.2.7"), MacAddress.parse("02:00:00:00:00:07")),
                new Neighbour(A, ip("192.0.2.8"), MacAddress.parse("02:00:00:00:00:08"), Neighbour.State.STALE),
                new Neighbour(A, ip("2001:db8::7"), MacAddress.parse("02:00:00:00:00:17")));
    }

    @Test
    void fdbKeepsTheVxlanDevicesOwnEntriesOnly() {
        NamespaceView v = links.observe();

        assertThat(v.fdb()).containsExactlyInAnyOrder(
                FdbEntry.flood(VX, ip("192.0.2.3")),
                FdbEntry.flood(VX, ip("192.0.2.4")),
                new FdbEntry(VX, MacAddress.parse("02:00:00:00:00:0c"), ip("192.0.2.3"), null));
        // the same dump, unfiltered, also holds the bridge's entries
        assertThat(links.fdb(null)).hasSizeGreaterThan(3);
    }
}
