package io.overlaykit.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.InvalidSpecException.Problem;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverlaySpecTest {

    private static final String BASE = """
            {"name": "demo", "vni": 5000, "subnet": "172.16.0.0/12", "switch": "ovs",
             "hosts": [
               {"name": "hostA", "underlay": "192.0.2.2", "gateway": "172.16.0.1",
                "containers": [{"name": "podA", "ip": "172.16.0.10", "image": "img"}]},
               {"name": "hostB", "underlay": "192.0.2.3", "gateway": "172.16.0.2",
                "containers": [{"name": "podB", "ip": "172.16.0.11", "image": "img"}],
                "forwards": [{"listen": "192.0.2.5:1234", "target": "172.16.0.10:9000"}]}
             ]}
            """;

    @Test
    void readsTheIssueExample() throws Exception {
        OverlaySpec spec;
        try (InputStream in = getClass().getResourceAsStream("/specs/demo.json")) {
            spec = OverlaySpec.read(in);
        }
        assertThat(spec.name()).isEqualTo("demo");
        assertThat(spec.vni()).isEqualTo(5000);
        assertThat(spec.subnet().toString()).isEqualTo("172.16.0.0/12");
        assertThat(spec.switchKind()).isEqualTo(SwitchKind.OVS);
        assertThat(spec.mtu()).isEqualTo(1450);
        assertThat(spec.udpPort()).isEqualTo(4789);
        assertThat(spec.dns()).extracting(a -> a.getHostAddress()).containsExactly("192.0.2.53");
        HostSpec a = spec.host("hostA");
        assertThat(a.uplink().value()).isEqualTo("eth0");
        assertThat(a.egress()).isTrue();
        assertThat(a.containers().get(0).command()).containsExactly("sh", "-c", "while sleep 3600; do :; done");
        ForwardSpec f = a.forwards().get(0);
        assertThat(f.mode()).isEqualTo(ForwardSpec.Mode.DNAT);
        assertThat(f.protocol()).isEqualTo(ForwardSpec.Protocol.TCP);
        assertThat(f.listen().toString()).isEqualTo("192.0.2.5:1234");
        assertThat(spec.toString()).doesNotContain("optional, ovs only").contains("psk=<redacted>");
    }

    @Test
    void defaultsApply() {
        OverlaySpec spec = OverlaySpec.read(BASE);
        assertThat(spec.udpPort()).isEqualTo(4789);
        assertThat(spec.mtu()).isNull();
        assertThat(spec.host("hostB").egress()).isTrue();
        assertThat(spec.host("hostB").uplink()).isNull();
        assertThat(spec.lab()).isNull();
    }

    @Test
    void labOutsideIsRead() {
        OverlaySpec spec = OverlaySpec.read(BASE.replaceFirst("\"hosts\"", "\"lab\": {\"outside\": \"203.0.113.9\"}, \"hosts\""));
        assertThat(spec.lab().outside().getHostAddress()).isEqualTo("203.0.113.9");
    }

    private static List<Problem> problems(String json) {
        return catchThrowableOfType(InvalidSpecException.class, () -> OverlaySpec.read(json)).problems();
    }

    private static Problem only(String json) {
        List<Problem> p = problems(json);
        assertThat(p).hasSize(1);
        return p.get(0);
    }

    @Test
    void containerOutsideSubnetNamesPathAndValue() {
        InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class,
                () -> OverlaySpec.read(BASE.replace("\"172.16.0.11\"", "\"10.0.0.1\"")));
        assertThat(e.problems()).hasSize(1);
        assertThat(e.getMessage()).contains("hosts[1].containers[0].ip = 10.0.0.1: outside subnet 172.16.0.0/12");
    }

    @Test
    void unknownFieldsAreRejectedEverywhere() {
        List<Problem> p = problems(BASE.replace("\"vni\": 5000", "\"vni\": 5000, \"vnii\": 1")
                .replace("\"name\": \"podA\"", "\"name\": \"podA\", \"imag\": \"x\"")
                .replace("\"target\"", "\"mod\": \"dnat\", \"target\""));
        assertThat(p).extracting(Problem::path)
                .containsExactlyInAnyOrder("vnii", "hosts[0].containers[0].imag", "hosts[1].forwards[0].mod");
        assertThat(p.get(0).reason()).contains("unknown field");
    }

    @Test
    void typeErrorsAreMappedToPathsAndAllCollected() {
        List<Problem> p = problems(BASE.replace("\"vni\": 5000", "\"vni\": \"five\"")
                .replace("\"underlay\": \"192.0.2.3\"", "\"underlay\": 7")
                .replace("\"switch\": \"ovs\"", "\"switch\": \"bridge\""));
        assertThat(p).extracting(Problem::toString).containsExactlyInAnyOrder(
                "vni = \"five\": must be a whole number",
                "hosts[1].underlay = 7: must be a string",
                "switch = bridge: must be one of [ovs, linux, ovn]");
    }

    @Test
    void missingRequiredFields() {
        List<Problem> p = problems("{\"hosts\": [{\"containers\": [{}]}]}");
        assertThat(p).extracting(Problem::path).contains("name", "vni", "subnet", "switch", "hosts[0].name",
                "hosts[0].underlay", "hosts[0].gateway", "hosts[0].containers[0].name", "hosts[0].containers[0].ip",
                "hosts[0].containers[0].image");
    }

    @Test
    void malformedJsonNamesTheLine() {
        Problem p = only("{\"name\": \n \"x\",, }");
        assertThat(p.path()).startsWith("$ (line 2");
        assertThat(p.reason()).startsWith("not valid JSON");
    }

    @Test
    void duplicateJsonKeysAreRejected() {
        Problem p = only(BASE.replace("\"vni\": 5000", "\"vni\": 5000, \"vni\": 6000"));
        assertThat(p.reason()).contains("Duplicate field 'vni'");
    }

    @Test
    void duplicateHostAndContainerNames() {
        List<Problem> p = problems(BASE.replace("\"hostB\"", "\"hostA\"").replace("\"podB\"", "\"podA\""));
        assertThat(p).extracting(Problem::toString).containsExactlyInAnyOrder(
                "hosts[1].name = hostA: duplicate host name; first used at hosts[0].name",
                "hosts[1].containers[0].name = podA: duplicate container name; first used at hosts[0].containers[0].name");
    }

    @Test
    void duplicateAddresses() {
        List<Problem> p = problems(BASE.replace("\"172.16.0.11\"", "\"172.16.0.10\"")
                .replace("\"192.0.2.3\"", "\"192.0.2.2\""));
        assertThat(p).extracting(Problem::toString).containsExactlyInAnyOrder(
                "hosts[1].underlay = 192.0.2.2: same underlay address as hosts[0].underlay; every host needs its own VTEP address",
                "hosts[1].containers[0].ip = 172.16.0.10: already used by hosts[0].containers[0].ip");
    }

    @Test
    void containerMayNotTakeAGatewayAddress() {
        Problem p = only(BASE.replace("\"172.16.0.11\"", "\"172.16.0.1\""));
        assertThat(p.toString()).isEqualTo("hosts[1].containers[0].ip = 172.16.0.1: already used by hosts[0].gateway");
    }

    @Test
    void sharedGatewayIsRejectedBecauseArpFlaps() {
        Problem p = only(BASE.replace("\"172.16.0.2\"", "\"172.16.0.1\""));
        assertThat(p.path()).isEqualTo("hosts[1].gateway");
        assertThat(p.value()).isEqualTo("172.16.0.1");
        assertThat(p.reason()).contains("distinct gateway").contains("ARP").contains("flap");
    }

    @Test
    void gatewayOutsideSubnetAndNetworkOrBroadcastAddresses() {
        List<Problem> p = problems(BASE.replace("\"172.16.0.2\"", "\"192.168.1.1\"")
                .replace("\"172.16.0.10\"", "\"172.16.0.0\"").replace("\"172.16.0.11\"", "\"172.31.255.255\""));
        assertThat(p).extracting(Problem::toString).containsExactlyInAnyOrder(
                "hosts[1].gateway = 192.168.1.1: outside subnet 172.16.0.0/12",
                "hosts[0].containers[0].ip = 172.16.0.0: is the network or broadcast address of 172.16.0.0/12",
                "hosts[1].containers[0].ip = 172.31.255.255: is the network or broadcast address of 172.16.0.0/12");
    }

    @Test
    void underlayMustBeAHostAddressOutsideTheOverlay() {
        List<Problem> p = problems(BASE.replace("\"192.0.2.2\"", "\"192.0.2.2/24\"")
                .replace("\"192.0.2.3\"", "\"224.0.0.1\""));
        assertThat(p).extracting(Problem::path).containsExactly("hosts[0].underlay", "hosts[1].underlay");
        assertThat(p.get(0).reason()).contains("without a prefix length");
        assertThat(p.get(1).reason()).contains("unicast host address");
        assertThat(only(BASE.replace("\"192.0.2.3\"", "\"172.16.5.5\"")).reason()).contains("inside the overlay subnet");
        assertThat(only(BASE.replace("\"192.0.2.3\"", "\"host-b.example\"")).reason()).contains("host names are not accepted");
    }

    @Test
    void rangesOfVniPortAndMtu() {
        List<Problem> p = problems(BASE.replace("\"vni\": 5000", "\"vni\": 16777216, \"udpPort\": 70000, \"mtu\": 100"));
        assertThat(p).extracting(Problem::toString).containsExactlyInAnyOrder(
                "vni = 16777216: must be between 0 and 16777215",
                "udpPort = 70000: port must be 1..65535",
                "mtu = 100: must be between 576 and 65485");
        assertThat(only(BASE.replace("\"vni\": 5000", "\"vni\": -1")).path()).isEqualTo("vni");
    }

    @Test
    void ipsecOnlyWithOvs() {
        Problem p = only(BASE.replace("\"switch\": \"ovs\"", "\"switch\": \"linux\", \"psk\": \"secret\", \"encryption\": \"ipsec\""));
        assertThat(p.path()).isEqualTo("encryption");
        assertThat(p.toString()).doesNotContain("secret").contains("need switch \"ovs\"");
        assertThat(OverlaySpec.read(BASE.replace("\"switch\": \"ovs\"", "\"switch\": \"linux\", \"psk\": \"secret\""))
                .encryptionMode()).isEqualTo(Encryption.Mode.WIREGUARD);
        OverlaySpec ok = OverlaySpec.read(BASE.replace("\"switch\": \"ovs\"", "\"switch\": \"ovs\", \"psk\": \"secret\""));
        assertThat(ok.psk()).isEqualTo("secret");
    }

    @Test
    void forwardRules() {
        List<Problem> p = problems(BASE.replace("\"target\": \"172.16.0.10:9000\"",
                "\"target\": \"10.1.1.1:9000\", \"mode\": \"userspace\", \"protocol\": \"udp\"")
                .replace("\"192.0.2.5:1234\"", "\"192.0.2.5\""));
        assertThat(p).extracting(Problem::toString).containsExactlyInAnyOrder(
                "hosts[1].forwards[0].listen = 192.0.2.5: expected IP:PORT",
                "hosts[1].forwards[0].target = 10.1.1.1:9000: outside subnet 172.16.0.0/12; a forward targets a container",
                "hosts[1].forwards[0].protocol = udp: the userspace forwarder is TCP only; use mode \"dnat\" for udp");
        assertThat(only(BASE.replace("\"target\": \"172.16.0.10:9000\"",
                "\"target\": \"172.16.0.10:9000\", \"proxyProtocol\": true")).path())
                .isEqualTo("hosts[1].forwards[0].proxyProtocol");
        assertThat(only(BASE.replace("\"192.0.2.5:1234\"", "\"192.0.2.5:0\"")).reason()).contains("1..65535");
        OverlaySpec ok = OverlaySpec.read(BASE.replace("\"target\": \"172.16.0.10:9000\"",
                "\"target\": \"172.16.0.10:9000\", \"mode\": \"userspace\", \"proxyProtocol\": true"));
        assertThat(ok.host("hostB").forwards().get(0).proxyProtocol()).isTrue();
    }

    @Test
    void specNameMustBeUsableInNames() {
        Problem p = only(BASE.replace("\"name\": \"demo\"", "\"name\": \"my demo/1\""));
        assertThat(p.toString()).startsWith("name = my demo/1: use 1 to 32 letters");
        assertThat(only(BASE.replace("\"name\": \"demo\"", "\"name\": \"" + "x".repeat(33) + "\"")).path()).isEqualTo("name");
        assertThat(OverlaySpec.read(BASE.replace("\"name\": \"demo\"", "\"name\": \"" + "a_b-9".repeat(6) + "ab\"")).name())
                .hasSize(32);
    }

    @Test
    void existingContainersTakeNoImageAndNewOnesNeedOne() {
        List<Problem> p = problems(BASE.replace("\"name\": \"podA\", \"ip\": \"172.16.0.10\", \"image\": \"img\"",
                "\"name\": \"podA\", \"ip\": \"172.16.0.10\", \"image\": \"img\", \"existing\": true")
                .replace(", \"image\": \"img\"}]}, {\"name\": \"hostB\"", "}]}, {\"name\": \"hostB\""));
        assertThat(p).extracting(Problem::path).contains("hosts[0].containers[0].existing");
        OverlaySpec ok = OverlaySpec.read(BASE.replace("\"ip\": \"172.16.0.10\", \"image\": \"img\"",
                "\"ip\": \"172.16.0.10\", \"existing\": true"));
        assertThat(ok.host("hostA").containers().get(0).existing()).isTrue();
    }

    @Test
    void badInterfaceNameForUplink() {
        Problem p = only(BASE.replace("\"gateway\": \"172.16.0.1\"", "\"gateway\": \"172.16.0.1\", \"uplink\": \"a-very-long-uplink0\""));
        assertThat(p.toString()).isEqualTo("hosts[0].uplink = a-very-long-uplink0: is 19 bytes; the kernel allows at most 15");
    }

    @Test
    void emptyHostsAndDuplicateListen() {
        assertThat(only(BASE.replaceAll("(?s)\"hosts\": \\[.*\\]", "\"hosts\": []")).toString())
                .isEqualTo("hosts = []: at least one host is required");
        Problem p = only(BASE.replace("\"forwards\": [{\"listen\": \"192.0.2.5:1234\", \"target\": \"172.16.0.10:9000\"}]",
                "\"forwards\": [{\"listen\": \"192.0.2.5:1234\", \"target\": \"172.16.0.10:9000\"},"
                        + "{\"listen\": \"192.0.2.5:1234\", \"target\": \"172.16.0.10:9001\"}]"));
        assertThat(p.path()).isEqualTo("hosts[1].forwards[1].listen");
    }

    @Test
    void aMissingFileIsAnOverlayExceptionNamingIt() {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> OverlaySpec.read(java.nio.file.Path.of("/nonexistent/okcore.json")));
        assertThat(t).isInstanceOf(io.overlaykit.core.OverlayException.class).hasMessageContaining("/nonexistent/okcore.json");
    }

    @Test
    void specsBuiltInCodeAreValidatedTheSameWay() {
        OverlaySpec ok = OverlaySpec.read(BASE);
        OverlaySpec bad = new OverlaySpec("demo", 5000, ok.subnet(), SwitchKind.LINUX, null, 4789, " ", List.of(),
                ok.hosts(), null, null);
        InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class, bad::validate);
        assertThat(e.problems()).extracting(Problem::path).containsExactly("psk");
        assertThat(ok.validate()).isSameAs(ok);
    }
}
