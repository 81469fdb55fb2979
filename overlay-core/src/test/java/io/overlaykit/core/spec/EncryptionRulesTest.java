package io.overlaykit.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.InvalidSpecException.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncryptionRulesTest {
    private static final String BASE = """
            {"name": "demo", "vni": 5000, "subnet": "172.16.0.0/12", "switch": "linux", %s
             "hosts": [
               {"name": "hostA", "underlay": "192.0.2.2", "gateway": "172.16.0.1" %s},
               {"name": "hostB", "underlay": "192.0.2.3", "gateway": "172.16.0.2"}
             ]}
            """;

    private static List<Problem> problems(String top, String hostA) {
        InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class,
                () -> OverlaySpec.read(BASE.formatted(top, hostA)));
        return e == null ? List.of() : e.problems();
    }

    private static Problem only(String top, String hostA) {
        List<Problem> p = problems(top, hostA);
        assertThat(p).hasSize(1);
        assertThat(p.get(0).toString()).doesNotContain("s3cret-psk");
        return p.get(0);
    }

    @Test
    void aPskMeansWireGuardWithDefaults() {
        OverlaySpec s = OverlaySpec.read(BASE.formatted("\"psk\": \"s3cret-psk\",", ""));
        assertThat(s.encrypted()).isTrue();
        assertThat(s.encryptionMode()).isEqualTo(Encryption.Mode.WIREGUARD);
        assertThat(s.wireguardPort()).isEqualTo(51820);
        assertThat(s.transit().length()).isEqualTo(24);
        assertThat(Encryption.DEFAULT_TRANSIT_RANGE.contains(s.transit().address())).isTrue();
        assertThat(s.transit()).isEqualTo(OverlaySpec.read(BASE.formatted("\"psk\": \"other\",", "")).transit());
        assertThat(s.toString()).doesNotContain("s3cret-psk").contains("encryption=WIREGUARD");
        assertThat(OverlaySpec.read(BASE.formatted("", "")).encryptionMode()).isNull();
    }

    @Test
    void encryptionFieldsWithoutPskAreRefusedByName() {
        assertThat(only("\"encryption\": \"wireguard\",", "").path()).isEqualTo("encryption");
        assertThat(only("\"transit\": \"100.70.0.0/24\",", "").path()).isEqualTo("transit");
        assertThat(only("\"wireguardPort\": 51000,", "").path()).isEqualTo("wireguardPort");
        assertThat(only("", ", \"publicKey\": \"" + "A".repeat(43) + "=\"").path()).isEqualTo("hosts[0].publicKey");
    }

    @Test
    void badValuesNameTheirField() {
        assertThat(only("\"psk\": \"s3cret-psk\", \"encryption\": \"ipsec\",", "").reason()).contains("need switch \"ovs\"");
        assertThat(only("\"psk\": \"s3cret-psk\", \"encryption\": \"tls\",", "").path()).isEqualTo("encryption");
        assertThat(only("\"psk\": \" \",", "").path()).isEqualTo("psk");
        assertThat(only("\"psk\": \"s3cret-psk\", \"wireguardPort\": 4789,", "").reason()).contains("udpPort");
        assertThat(only("\"psk\": \"s3cret-psk\", \"wireguardPort\": 70000,", "").path()).isEqualTo("wireguardPort");
        assertThat(only("\"psk\": \"s3cret-psk\", \"transit\": \"172.16.5.0/24\",", "").reason()).contains("overlaps");
        assertThat(problems("\"psk\": \"s3cret-psk\", \"transit\": \"192.0.2.0/24\",", "")).extracting(Problem::path)
                .containsExactly("hosts[0].underlay", "hosts[1].underlay");
        assertThat(only("\"psk\": \"s3cret-psk\", \"transit\": \"100.70.0.1/24\",", "").reason()).contains("host bits");
        assertThat(only("\"psk\": \"s3cret-psk\", \"transit\": \"100.70.0.0/31\",", "").reason()).contains("too small");
        assertThat(only("\"psk\": \"s3cret-psk\",", ", \"publicKey\": \"nokey\"").path()).isEqualTo("hosts[0].publicKey");
    }

    @Test
    void anExplicitPublicKeyIsAccepted() {
        String key = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
        OverlaySpec s = OverlaySpec.read(BASE.formatted("\"psk\": \"s3cret-psk\",", ", \"publicKey\": \"" + key + "\""));
        assertThat(s.host("hostA").publicKey()).isEqualTo(key);
    }
}
