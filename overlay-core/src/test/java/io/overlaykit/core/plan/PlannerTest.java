package io.overlaykit.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.FirewallTable;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerTest {
    @TempDir
    Path tmp;

    @Test
    void oneHostWithTwoContainersPlansEveryStepInOrder() {
        World w = new World(tmp, "hostA", true);
        Plan plan = Planner.plan(Specs.twoHosts(), w.host);
        assertThat(plan.ids()).containsExactly(
                "bridge", "tunnel hostB",
                "container podA", "veth podA", "mtu podA", "attach podA", "txoff podA", "up podA", "lo podA",
                "sysctl podA", "address podA", "eth0 podA", "route podA", "dns podA",
                "connmark podA", "reply-rule podA hostB", "reply-route podA hostB",
                "container podB", "veth podB", "mtu podB", "attach podB", "txoff podB", "up podB", "lo podB",
                "sysctl podB", "address podB", "eth0 podB", "route podB", "dns podB",
                "gateway veth", "gateway mac", "gateway mtu", "gateway attach", "gateway txoff", "gateway address",
                "gateway up", "ip_forward", "listen 192.0.2.5", "firewall");
        assertThat(plan.toString()).contains("plan for spec okcore on host hostA (39 steps)")
                .contains("vxlan okthostB-").contains("to 192.0.2.3:4789 from 192.0.2.2");
    }

    @Test
    void kernelSwitchNeedsNoTxOffStepsAndMtuComesFromTheUplink() {
        World w = new World(tmp, "hostA", false);
        OverlaySpec spec = OverlaySpec.read(Specs.TWO_HOSTS.replace("\"mtu\": 1450,", ""));
        Plan plan = Planner.plan(spec, w.host);
        assertThat(plan.ids()).noneMatch(id -> id.startsWith("txoff") || id.equals("gateway txoff"));
        assertThat(plan.step("bridge").description()).endsWith("mtu 1450"); // eth0 1500 - 50
        w.root().setMtu(InterfaceName.of("eth0"), 9000);
        assertThat(Planner.plan(spec, w.host).step("bridge").description()).endsWith("mtu 8950");
    }

    @Test
    void firewallTableHoldsMasqueradeHairpinFilterAndDnatOnly() {
        World w = new World(tmp, "hostA", true);
        HostContext ctx = new HostContext(Specs.twoHosts(), w.host);
        FirewallTable t = EgressSteps.table(ctx);
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
        assertThat(EgressSteps.table(new HostContext(noEgress, w.host)).rules())
                .noneMatch(r -> r instanceof FirewallTable.Masquerade m && !m.onlyDnatted());
    }

    @Test
    void tunnelsArePinnedToTheUplinkAndCarryThePsk() {
        World w = new World(tmp, "hostA", true);
        OverlaySpec spec = OverlaySpec.read(Specs.TWO_HOSTS.replace("\"mtu\": 1450,", "\"mtu\": 1450, \"psk\": \"s3cret\","));
        HostContext ctx = new HostContext(spec, w.host);
        var t = Planner.tunnelTo(ctx, spec.host("hostB"));
        assertThat(t.device().value()).isEqualTo("eth0");
        assertThat(t.local().getHostAddress()).isEqualTo("192.0.2.2");
        assertThat(t.remote().getHostAddress()).isEqualTo("192.0.2.3");
        assertThat(t.psk()).isEqualTo("s3cret");
        assertThat(Planner.plan(spec, w.host).toString()).doesNotContain("s3cret");
    }

    @Test
    void aMissingUplinkIsReportedByName() {
        World w = new World(tmp, "hostA", true);
        w.root().deleteAddress(InterfaceName.of("eth0"), io.overlaykit.core.IpPrefix.parse("192.0.2.2/24"));
        assertThatThrownBy(() -> Planner.plan(Specs.twoHosts(), w.host)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("holds the underlay address 192.0.2.2");
        assertThatThrownBy(() -> Planner.plan(Specs.twoHosts(), io.overlaykit.core.Host.builder("hostZ")
                .stack(w.stack).ovs(w.sw).build())).hasMessageContaining("no host 'hostZ'");
    }

    @Test
    void aHashCollisionBetweenDerivedNamesIsRefusedNotApplied() {
        Names n = Names.of("okcore");
        java.util.Map<InterfaceName, String> seen = new java.util.HashMap<>();
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
        assertThatThrownBy(() -> Planner.plan(spec, w.host)).isInstanceOf(io.overlaykit.core.ConflictException.class)
                .hasMessageContaining("container " + a + " and container " + b);
    }
}
