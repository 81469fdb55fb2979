package io.overlaykit.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.Host;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Secret;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.plan.Change;
import io.overlaykit.core.plan.Plan;
import io.overlaykit.core.plan.ProgressListener;
import io.overlaykit.core.plan.Step;
import io.overlaykit.core.plan.SwitchChange;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.NetOp;
import io.overlaykit.core.spi.WireGuardDevice;
import io.overlaykit.core.spi.WireGuardDevices;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WireGuard part of a plan against fakes: the interface, its keys and peers, tunnels on transit addresses. */
class WireGuardPlannerTest {
    @TempDir
    Path tmp;

    /** WireGuard interfaces in memory, as a wireguard-go would hold them. */
    static class FakeWireGuard implements WireGuardDevices {
        final Map<InterfaceName, WireGuardDevice> devices = new HashMap<>();

        @Override
        public Optional<WireGuardDevice> read(NetNamespace ns, InterfaceName name) {
            return Optional.ofNullable(devices.get(name));
        }

        @Override
        public void configure(NetNamespace ns, InterfaceName name, WireGuardDevice config) {
            devices.put(name, config);
        }

        @Override
        public String requirement(InterfaceName name) {
            return "a fake " + name;
        }
    }

    /** A kernel with WireGuard: links of kind wireguard can be made, and configured once they exist. */
    static final class KernelWireGuard extends FakeWireGuard {
        final World world;

        KernelWireGuard(World world) {
            this.world = world;
        }

        @Override
        public Optional<WireGuardDevice> read(NetNamespace ns, InterfaceName name) {
            if (world.root().find(name).filter(l -> l.isKind("wireguard")).isEmpty()) {
                devices.remove(name); // the link is gone, and its keys with it
                return Optional.empty();
            }
            return Optional.of(devices.getOrDefault(name, new WireGuardDevice(Secret.of(new byte[32]), 0, List.of())));
        }

        @Override
        public void configure(NetNamespace ns, InterfaceName name, WireGuardDevice config) {
            if (world.root().find(name).isEmpty()) {
                throw new io.overlaykit.core.NotFoundException("no wireguard link " + name);
            }
            super.configure(ns, name, config);
        }

        @Override
        public boolean canCreate(NetNamespace ns) {
            return true;
        }
    }

    private static final String PSK = "okcore-wg-psk-Q3";
    private static final OverlaySpec SPEC = OverlaySpec.read(Specs.TWO_HOSTS.replace("\"mtu\": 1450,", "\"psk\": \"" + PSK + "\","));

    @Test
    void theTunnelsRideTheWireGuardInterfaceOnTransitAddresses() {
        World w = new World(tmp, "hostA", true);
        FakeWireGuard wg = new FakeWireGuard();
        InterfaceName link = Names.of(SPEC.name()).wireguard("hostA");
        w.root().addLink(link.value(), "tun");
        wg.devices.put(link, new WireGuardDevice(Secret.of(new byte[32]), 0, List.of()));
        Host host = Host.builder("hostA").namespace(World.HOST_NS).stack(w.stack).ovs(w.sw).containers(w.runtime)
                .stateRoot(tmp.resolve("state")).containerRoot(c -> tmp.resolve("roots").resolve(c.name()))
                .wireguard(wg).build();
        Plan plan = Engine.plan(SPEC, host);
        Step step = plan.step("wireguard");
        assertThat(step.changes()).anyMatch(c -> c instanceof Change.Net n && n.op() instanceof NetOp.SetMtu m && m.mtu() == 1420);
        assertThat(step.changes()).anyMatch(c -> c instanceof Change.Net n && n.op() instanceof NetOp.AddAddress a
                && a.address().address().equals(WireGuardPlanner.transitAddress(SPEC, "hostA")));
        Change.WireGuard cfg = (Change.WireGuard) step.changes().stream().filter(c -> c instanceof Change.WireGuard)
                .findFirst().orElseThrow();
        assertThat(cfg.config().listenPort()).isEqualTo(51820);
        assertThat(cfg.config().peers()).singleElement().satisfies(p -> {
            assertThat(p.publicKey()).isEqualTo(WireGuardPlanner.publicKey(SPEC, "hostB"));
            assertThat(p.endpoint().getAddress().getHostAddress()).isEqualTo("192.0.2.3");
            assertThat(p.allowedIps().get(0).address()).isEqualTo(WireGuardPlanner.transitAddress(SPEC, "hostB"));
            assertThat(p.presharedKey()).isNotNull();
        });
        VxlanTunnel t = ((SwitchChange.AddTunnels) plan.step("tunnel hostB").changes().get(0)).tunnels().get(0);
        assertThat(t.device()).isEqualTo(link);
        assertThat(t.local()).isEqualTo(WireGuardPlanner.transitAddress(SPEC, "hostA"));
        assertThat(t.remote()).isEqualTo(WireGuardPlanner.transitAddress(SPEC, "hostB"));
        assertThat(plan.step("bridge").description()).contains("1370"); // 1500 - 80 - 50
        String priv = HexFormat.of().formatHex(cfg.config().privateKey().bytes());
        for (String shown : List.of(plan.toText(), plan.toString(), plan.toMap().toString(), cfg.toString())) {
            assertThat(shown).doesNotContain(PSK).doesNotContain(priv);
        }
        // applied, the interface holds the configuration and a second plan has nothing to do there
        Engine.apply(SPEC, host, ProgressListener.NONE);
        assertThat(wg.devices.get(link).sameConfig(cfg.config())).isTrue();
        assertThat(Engine.plan(SPEC, host).step("wireguard").isDone()).isTrue();
        // teardown clears keys and peers
        Engine.teardown(SPEC, host);
        assertThat(wg.devices.get(link).privateKey().isZero()).isTrue();
        assertThat(wg.devices.get(link).peers()).isEmpty();
    }

