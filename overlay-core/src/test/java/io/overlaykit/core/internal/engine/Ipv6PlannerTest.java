package io.overlaykit.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.plan.Plan;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.ContainerInfo;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dual-stack parts of a plan: IPv6 addresses, routes, sysctls, forwarding, firewall rules and return path. */
class Ipv6PlannerTest {
    @TempDir
    Path tmp;

    private static final InterfaceName ETH0 = InterfaceName.of("eth0");

    static OverlaySpec dualStack() {
        return OverlaySpec.read(Specs.TWO_HOSTS.replace("\"subnet\": \"172.16.0.0/12\",",
                "\"subnet\": \"172.16.0.0/12\", \"subnet6\": \"fd00:16::/64\",")
                .replace("{\"listen\": \"192.0.2.6:80\", \"target\": \"172.16.0.10:8080\"}",
                        "{\"listen\": \"192.0.2.6:80\", \"target\": \"172.16.0.10:8080\"}, "
                                + "{\"listen\": \"[2001:db8::6]:80\", \"target\": \"[fd00:16::a]:8080\"}"));
    }

    @Test
    void aDualStackPlanAddsTheIpv6Steps() {
        World w = new World(tmp, "hostA", true);
        Plan plan = w.plan(dualStack());
        assertThat(plan.ids()).containsSubsequence("sysctl podA", "address podA", "address6 podA", "eth0 podA",
                "route podA", "route6 podA", "dns podA", "hosts podA", "connmark podA", "reply-rule podA hostB",
                "reply-route podA hostB", "reply-rule6 podA hostB", "reply-route6 podA hostB");
        assertThat(plan.ids()).containsSubsequence("gateway address", "gateway sysctl6", "gateway address6",
                "gateway up", "ip_forward", "ip6_forward", "firewall");
        assertThat(plan.step("address6 podA").description()).contains("fd00:16:0:0:0:0:0:a/64");
        assertThat(plan.step("route6 podA").description()).contains("default via fd00:16:0:0:0:0:0:1");
        assertThat(plan.step("reply-route6 podA hostB").description()).contains("via fd00:16:0:0:0:0:0:2");
        assertThat(plan.step("sysctl podA").description()).contains("net.ipv6.conf.eth0.accept_dad=0")
                .contains("net.ipv6.conf.eth0.disable_ipv6=0");
        assertThat(plan.step("firewall").description()).contains("7 rules");
    }

    @Test
    void applyWiresIpv6AndTeardownRestoresForwarding() {
        World w = new World(tmp, "hostA", true);
        String pristine = w.snapshot();
        OverlaySpec spec = dualStack();
        w.apply(spec);
        ContainerInfo ci = w.runtime.inspect("okcore-podA").orElseThrow();
        FakeStack.Ns podA = w.stack.existing(NetNamespace.ofPid(ci.pid()));
        assertThat(podA.addresses(ETH0)).extracting(a -> a.prefix().toString())
                .containsExactly("172.16.0.10/12", "fd00:16:0:0:0:0:0:a/64");
        assertThat(podA.routes(254)).extracting(Object::toString).contains("default via fd00:16:0:0:0:0:0:1 dev eth0");
        assertThat(podA.rules()).extracting(Object::toString).contains("20001: from 0:0:0:0:0:0:0:0/0 fwmark 0x4f4b01 lookup 5196545");
        assertThat(w.root().sysctls).containsEntry("net.ipv6.conf.all.forwarding", "1");
        assertThat(w.plan(spec).pending()).isEmpty();
        w.teardown(spec);
        assertThat(w.snapshot()).isEqualTo(pristine);
    }
}
