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
    static final class FakeWireGuard implements WireGuardDevices {
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
}
