package io.overlaykit.ovs.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.spi.RequestCounter;
import io.overlaykit.core.spi.RequestHook.Access;
import io.overlaykit.core.spi.RequestHook.Backend;
import io.overlaykit.netlink.RtnetlinkLinks;
import io.overlaykit.ovs.OvsPort;
import io.overlaykit.ovs.OvsSwitch;
import io.overlaykit.ovs.OvsdbClient;
import io.overlaykit.ovs.OvsdbClientOptions;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.WithLab;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One port added to a bridge that has 1000, on a lab host's real ovsdb-server and ovs-vswitchd: the request
 * count (one transaction, no read) is the assertion; the time next to {@code ovs-vsctl add-port} in the same
 * run is printed, not asserted.
 */
@Timeout(600)
@WithLab(hosts = 1, ovs = true, outside = false)
class OvsSwitchScaleIT {
    private static final int PORTS = 1000;
    private static final int SINGLES = 5;
    private static final String OWNER = "okovs-scale";
    private static final InterfaceName BR = InterfaceName.of("okovs-sbr0");

    @Test
    void onePortAtAThousandIsOneTransactionAndNoRead(Lab lab) {
        LabOvs ovs = new LabOvs(lab, "hostA");
        RtnetlinkLinks links = lab.network().links(ovs.host.namespace());
        RequestCounter counter = new RequestCounter();
        List<InterfaceName> made = new ArrayList<>();
        try (OvsdbClient client = OvsdbClient.connect(ovs.remote(), OvsdbClientOptions.defaults()
                .withCallTimeout(Duration.ofSeconds(60)))) {
            client.requestHook(counter);
            OvsSwitch sw = OvsSwitch.create(client, "netdev").waitingForVswitchd(Duration.ofSeconds(120));
            sw.ensureBridge(Bridge.named(BR.value()), OWNER);
            Map<InterfaceName, Long> many = veths(links, "okovs-s", PORTS, made);
            Map<InterfaceName, Long> singles = veths(links, "okovs-x", SINGLES, made);
            List<InterfaceName> forVsctl = new ArrayList<>(veths(links, "okovs-y", SINGLES, made).keySet());

            counter.reset();
            long t0 = System.nanoTime();
            sw.addPorts(BR, many.keySet().stream().map(OvsPort::system).toList(), OWNER, many);
            System.out.printf("OvsSwitch: %d ports in one transaction in %d ms (incl. ovs-vswitchd)%n", PORTS,
                    (System.nanoTime() - t0) / 1_000_000);
            assertThat(counter.count(Backend.OVSDB, Access.WRITE)).isEqualTo(1);
            assertThat(VsctlOracle.ports(ovs, BR.value())).hasSize(PORTS);

            counter.reset();
            List<Long> sdk = new ArrayList<>();
            List<Long> vsctl = new ArrayList<>();
            List<InterfaceName> single = new ArrayList<>(singles.keySet());
            for (int i = 0; i < SINGLES; i++) {
                InterfaceName x = single.get(i);
                long t = System.nanoTime();
                sw.addPorts(BR, List.of(OvsPort.system(x)), OWNER, Map.of(x, singles.get(x)));
                sdk.add(System.nanoTime() - t);
                t = System.nanoTime();
                ovs.vsctl("add-port", BR.value(), forVsctl.get(i).value());
                vsctl.add(System.nanoTime() - t);
            }
            assertThat(counter.count(Backend.OVSDB, Access.WRITE)).as("one transaction per attach").isEqualTo(SINGLES);
            assertThat(counter.count(Backend.OVSDB, Access.READ)).as("no table read").isZero();
            System.out.printf("single-port attach at %d+ ports, waiting for ovs-vswitchd: OvsSwitch median %.1f ms %s,"
                    + " ovs-vsctl add-port median %.1f ms %s%n", PORTS, median(sdk), millis(sdk), median(vsctl),
                    millis(vsctl));

            // Without waiting for ovs-vswitchd (and not told the device): the OVSDB side alone.
            OvsSwitch noWait = OvsSwitch.create(client, "netdev");
            noWait.view(); // its own monitor
            List<InterfaceName> noWaitSingles = new ArrayList<>(veths(links, "okovs-n", SINGLES, made).keySet());
            List<InterfaceName> noWaitVsctl = new ArrayList<>(veths(links, "okovs-m", SINGLES, made).keySet());
            counter.reset();
            List<Long> sdkNoWait = new ArrayList<>();
            List<Long> vsctlNoWait = new ArrayList<>();
            for (int i = 0; i < SINGLES; i++) {
                long t = System.nanoTime();
                noWait.attach(BR, List.of(noWaitSingles.get(i)), OWNER);
                sdkNoWait.add(System.nanoTime() - t);
                t = System.nanoTime();
                ovs.vsctl("--no-wait", "add-port", BR.value(), noWaitVsctl.get(i).value());
                vsctlNoWait.add(System.nanoTime() - t);
            }
            assertThat(counter.snapshot()).isEqualTo(Map.of("OVSDB_WRITE", (long) SINGLES));
            System.out.printf("single-port attach at %d+ ports, not waiting: OvsSwitch median %.1f ms %s,"
                    + " ovs-vsctl --no-wait add-port median %.1f ms %s%n", PORTS, median(sdkNoWait), millis(sdkNoWait),
                    median(vsctlNoWait), millis(vsctlNoWait));
            noWait.close();

            counter.reset();
            for (int run = 1; run <= 2; run++) {
                long t1 = System.nanoTime();
                sw.attach(BR, new ArrayList<>(many.keySet()), OWNER);
                System.out.printf("OvsSwitch: no-op attach of %d ports in %d ms (run %d)%n", PORTS,
                        (System.nanoTime() - t1) / 1_000_000, run);
            }
            assertThat(counter.snapshot()).as("a no-op with a warm cache").isEmpty();
            assertThat(VsctlOracle.ports(ovs, BR.value())).hasSize(PORTS + 4 * SINGLES);
        } finally {
            ovs.deleteBridgeQuietly(BR.value());
            made.forEach(v -> links.find(v).ifPresent(l -> links.delete(l.name())));
        }
        assertThat(ovs.vsctl("list-br")).doesNotContain(BR.value());
    }

    private static Map<InterfaceName, Long> veths(RtnetlinkLinks links, String prefix, int n, List<InterfaceName> made) {
        Map<InterfaceName, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            InterfaceName v = InterfaceName.of(prefix + i);
            links.create(VethPair.builder(v.value()).peer(prefix + "p" + i).build());
            made.add(v);
            out.put(v, (long) links.find(v).orElseThrow().index());
        }
        return out;
    }

    private static double median(List<Long> nanos) {
        List<Long> s = nanos.stream().sorted().toList();
        return s.get(s.size() / 2) / 1e6;
    }

    private static String millis(List<Long> nanos) {
        return nanos.stream().map(n -> String.format("%.1f", n / 1e6)).toList().toString();
    }
}
