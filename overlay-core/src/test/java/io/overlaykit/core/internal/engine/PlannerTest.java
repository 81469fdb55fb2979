package io.overlaykit.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.ConflictException;
import io.overlaykit.core.Host;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.plan.Plan;
import io.overlaykit.core.plan.SwitchChange;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.FirewallTable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerTest {
    @TempDir
    Path tmp;

    @Test
    void oneHostWithTwoContainersPlansEveryStepInPhases() {
        World w = new World(tmp, "hostA", true);
        Plan plan = w.plan(Specs.twoHosts());
        assertThat(plan.ids()).containsExactly(
                "bridge", "tunnel hostB",
                "container podA", "container podB", "veth podA", "veth podB", "mtu podA", "mtu podB",
                "attach podA", "attach podB", "txoff podA", "txoff podB", "up podA", "up podB",
                "sysctl podA", "txoff podA eth0", "lo podA", "address podA", "eth0 podA", "route podA", "dns podA",
                "hosts podA", "connmark podA", "reply-rule podA hostB", "reply-route podA hostB",
                "sysctl podB", "txoff podB eth0", "lo podB", "address podB", "eth0 podB", "route podB", "dns podB",
                "hosts podB", "gateway veth", "gateway mac", "gateway mtu", "gateway attach", "gateway txoff", "gateway address",
                "gateway up", "ip_forward", "listen 192.0.2.5", "firewall");
        assertThat(plan.toString()).contains("plan for spec okcore on host hostA (43 steps)")
                .contains("vxlan okthostB-").contains("to 192.0.2.3:4789 from 192.0.2.2");
        // a fresh host: every step but the four that the creates already cover has changes
        assertThat(plan.pending()).hasSize(39);
        assertThat(plan.step("veth podA").changes()).hasSize(1);
        assertThat(plan.step("veth podA").changes().get(0).describe()).startsWith("create veth okvpodA-")
                .contains("<-> eth0 in container okcore-podA mtu 1450");
        assertThat(plan.toText()).contains("+ veth podA:").contains("    create veth okvpodA-");
        assertThat(plan.toMap()).containsEntry("changes", plan.changes().size());
    }

    @Test
    void kernelSwitchNeedsNoTxOffStepsAndMtuComesFromTheUplink() {
        World w = new World(tmp, "hostA", false);
        OverlaySpec spec = OverlaySpec.read(Specs.TWO_HOSTS.replace("\"mtu\": 1450,", ""));
        Plan plan = w.plan(spec);
        assertThat(plan.ids()).noneMatch(id -> id.startsWith("txoff") || id.equals("gateway txoff"));
        assertThat(plan.step("bridge").description()).endsWith("mtu 1450"); // eth0 1500 - 50
        w.root().setMtu(InterfaceName.of("eth0"), 9000);
        assertThat(w.plan(spec).step("bridge").description()).endsWith("mtu 8950");
    }

    @Test
    void firewallTableHoldsMasqueradeHairpinFilterAndDnatOnly() {
        World w = new World(tmp, "hostA", true);
        PlanContext ctx = context(w, Specs.twoHosts());
        FirewallTable t = EgressPlanner.table(ctx, List.of());
        assertThat(t.name()).isEqualTo("overlaykit_okcore");
        assertThat(t.rules()).hasSize(4);
        assertThat(t.rules().get(0)).isEqualTo(new FirewallTable.Masquerade(ctx.spec.subnet(), InterfaceName.of("eth0"),
                ctx.spec.subnet(), false));
        assertThat(t.rules().get(1)).isEqualTo(new FirewallTable.Masquerade(ctx.spec.subnet(), null, null, true));
        assertThat(t.rules().get(2)).isInstanceOf(FirewallTable.ForwardAccept.class);
        FirewallTable.Dnat dnat = (FirewallTable.Dnat) t.rules().get(3); // the userspace forward is not DNAT
        assertThat(dnat.port()).isEqualTo(1234);
        assertThat(dnat.targetPort()).isEqualTo(9000);
        OverlaySpec noEgress = OverlaySpec.read(Specs.TWO_HOSTS.replace("\"gateway\": \"172.16.0.1\",",
                "\"gateway\": \"172.16.0.1\", \"egress\": false,"));
        assertThat(EgressPlanner.table(context(w, noEgress), List.of()).rules())
                .noneMatch(r -> r instanceof FirewallTable.Masquerade m && !m.onlyDnatted());
        // the switch's own rules come first
        FirewallTable withSwitch = EgressPlanner.table(ctx, List.of(new FirewallTable.Untracked(ctx.bridge)));
        assertThat(withSwitch.rules().get(0)).isEqualTo(new FirewallTable.Untracked(ctx.bridge));
        assertThat(FirewallCodec.fromJson(FirewallCodec.toJson(withSwitch))).isEqualTo(withSwitch);
    }

    @Test
    void tunnelsArePinnedToTheUplink() {
        World w = new World(tmp, "hostA", true);
        Plan plan = w.plan(Specs.twoHosts());
        VxlanTunnel t = ((SwitchChange.AddTunnels) plan.step("tunnel hostB").changes().get(0)).tunnels().get(0);
        assertThat(t.device().value()).isEqualTo("eth0");
        assertThat(t.local().getHostAddress()).isEqualTo("192.0.2.2");
        assertThat(t.remote().getHostAddress()).isEqualTo("192.0.2.3");
    }

    @Test
    void aPskNeverYieldsPlaintextTunnels() {
        World w = new World(tmp, "hostA", true);
        // WireGuard (the default) without a WireGuard interface on the host: refused before anything, naming it
        OverlaySpec wg = OverlaySpec.read(Specs.TWO_HOSTS.replace("\"mtu\": 1450,", "\"mtu\": 1450, \"psk\": \"s3cret\","));
        assertThatThrownBy(() -> w.plan(wg)).hasMessageContaining("wireguard-go okwhostA-")
                .hasMessageContaining("Nothing was changed").hasMessageNotContaining("s3cret");
        // IPsec where it cannot be proven: refused, pointing at WireGuard
        OverlaySpec ipsec = OverlaySpec.read(Specs.TWO_HOSTS.replace("\"mtu\": 1450,",
                "\"mtu\": 1450, \"psk\": \"s3cret\", \"encryption\": \"ipsec\","));
        assertThatThrownBy(() -> w.plan(ipsec)).hasMessageContaining("\"encryption\": \"ipsec\" refused")
                .hasMessageContaining("ovs-monitor-ipsec").hasMessageContaining("\"encryption\": \"wireguard\" works")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void aMissingUplinkIsReportedByName() {
        World w = new World(tmp, "hostA", true);
        w.root().deleteAddress(InterfaceName.of("eth0"), IpPrefix.parse("192.0.2.2/24"));
        assertThatThrownBy(() -> w.plan(Specs.twoHosts())).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("holds the underlay address 192.0.2.2");
        assertThatThrownBy(() -> Engine.plan(Specs.twoHosts(), Host.builder("hostZ").stack(w.stack).ovs(w.sw).build()))
                .hasMessageContaining("no host 'hostZ'");
    }

    @Test
    void aHashCollisionBetweenDerivedNamesIsRefusedNotApplied() {
        Names n = Names.of("okcore");
        Map<InterfaceName, String> seen = new HashMap<>();
        String a = null;
        String b = null;
        for (int i = 0; a == null; i++) { // a birthday collision of the 24-bit hash turns up within ~10^4 names
            String name = "pod" + i;
            String prev = seen.putIfAbsent(n.containerVeth(name), name);
            if (prev != null) {
                a = prev;
                b = name;
            }
        }
        World w = new World(tmp, "hostA", true);
        OverlaySpec spec = OverlaySpec.read(Specs.TWO_HOSTS.replace("\"podA\"", "\"" + a + "\"")
                .replace("\"podB\"", "\"" + b + "\""));
        assertThatThrownBy(() -> w.plan(spec)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("container " + a + " and container " + b);
    }

    private static PlanContext context(World w, OverlaySpec spec) {
        return new PlanContext(spec, "hostA", Observer.observe(spec, w.host, w.sw));
    }
}
