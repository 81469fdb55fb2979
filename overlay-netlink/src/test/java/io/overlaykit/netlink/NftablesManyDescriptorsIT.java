package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.FirewallTable;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * nftables from a process with more than a thousand descriptors open (a host with many containers' namespace
 * handles, or a forwarder with many connections): libnftables 1.0 waits with select(2), whose FD_SET aborts
 * the whole JVM for a socket numbered 1024 or more. The stack keeps low numbers free for it. Were it not
 * so, this test would not fail: it would kill the test JVM.
 */
class NftablesManyDescriptorsIT {
    private static final String TABLE = "oknft-manyfd";

    @Test
    void nftWorksWithOverAThousandDescriptorsOpen() throws IOException {
        Prerequisites.requireRootAndNftables();
        String name = "oknft-fd-" + ProcessHandle.current().pid();
        List<FileInputStream> hog = new ArrayList<>();
        try (NetlinkStack stack = NetlinkStack.open()) {
            NetNamespace ns = stack.namespaces().create(name);
            try {
                while (openDescriptors() < 1100) {
                    hog.add(new FileInputStream("/dev/null"));
                }
                stack.firewall(ns).replaceTable(new FirewallTable(TABLE, List.of(new FirewallTable.Masquerade(
                        IpPrefix.parse("10.77.0.0/16"), null, null, false))));
                assertThat(stack.firewall(ns).tables()).contains(TABLE);
                assertThat(Oracle.in(name, "nft", "list", "tables")).contains(TABLE);
                assertThat(stack.firewall(ns).deleteTable(TABLE)).isTrue();
                assertThat(openDescriptors()).isGreaterThan(1024);
            } finally {
                for (FileInputStream f : hog) {
                    f.close();
                }
                stack.namespaces().delete(name);
            }
        }
    }

    private static long openDescriptors() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
