package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Secret;
import io.overlaykit.core.spi.WireGuardDevice;
import io.overlaykit.core.spi.WireGuardDevices;
import io.overlaykit.netlink.internal.WireGuardCodec;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Generic netlink against the real kernel, in a throwaway namespace {@code okgn-PID}: family ids as iproute2's
 * {@code genl ctrl get} reports them, and the {@code wireguard} family present exactly when the kernel can make a
 * {@code wireguard} link (on the CI machine it cannot: no module). Everything is removed with the namespace.
 */
class GenericNetlinkIT {
    private static final String NS = "okgn-" + ProcessHandle.current().pid();
    private static final Pattern ID = Pattern.compile("\\bID:\\s*0x([0-9a-fA-F]+)");
    private NetlinkStack stack;
    private NetNamespace ns;

    @BeforeEach
    void setUp() {
        Oracle.requirePrerequisites();
        if (Shell.tryRun("genl", "-V").exitCode() != 0) {
            fail("GenericNetlinkIT needs iproute2's genl as its oracle");
        }
        Oracle.run(false, "ip", "netns", "del", NS); // a leftover of a crashed run
        Oracle.run("ip", "netns", "add", NS);
        ns = NetNamespace.named(NS);
        stack = NetlinkStack.open();
    }

    @AfterEach
    void tearDown() {
        try {
            if (stack != null) {
                stack.close();
            }
        } finally {
            Oracle.run(false, "ip", "netns", "del", NS);
        }
    }

    /** The family's id as {@code genl ctrl get name NAME} prints it in the namespace; empty when genl fails. */
    private static Optional<Integer> oracleId(String family) {
        Shell.Result r = Shell.tryRun("ip", "netns", "exec", NS, "genl", "ctrl", "get", "name", family);
        if (r.exitCode() != 0) {
            return Optional.empty();
        }
        Matcher m = ID.matcher(r.output());
        if (!m.find()) {
            fail("genl ctrl get name " + family + " printed no ID: " + r.output());
        }
        return Optional.of(Integer.parseInt(m.group(1), 16));
    }

    @Test
    void familyIdsAreTheOnesGenlReports() {
        List<String> seen = new CopyOnWriteArrayList<>();
        stack.requestHook((backend, access, op) -> seen.add(backend + " " + access + " " + op));
        GenericNetlink genl = stack.namespaces().genl(ns);
        for (String family : List.of("nlctrl", "ethtool")) {
            Optional<Integer> expected = oracleId(family);
            assertThat(expected).as("genl ctrl get name " + family).isPresent();
            assertThat(genl.family(family)).as(family).isEqualTo(expected);
        }
        assertThat(genl.family("nlctrl")).contains(0x10); // GENL_ID_CTRL, fixed
        assertThat(genl.family("okgnnofamily")).isEmpty();
        assertThatThrownBy(() -> genl.family("okgn-no-such-family")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 15 bytes"); // the kernel's policy would say EINVAL
        assertThat(seen).contains("NETLINK READ resolve generic netlink family 'ethtool'");
        int before = seen.size();
        genl.family("ethtool"); // cached: no second request
        assertThat(seen).hasSize(before);
    }

    @Test
    void theWireguardFamilyIsThereExactlyWhenTheKernelMakesWireguardLinks() {
        Shell.Result probe = Shell.tryRun("ip", "netns", "exec", NS, "ip", "link", "add", "okwgprobe", "type",
                "wireguard");
        boolean kernelHasWireGuard = probe.exitCode() == 0;
        if (kernelHasWireGuard) {
            Oracle.in(NS, "ip", "link", "del", "okwgprobe");
        } else {
            assertThat(probe.output()).contains("Unknown device type");
        }
        Optional<Integer> id = stack.namespaces().genl(ns).family(WireGuardCodec.FAMILY);
        assertThat(id.isPresent()).as("wireguard family; ip link add ... type wireguard: " + probe.output().trim())
                .isEqualTo(kernelHasWireGuard);
        assertThat(id).isEqualTo(oracleId("wireguard"));
        WireGuardDevices devices = stack.wireguard();
        assertThat(devices.canCreate(ns)).isEqualTo(kernelHasWireGuard);
        InterfaceName name = InterfaceName.of("okgn-wg0");
        assertThat(devices.read(ns, name)).isEmpty(); // no UAPI socket, no such link
        if (kernelHasWireGuard) {
            roundTrip(devices, name);
        }
    }

    /** Only where the kernel has WireGuard (not on the CI machine): create, configure, read back. */
    private void roundTrip(WireGuardDevices devices, InterfaceName name) {
        stack.links(ns).createWireGuard(name, 1420, "okgn");
        byte[] priv = new byte[32];
        priv[0] = 0x48;
        byte[] peer = new byte[32];
        peer[0] = 7;
        WireGuardDevice want = new WireGuardDevice(Secret.of(priv), 51999, List.of(WireGuardDevice.Peer.of(
                java.util.Base64.getEncoder().encodeToString(peer), Secret.of(new byte[] {
                    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
                    28, 29, 30, 31, 32}), new InetSocketAddress("192.0.2.9", 51998),
                List.of(IpPrefix.parse("100.64.9.2/32")), 25)));
        devices.configure(ns, name, want);
        assertThat(devices.read(ns, name)).hasValueSatisfying(d -> assertThat(d.sameConfig(want)).isTrue());
        assertThat(Oracle.in(NS, "ip", "-d", "link", "show", name.value())).contains("wireguard");
    }
}