    @Test
    void anMtuThatLeavesNoRoomForWireGuardIsRefusedByName() {
        World w = new World(tmp, "hostA", true);
        FakeWireGuard wg = new FakeWireGuard();
        InterfaceName link = Names.of(SPEC.name()).wireguard("hostA");
        w.root().addLink(link.value(), "tun");
        wg.devices.put(link, new WireGuardDevice(Secret.of(new byte[32]), 0, List.of()));
        Host host = Host.builder("hostA").namespace(World.HOST_NS).stack(w.stack).ovs(w.sw).containers(w.runtime)
                .stateRoot(tmp.resolve("state")).wireguard(wg).build();
        OverlaySpec big = OverlaySpec.read(Specs.TWO_HOSTS.replace("\"mtu\": 1450,", "\"mtu\": 1450, \"psk\": \"" + PSK + "\","));
        assertThatThrownBy(() -> Engine.plan(big, host)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("mtu").hasMessageContaining("at most 1370");
    }

    @Test
    void anExplicitPublicKeyTakesItsPrivateKeyFromTheHost() {
        Secret mine = io.overlaykit.core.internal.wireguard.WireGuardKeys.privateKey("not the psk", "elsewhere");
        String pub = io.overlaykit.core.internal.wireguard.WireGuardKeys.base64(
                io.overlaykit.core.internal.wireguard.WireGuardKeys.publicKey(mine));
        OverlaySpec explicit = OverlaySpec.read(Specs.TWO_HOSTS.replace("\"mtu\": 1450,", "\"psk\": \"" + PSK + "\",")
                .replace("\"underlay\": \"192.0.2.2\",", "\"underlay\": \"192.0.2.2\", \"publicKey\": \"" + pub + "\","));
        assertThat(explicit.host("hostA").publicKey()).isEqualTo(pub);
        World w = new World(tmp, "hostA", true);
        FakeWireGuard wg = new FakeWireGuard();
        InterfaceName link = Names.of(SPEC.name()).wireguard("hostA");
        w.root().addLink(link.value(), "tun");
        wg.devices.put(link, new WireGuardDevice(Secret.of(new byte[32]), 0, List.of()));
        Host.Builder b = Host.builder("hostA").namespace(World.HOST_NS).stack(w.stack).ovs(w.sw).containers(w.runtime)
                .stateRoot(tmp.resolve("state")).wireguard(wg);
        assertThatThrownBy(() -> Engine.plan(explicit, b.build())).hasMessageContaining("--private-key");
        Change.WireGuard cfg = (Change.WireGuard) Engine.plan(explicit, b.wireguardPrivateKey(mine).build())
                .step("wireguard").changes().stream().filter(c -> c instanceof Change.WireGuard).findFirst().orElseThrow();
        assertThat(cfg.config().privateKey()).isEqualTo(mine);
        Secret wrong = io.overlaykit.core.internal.wireguard.WireGuardKeys.privateKey("other", "elsewhere");
        assertThatThrownBy(() -> Engine.plan(explicit, b.wireguardPrivateKey(wrong).build()))
                .isInstanceOf(io.overlaykit.core.ConflictException.class).hasMessageContaining("does not belong");
        // hostB's plan uses the spec's public key for hostA
        assertThat(WireGuardPlanner.publicKey(explicit, "hostA")).isEqualTo(pub);
    }

    @Test
    void aKernelWithWireGuardGetsTheLinkCreatedThenConfiguredAndTeardownDeletesIt() {
        World w = new World(tmp, "hostA", true);
        KernelWireGuard wg = new KernelWireGuard(w);
        InterfaceName link = Names.of(SPEC.name()).wireguard("hostA");
        Host host = Host.builder("hostA").namespace(World.HOST_NS).stack(w.stack).ovs(w.sw).containers(w.runtime)
                .stateRoot(tmp.resolve("state")).containerRoot(c -> tmp.resolve("roots").resolve(c.name()))
                .wireguard(wg).build();
        Plan plan = Engine.plan(SPEC, host);
        List<Change> changes = plan.step("wireguard").changes();
        assertThat(changes.get(0)).isInstanceOfSatisfying(Change.Net.class, n -> {
            assertThat(n.op()).isEqualTo(new NetOp.CreateWireGuard(link, 1420, Names.of(SPEC.name()).alias()));
            assertThat(n.inverse()).isInstanceOfSatisfying(Change.Net.class,
                    u -> assertThat(u.op()).isEqualTo(new NetOp.DeleteLink(link)));
        });
        assertThat(changes).anyMatch(c -> c instanceof Change.Net n && n.op() instanceof NetOp.AddAddress a
                && a.address().address().equals(WireGuardPlanner.transitAddress(SPEC, "hostA")));
        assertThat(changes).anyMatch(c -> c instanceof Change.Net n && n.op().equals(new NetOp.SetUp(link, true)));
        assertThat(changes.get(changes.size() - 1)).isInstanceOf(Change.WireGuard.class); // after the create
        assertThat(plan.toText()).contains("create wireguard " + link);

        Engine.apply(SPEC, host, ProgressListener.NONE);
        assertThat(w.root().find(link)).hasValueSatisfying(l -> {
            assertThat(l.kind()).isEqualTo("wireguard");
            assertThat(l.alias()).isEqualTo(Names.of(SPEC.name()).alias());
            assertThat(l.mtu()).isEqualTo(1420);
        });
        assertThat(wg.devices.get(link).peers()).singleElement()
                .satisfies(p -> assertThat(p.publicKey()).isEqualTo(WireGuardPlanner.publicKey(SPEC, "hostB")));
        assertThat(Engine.plan(SPEC, host).step("wireguard").isDone()).isTrue();

        Plan down = TeardownPlanner.plan(SPEC, host, Observer.observeForTeardown(SPEC, host), null);
        assertThat(down.toText()).contains("removed wireguard " + link).doesNotContain("cleared WireGuard");
        Engine.teardown(SPEC, host);
        assertThat(w.root().find(link)).isEmpty();
    }

    @Test
    void withNeitherAWireGuardGoNorKernelWireGuardTheRefusalNamesWhatIsMissingAndNothingChanges() {
        World w = new World(tmp, "hostA", true);
        FakeWireGuard wg = new FakeWireGuard();
        InterfaceName link = Names.of(SPEC.name()).wireguard("hostA");
        Host host = Host.builder("hostA").namespace(World.HOST_NS).stack(w.stack).ovs(w.sw).containers(w.runtime)
                .stateRoot(tmp.resolve("state")).wireguard(wg).build();
        List<io.overlaykit.core.LinkInfo> before = w.root().list();
        assertThatThrownBy(() -> Engine.apply(SPEC, host, ProgressListener.NONE))
                .isInstanceOf(io.overlaykit.core.OverlayException.class)
                .hasMessageContaining("a fake " + link)
                .hasMessageContaining("no link " + link + " exists there")
                .hasMessageContaining("cannot create one").hasMessageContaining("generic-netlink family \"wireguard\"")
                .hasMessageContaining("Nothing was changed");
        assertThat(w.root().list()).isEqualTo(before);
        assertThat(wg.devices).isEmpty();
    }
}
