package io.overlaykit.core.internal.engine;

import io.overlaykit.core.plan.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.InterfaceName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamesTest {

    private static List<InterfaceName> all(Names n, List<String> objects) {
        List<InterfaceName> out = new ArrayList<>(List.of(n.bridge(), n.vxlanDevice()));
        for (String o : objects) {
            out.add(n.containerVeth(o));
            out.add(n.gatewayVeth(o));
            out.add(n.gatewayPort(o));
            out.add(n.tunnel(o));
        }
        return out;
    }

    @Test
    void longNamesStayWithinFifteenBytesAndDistinct() {
        List<String> objects = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            objects.add("a-really-long-container-name-that-goes-on-" + i);
        }
        objects.add("ünïcödé-ñame");
        Names n = Names.of("a-very-long-spec-name-of-32-chars");
        List<InterfaceName> names = all(n, objects);
        assertThat(names).allSatisfy(x -> assertThat(x.value().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(15));
        assertThat(new HashSet<>(names)).hasSize(names.size());
    }

    @Test
    void stableAndReadable() {
        assertThat(Names.of("demo").containerVeth("podA")).isEqualTo(Names.of("demo").containerVeth("podA"));
        assertThat(Names.of("demo").containerVeth("podA").value()).startsWith("okvpodA-").hasSize(14);
        assertThat(Names.of("demo").bridge().value()).startsWith("okbdemo-");
        assertThat(Names.of("demo").tunnel("hostB").value()).startsWith("okthostB-");
        // the same object in another spec gets another name, so two specs share a host
        assertThat(Names.of("demo").containerVeth("podA")).isNotEqualTo(Names.of("demo2").containerVeth("podA"));
        assertThat(Names.of("demo").bridge()).isNotEqualTo(Names.of("demo2").bridge());
    }

    @Test
    void containerEndIsEth0AndTagsFollowTheSpec() {
        Names n = Names.of("my-demo.1".replace(".", "_"));
        assertThat(Names.CONTAINER_IF.value()).isEqualTo("eth0");
        assertThat(Names.of("my-demo").firewallTable()).isEqualTo("overlaykit_my_demo");
        assertThat(n.alias()).isEqualTo("overlaykit:my-demo_1");
        assertThat(n.podName("podA")).isEqualTo("my-demo_1-podA");
        assertThat(n.labels("hostA")).containsEntry("io.overlaykit.spec", "my-demo_1")
                .containsEntry("io.overlaykit.host", "hostA");
    }

    @Test
    void gatewayMacIsDeterministicLocallyAdministeredUnicast() {
        var mac = Names.of("demo").gatewayMac("hostA");
        assertThat(mac).isEqualTo(Names.of("demo").gatewayMac("hostA"));
        assertThat(mac).isNotEqualTo(Names.of("demo").gatewayMac("hostB"));
        assertThat(mac.isLocallyAdministered()).isTrue();
        assertThat(mac.toBytes()[0] & 1).isZero();
    }

    @Test
    void containerMacsAreStableDistinctAndNeverAGatewayMac() {
        var a = Names.of("demo").containerMac("podA");
        assertThat(a).isEqualTo(Names.of("demo").containerMac("podA"));
        assertThat(a).isNotEqualTo(Names.of("demo").containerMac("podB"))
                .isNotEqualTo(Names.of("other").containerMac("podA"))
                .isNotEqualTo(Names.of("demo").gatewayMac("podA"));
        assertThat(a.isLocallyAdministered()).isTrue();
        assertThat(a.toBytes()[0] & 1).isZero();
    }
}
