package io.overlaykit.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DnsTest {
    @TempDir
    Path root;

    @Test
    void writesResolvConfUnderTheContainerRoot() throws Exception {
        Dns.writeResolvConf(root, "nameserver 192.0.2.53\n");
        assertThat(Files.readString(root.resolve("etc/resolv.conf"))).isEqualTo("nameserver 192.0.2.53\n");
    }
}
