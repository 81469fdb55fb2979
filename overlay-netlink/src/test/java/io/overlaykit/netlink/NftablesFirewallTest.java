package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.core.spi.FirewallTable.Dnat;
import io.overlaykit.core.spi.FirewallTable.Protocol;
import io.overlaykit.core.spi.Namespaces;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** What NftablesFirewall does around libnftables, with the namespace switch faked (no root). */
class NftablesFirewallTest {
    /** Answers every callIn with a canned value instead of running the work (which would need root). */
    private static final class CannedNamespaces implements Namespaces {
        final List<NetNamespace> entered = new ArrayList<>();
        Object answer;

        @Override
            public <T> T callIn(NetNamespace ns, Callable<T> work) {
            entered.add(ns);
            return (T) answer;
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

    private final CannedNamespaces namespaces = new CannedNamespaces();
    private final NetNamespace ns = NetNamespace.named("oknft-unit");
    private final NftablesFirewall firewall = new NftablesFirewall(namespaces, ns);

    @Test
    void badInputFailsBeforeEnteringTheNamespace() {
        FirewallTable mixed = new FirewallTable("oknft-t", List.of(new Dnat(Protocol.TCP,
                IpPrefix.parseAddress("192.0.2.1"), 80, IpPrefix.parseAddress("fd00::1"), 80)));
        assertThatThrownBy(() -> firewall.replaceTable(mixed)).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> firewall.deleteTable("no spaces")).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> firewall.describe("")).isInstanceOf(InvalidSpecException.class);
        assertThat(namespaces.entered).isEmpty();
    }

    @Test
    void tablesAreReadInsideTheNamespace() {
        namespaces.answer = "{\"nftables\": ["
                + "{\"table\": {\"family\": \"inet\", \"name\": \"oknft-a\"}},"
                + "{\"table\": {\"family\": \"bridge\", \"name\": \"oknft-b\"}},"
                + "{\"table\": {\"family\": \"ip\", \"name\": \"oknft-c\"}}]}";
        assertThat(firewall.tables()).containsExactly("oknft-a", "oknft-c");
        assertThat(namespaces.entered).containsExactly(ns);
    }

    @Test
    void describingAMissingTableNamesTableAndNamespace() {
        namespaces.answer = null;
        assertThatThrownBy(() -> firewall.describe("oknft-gone")).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("oknft-gone").hasMessageContaining("oknft-unit");
    }

    @Test
    void deleteReportsWhatTheNamespaceSawAndDescribeParsesTheListing() {
        namespaces.answer = false;
        assertThat(firewall.deleteTable("oknft-t")).isFalse();
        namespaces.answer =
                "table inet oknft-t {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n"
                        + "\t\toifname \"br0\" drop\n\t}\n}\n";
        assertThat(firewall.describe("oknft-t")).containsExactly("forward: oifname \"br0\" drop");
    }

    @Test
    void nullsAreRefused() {
        assertThatThrownBy(() -> new NftablesFirewall(null, ns)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new NftablesFirewall(namespaces, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> firewall.replaceTable(null)).isInstanceOf(NullPointerException.class);
        assertThat(firewall.namespace()).isEqualTo(ns);
    }
}
