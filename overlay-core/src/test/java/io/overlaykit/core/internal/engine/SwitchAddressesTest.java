package io.overlaykit.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.SwitchIntent;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The addresses a switch intent carries for neighbour suppression: every spec container's, on every host, with its
 * derived MAC; gateways and anything outside the spec are no targets.
 */
class SwitchAddressesTest {
    private static final Names N = Names.of("okngh");

    /** NeighbourPlannerTest's spec: hostA: a (ours) and web (existing, in the spec); hostB: b; hostC: none. */
    private static final String SPEC = NeighbourPlannerTest.SPEC;

    @TempDir
    Path tmp;

    private SwitchIntent intent(OverlaySpec spec, String host) {
        World w = new World(tmp.resolve(host), host, false);
        if (!host.equals("hostA")) {
            w.root().addAddress(io.overlaykit.core.InterfaceName.of("eth0"),
                io.overlaykit.core.IpPrefix.parse(spec.host(host).underlay().getHostAddress() + "/24"));
        }
        return HostPlanner.intent(spec, host, Observer.observe(spec, w.host, w.sw));
    }

    @Test
    void everySpecContainerOnEveryHostIsATargetWithItsDerivedMacAndNoGatewayIs() {
        OverlaySpec spec = OverlaySpec.read(SPEC);
        SwitchIntent c = intent(spec, "hostC");
        assertThat(c.addresses()).extracting(a -> a.host() + " " + a.ip().getHostAddress() + " " + a.mac())
                .containsExactly("hostA 172.16.0.10 " + N.containerMac("a"), "hostA 172.16.0.20 " + N.containerMac("web"),
                        "hostB 172.16.0.11 " + N.containerMac("b"));
        assertThat(intent(spec, "hostA").addresses()).as("the same set on every host, local ones included")
                .isEqualTo(c.addresses());
    }

    @Test
    void aDualStackSpecAddsEachContainersIpv6AddressWithTheSameMac() {
        OverlaySpec spec = OverlaySpec.read(SPEC.replace("\"subnet\": \"172.16.0.0/24\",",
                "\"subnet\": \"172.16.0.0/24\", \"subnet6\": \"fd00:16::/64\","));
        assertThat(intent(spec, "hostB").addresses()).extracting(a -> a.ip().getHostAddress() + " " + a.mac())
                .containsExactly("172.16.0.10 " + N.containerMac("a"), "fd00:16:0:0:0:0:0:a " + N.containerMac("a"),
                        "172.16.0.20 " + N.containerMac("web"), "fd00:16:0:0:0:0:0:14 " + N.containerMac("web"),
                        "172.16.0.11 " + N.containerMac("b"), "fd00:16:0:0:0:0:0:b " + N.containerMac("b"));
    }
}
