package io.overlaykit.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.BackendException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ssl: remotes with mutual TLS against ovsdb-server on loopback, certificates made with openssl. */
@Timeout(60)
class OvsdbTlsIT {

    @Test
    void mutualTlsWorksAndAWrongCaIsRefused() {
        // Below the kernel's ephemeral range (32768+), so no client socket on this machine holds the port.
        int port = 20000 + ThreadLocalRandom.current().nextInt(12000);
        OvsDaemons pki = null;
        try (OvsDaemons scratch = OvsDaemons.startInHostNamespace("tlsca", List.of())) {
            Path d = scratch.dir;
            makeCa(d, "ca");
            makeCert(d, "ca", "server");
            makeCert(d, "ca", "client");
            makeCa(d, "other");
            makeCert(d, "other", "stranger");
            pki = OvsDaemons.startInHostNamespace("tls", List.of("--remote=pssl:" + port + ":127.0.0.1",
                    "--private-key=" + d.resolve("server.key"), "--certificate=" + d.resolve("server.pem"),
                    "--ca-cert=" + d.resolve("ca.pem")));
            OvsdbRemote remote = OvsdbRemote.parse("ssl:127.0.0.1:" + port).withTls(new OvsdbRemote.TlsFiles(
                    d.resolve("client.key"), d.resolve("client.pem"), d.resolve("ca.pem")));
            OvsdbClientOptions opts = OvsdbClientOptions.defaults().withCallTimeout(Duration.ofSeconds(5));
            try (OvsdbClient c = connectWithRetry(remote, opts, pki.dir.resolve("ovsdb.log"))) {
                assertThat(c.listDbs()).contains("Open_vSwitch");
                assertThat(c.transact(Transaction.builder().select("Open_vSwitch", List.of(), List.of("_uuid"))
                        .build()).rows(0)).hasSize(1);
            }
            OvsdbRemote stranger = OvsdbRemote.parse("ssl:127.0.0.1:" + port).withTls(new OvsdbRemote.TlsFiles(
                    d.resolve("stranger.key"), d.resolve("stranger.pem"), d.resolve("other.pem")));
            assertThatThrownBy(() -> OvsdbClient.connect(stranger, opts).close())
                    .isInstanceOf(BackendException.class).hasMessageContaining("ssl:127.0.0.1:" + port);
        } finally {
            if (pki != null) {
                pki.close();
            }
        }
    }

    private static OvsdbClient connectWithRetry(OvsdbRemote remote, OvsdbClientOptions opts, Path serverLog) {
        // ovsdb-server opens its pssl listener in its main loop, after --detach returned: on a loaded
        // machine that took more than the 2 s this waited before (CI saw "Connection refused").
        BackendException last = null;
        for (int i = 0; i < 150; i++) {
            try {
                return OvsdbClient.connect(remote, opts);
            } catch (BackendException e) {
                last = e;
                OvsDaemons.sleep(100);
            }
        }
        String log;
        try {
            log = java.nio.file.Files.readString(serverLog);
        } catch (java.io.IOException e) {
            log = "(no log: " + e + ")";
        }
        throw new AssertionError("ovsdb-server never accepted on " + remote + "; its log:\n" + log, last);
    }

    private static void makeCa(Path d, String name) {
        OvsDaemons.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=okovs-" + name, "-keyout", d.resolve(name + ".key").toString(),
                "-out", d.resolve(name + ".pem").toString());
    }

    private static void makeCert(Path d, String ca, String name) {
        OvsDaemons.run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=okovs-" + name,
                "-keyout", d.resolve(name + ".key").toString(), "-out", d.resolve(name + ".csr").toString());
        OvsDaemons.run("openssl", "x509", "-req", "-days", "1", "-in", d.resolve(name + ".csr").toString(),
                "-CA", d.resolve(ca + ".pem").toString(), "-CAkey", d.resolve(ca + ".key").toString(),
                "-CAcreateserial", "-out", d.resolve(name + ".pem").toString());
    }
}
