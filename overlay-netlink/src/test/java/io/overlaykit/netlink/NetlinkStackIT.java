package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.netlink.internal.NsExecutor;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-namespace handle cache of NetlinkStack against namespaces re-created or abandoned behind its back. */
class NetlinkStackIT {
    private static final String NS = "okfn-stack-" + ProcessHandle.current().pid();
    private NetlinkStack stack;

    @BeforeEach
    void setUp() {
        Oracle.requirePrerequisites();
        stack = NetlinkStack.open();
    }

    @AfterEach
    void tearDown() {
        try {
            stack.close();
        } finally {
            Oracle.run(false, "ip", "netns", "del", NS);
        }
    }

    @Test
    void aNamespaceReCreatedOutsideTheStackGetsAFreshHandle() {
        Oracle.run("ip", "netns", "add", NS);
        NetNamespace ns = NetNamespace.named(NS);
        RtnetlinkLinks first = stack.links(ns);
        first.create(Bridge.named("okfn-br0"));
        assertThat(stack.links(ns)).isSameAs(first);

        // deleted and re-created by somebody else: same name, another namespace
        Oracle.run("ip", "netns", "del", NS);
        Oracle.run("ip", "netns", "add", NS);
        RtnetlinkLinks second = stack.links(ns);

        assertThat(second).isNotSameAs(first);
        assertThat(first.isClosed()).isTrue(); // its socket no longer pins the old namespace
        assertThat(second.find(InterfaceName.of("okfn-br0"))).isEmpty(); // the new namespace, not the old
        second.create(Bridge.named("okfn-br1"));
        assertThat(Oracle.in(NS, "ip", "-o", "link")).contains("okfn-br1");
    }

    @Test
    void aHostWithoutASwitchOfItsOwnGetsTheStacksLinuxBridgeSwitch() {
        Oracle.run("ip", "netns", "add", NS);
        NetNamespace ns = NetNamespace.named(NS);
        io.overlaykit.core.Host host = io.overlaykit.core.Host.builder("hostA").namespace(ns).stack(stack).build();

        var sw = host.overlaySwitch(io.overlaykit.core.spec.SwitchKind.LINUX);
        sw.ensureBridge(Bridge.named("okfn-br"), "okfn");

        assertThat(sw).isInstanceOf(LinuxBridgeSwitch.class);
        assertThat(((LinuxBridgeSwitch) sw).namespace()).isEqualTo(ns);
        assertThat(Oracle.link(NS, "okfn-br").path("ifalias").asText()).isEqualTo("overlaykit:okfn");
        io.overlaykit.core.spi.RequestCounter counter = new io.overlaykit.core.spi.RequestCounter();
        host.requestHook(counter);
        sw.bridges("okfn");
        assertThat(counter.count(io.overlaykit.core.spi.RequestHook.Backend.NETLINK)).isEqualTo(1); // one link dump
    }

    @Test
    void theHandleOfAProcessThatIsGoneIsClosed() throws Exception {
        Oracle.run("ip", "netns", "add", NS);
        Process p = new ProcessBuilder("ip", "netns", "exec", NS, "sleep", "60").start(); // ip execs sleep: same pid
        try {
            NetNamespace container = NetNamespace.ofPid(p.pid());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            long target = NsExecutor.inodeOf(NetNamespace.named(NS).path());
            while (inodeOrZero(container) != target && System.nanoTime() < deadline) {
                Thread.sleep(20); // until "ip" has done its setns
            }
            RtnetlinkLinks l = stack.links(container);
            assertThat(stack.links(container)).isSameAs(l);
            assertThat(stack.cachedNamespaces()).contains(container);

            p.destroy();
            assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
            stack.links(NetNamespace.current()); // a new handle sweeps those of processes that are gone

            assertThat(l.isClosed()).isTrue();
            assertThat(stack.cachedNamespaces()).doesNotContain(container);
        } finally {
            p.destroyForcibly();
        }
    }

    private static long inodeOrZero(NetNamespace ns) {
        try {
            return NsExecutor.inodeOf(ns.path());
        } catch (UncheckedIOException e) {
            return 0;
        }
    }
}
