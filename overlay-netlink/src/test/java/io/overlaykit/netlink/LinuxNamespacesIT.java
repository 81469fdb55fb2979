package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.ConflictException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.netlink.internal.NsExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LinuxNamespacesIT {
    private static final String NS = "oknl-ns-" + ProcessHandle.current().pid();
    private LinuxNamespaces namespaces;

    @BeforeEach
    void setUp() {
        Oracle.requirePrerequisites();
        namespaces = new LinuxNamespaces();
    }

    @AfterEach
    void tearDown() {
        try {
            namespaces.delete(NS);
        } finally {
            namespaces.close();
        }
    }

    @Test
    void createdNamespaceIsSeenByIpNetnsAndDeletedAgain() {
        NetNamespace ns = namespaces.create(NS);

        assertThat(Oracle.namedNamespaces()).contains(NS);
        assertThat(namespaces.listNamed()).contains(NS);
        assertThat(namespaces.exists(ns)).isTrue();
        // only loopback inside: it is a fresh namespace, not the host's
        assertThat(Oracle.json(NS, "ip", "-j", "link").findValuesAsText("ifname")).containsExactly("lo");

        assertThat(namespaces.delete(NS)).isTrue();
        assertThat(Oracle.namedNamespaces()).doesNotContain(NS);
        assertThat(Files.exists(ns.path())).isFalse();
        assertThat(namespaces.delete(NS)).isFalse();
        assertThat(namespaces.exists(ns)).isFalse();
    }

    @Test
    void callInRunsOnAThreadInsideTheNamespaceAndLeavesOthersAlone() throws Exception {
        NetNamespace ns = namespaces.create(NS);
        long expected = NsExecutor.inodeOf(ns.path());
        long mine = NsExecutor.currentInode();

        long seen = namespaces.callIn(ns, NsExecutor::currentInode);

        assertThat(seen).isEqualTo(expected).isNotEqualTo(mine);
        assertThat(NsExecutor.currentInode()).isEqualTo(mine);
        // nested calls run inline instead of deadlocking on the single thread
        long nested = namespaces.callIn(ns, () -> namespaces.callIn(ns, NsExecutor::currentInode));
        assertThat(nested).isEqualTo(expected);
        assertThat(namespaces.callIn(NetNamespace.current(), NsExecutor::currentInode)).isEqualTo(mine);
    }

    @Test
    void ensureIsIdempotentAndCreateConflicts() {
        namespaces.ensure(NS);
        namespaces.ensure(NS);
        assertThatThrownBy(() -> namespaces.create(NS)).isInstanceOf(ConflictException.class).hasMessageContaining(NS);
    }

    @Test
    void sysctlsArePerNamespace() {
        NetNamespace ns = namespaces.create(NS);
        String hostBefore = Oracle.run("cat", "/proc/sys/net/ipv4/ip_forward").trim();

        String previous = namespaces.writeSysctl(ns, "net.ipv4.ip_forward", "1");

        assertThat(previous).isEqualTo("0");
        assertThat(namespaces.readSysctl(ns, "net.ipv4.ip_forward")).isEqualTo("1");
        assertThat(Oracle.in(NS, "cat", "/proc/sys/net/ipv4/ip_forward").trim()).isEqualTo("1");
        assertThat(Oracle.run("cat", "/proc/sys/net/ipv4/ip_forward").trim()).isEqualTo(hostBefore);
        assertThatThrownBy(() -> namespaces.readSysctl(ns, "net.ipv4.no_such_knob"))
                .isInstanceOf(NotFoundException.class).hasMessageContaining(NS);
    }

    @Test
    void missingNamespaceIsAClearNotFound() {
        NetNamespace missing = NetNamespace.named("oknl-missing");
        assertThatThrownBy(() -> namespaces.callIn(missing, () -> 1))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("oknl-missing").hasMessageContaining("does not exist");
        assertThat(Path.of("/run/netns/oknl-missing")).doesNotExist();
    }

    @Test
    void aThreadThatWanderedOffIsRetiredAndWorkStillRunsInTheRightNamespace() {
        NetNamespace ns = namespaces.create(NS);
        long expected = NsExecutor.inodeOf(ns.path());
        long home = NsExecutor.currentInode();

        // misbehaving work: moves its thread back to the namespace the JVM started in
        long[] wandered = new long[1];
        namespaces.runIn(ns, () -> {
            int fd = io.overlaykit.netlink.internal.Sys.openReadOnly("/proc/self/ns/net");
            try {
                io.overlaykit.netlink.internal.Sys.setns(fd, "home");
            } finally {
                io.overlaykit.netlink.internal.Sys.closeQuietly(fd);
            }
            wandered[0] = NsExecutor.currentInode();
        });

        assertThat(wandered[0]).isEqualTo(home);
        assertThat(namespaces.callIn(ns, NsExecutor::currentInode)).isEqualTo(expected);
    }
}
