package io.overlaykit.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.InvalidSpecException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OvsdbRemoteTest {

    @Test
    void parsesTheThreeForms() {
        OvsdbRemote u = OvsdbRemote.parse("unix:/run/openvswitch/db.sock");
        assertThat(u.kind()).isEqualTo(OvsdbRemote.Kind.UNIX);
        assertThat(u.path()).isEqualTo(Path.of("/run/openvswitch/db.sock"));
        assertThat(u).hasToString("unix:/run/openvswitch/db.sock");

        OvsdbRemote t = OvsdbRemote.parse("tcp:192.0.2.1:6640");
        assertThat(t.kind()).isEqualTo(OvsdbRemote.Kind.TCP);
        assertThat(t.host()).isEqualTo("192.0.2.1");
        assertThat(t.port()).isEqualTo(6640);
        assertThat(t).isEqualTo(OvsdbRemote.tcp("192.0.2.1", 6640));

        OvsdbRemote s = OvsdbRemote.parse("ssl:[2001:db8::1]:6640");
        assertThat(s.kind()).isEqualTo(OvsdbRemote.Kind.SSL);
        assertThat(s.host()).isEqualTo("2001:db8::1");
        assertThat(s).hasToString("ssl:[2001:db8::1]:6640");
        OvsdbRemote.TlsFiles files = new OvsdbRemote.TlsFiles(Path.of("/k/key.pem"), Path.of("/k/cert.pem"), Path.of("/k/ca.pem"));
        assertThat(s.withTls(files).tls()).isEqualTo(files);
        assertThat(files.toString()).contains("cert.pem", "ca.pem").doesNotContain("/k/key.pem");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "punix:/x", "ptcp:6640", "tcp:host", "tcp::6640", "tcp:h:0", "tcp:h:70000",
            "tcp:h:port", "unix:", "ssl:[::1]6640", "http://h:1", "tcp:a:b:1"})
    void rejectsUnknownSyntax(String remote) {
        assertThatThrownBy(() -> OvsdbRemote.parse(remote)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("ovsdb remote");
    }

    @Test
    void tlsOnlyForSsl() {
        OvsdbRemote.TlsFiles files = new OvsdbRemote.TlsFiles(Path.of("k"), Path.of("c"), Path.of("a"));
        assertThatThrownBy(() -> OvsdbRemote.parse("tcp:h:1").withTls(files)).isInstanceOf(InvalidSpecException.class);
    }
}
