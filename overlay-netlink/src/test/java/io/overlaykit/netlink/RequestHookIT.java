package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.core.spi.RequestCounter;
import io.overlaykit.core.spi.RequestHook.Access;
import io.overlaykit.core.spi.RequestHook.Backend;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stack's request hook on the real kernel: every backend of the stack reports through it, for handles
 * open before and after it was set; ethtool and sysctls of many links or keys in one visit to the namespace.
 */
class RequestHookIT extends InFreshNamespace {
    private static final String LATER = "oknl-hl-" + ProcessHandle.current().pid();

    RequestHookIT() {
        super("h");
    }

    @AfterEach
    void deleteLater() {
        stack.namespaces().delete(LATER);
    }

    @Test
    void theHookSeesHandlesOpenedBeforeAndAfterItAndEveryBackend() {
        links.list(); // this handle is open before the hook is set
        RequestCounter counter = new RequestCounter();
        stack.requestHook(counter);

        links.create(Bridge.named("oknl-br"));                      // NEWLINK + GET
        NetNamespace later = stack.namespaces().create(LATER);
        stack.links(later).list();                                  // a new handle: one dump
        stack.namespaces().readSysctl(ns, "net.ipv4.ip_forward");
        stack.namespaces().writeSysctl(ns, "net.ipv4.ip_forward", "1");
        stack.firewall(ns).replaceTable(new FirewallTable("oknl_hook", List.of()));
        stack.firewall(ns).tables();
        links.txChecksum(InterfaceName.of("oknl-br"));

        assertThat(counter.snapshot()).isEqualTo(Map.of("NETLINK_WRITE", 1L, "NETLINK_READ", 2L, "SYSCTL_READ", 1L,
                "SYSCTL_WRITE", 1L, "NFTABLES_WRITE", 1L, "NFTABLES_READ", 1L, "ETHTOOL_READ", 1L));
        stack.requestHook(null);
        links.list();
        assertThat(counter.count(Backend.NETLINK, Access.READ)).isEqualTo(2);
    }

    @Test
    void aThrowingHookStopsTheRequestBeforeItIsSent() {
        stack.requestHook((backend, access, op) -> {
            if (access == Access.WRITE) {
                throw new IllegalStateException("refused by the test: " + op);
            }
        });
        assertThatThrownBy(() -> links.create(Bridge.named("oknl-br"))).hasMessageContaining("create bridge 'oknl-br'");
        assertThatThrownBy(() -> stack.namespaces().writeSysctl(ns, "net.ipv4.ip_forward", "1"))
                .hasMessageContaining("write sysctl net.ipv4.ip_forward=1");
        stack.requestHook(null);
        assertThat(Oracle.json(NS, "ip", "-j", "link", "show").findValuesAsText("ifname")).doesNotContain("oknl-br");
        assertThat(Oracle.in(NS, "sysctl", "-n", "net.ipv4.ip_forward").trim()).isEqualTo("0");
    }

    @Test
    void txChecksumsOfManyLinksInOneVisitAndTurnedBackOn() {
        for (int i = 0; i < 5; i++) {
            Oracle.in(NS, "ip", "link", "add", "oknl-t" + i, "type", "veth", "peer", "name", "oknl-u" + i);
        }
        links.disableTxChecksum(InterfaceName.of("oknl-t2"));
        List<InterfaceName> names = List.of(InterfaceName.of("oknl-t0"), InterfaceName.of("oknl-t1"),
                InterfaceName.of("oknl-t2"), InterfaceName.of("oknl-missing"), InterfaceName.of("oknl-t3"));
        RequestCounter counter = new RequestCounter();
        stack.requestHook(counter);
        long visits = stack.namespaces().visits();

        Map<InterfaceName, Boolean> on = links.txChecksums(names);

        assertThat(stack.namespaces().visits() - visits).isEqualTo(1);
        assertThat(counter.count(Backend.ETHTOOL, Access.READ)).isEqualTo(5);
        assertThat(on).containsExactly(Map.entry(InterfaceName.of("oknl-t0"), true),
                Map.entry(InterfaceName.of("oknl-t1"), true), Map.entry(InterfaceName.of("oknl-t2"), false),
                Map.entry(InterfaceName.of("oknl-t3"), true));
        for (InterfaceName n : on.keySet()) {
            assertThat(Oracle.in(NS, "ethtool", "-k", n.value())).contains("tx-checksumming: " + (on.get(n) ? "on" : "off"));
        }

        String allFeaturesBefore = Oracle.in(NS, "ethtool", "-k", "oknl-t0");
        links.setTxChecksum(InterfaceName.of("oknl-t0"), false);
        assertThat(Oracle.in(NS, "ethtool", "-k", "oknl-t0")).contains("tx-checksumming: off");
        links.setTxChecksum(InterfaceName.of("oknl-t0"), true);
        assertThat(Oracle.in(NS, "ethtool", "-k", "oknl-t0")).isEqualTo(allFeaturesBefore); // dependent offloads too
    }

    @Test
    void sysctlsOfManyKeysInOneVisit() {
        LinuxNamespaces namespaces = stack.namespaces();
        RequestCounter counter = new RequestCounter();
        stack.requestHook(counter);
        long visits = namespaces.visits();

        Map<String, String> values = new LinkedHashMap<>();
        values.put("net.ipv4.ip_forward", "1");
        values.put("net.ipv4.conf.all.rp_filter", "2");
        values.put("net.ipv4.conf.default.arp_ignore", "1");
        Map<String, String> before = namespaces.writeSysctls(ns, values);
        Map<String, String> now = namespaces.readSysctls(ns, List.of("net.ipv4.ip_forward", "net.ipv4.conf.all.rp_filter",
                "net.ipv4.conf.default.arp_ignore", "net.ipv4.oknl_no_such_key"));

        assertThat(namespaces.visits() - visits).isEqualTo(2);
        assertThat(counter.snapshot()).isEqualTo(Map.of("SYSCTL_WRITE", 3L, "SYSCTL_READ", 4L));
        assertThat(before).containsEntry("net.ipv4.ip_forward", "0");
        assertThat(now).containsEntry("net.ipv4.ip_forward", "1").containsEntry("net.ipv4.conf.all.rp_filter", "2")
                .containsEntry("net.ipv4.conf.default.arp_ignore", "1").containsEntry("net.ipv4.oknl_no_such_key", null);
        assertThat(Oracle.in(NS, "sysctl", "-n", "net.ipv4.conf.all.rp_filter").trim()).isEqualTo("2");
        assertThat(Oracle.in(NS, "sysctl", "-n", "net.ipv4.conf.default.arp_ignore").trim()).isEqualTo("1");
    }
}
