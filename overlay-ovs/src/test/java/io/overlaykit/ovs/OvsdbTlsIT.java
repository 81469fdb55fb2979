package io.overlaykit.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.BackendException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * ssl: remotes with mutual TLS against ovsdb-server on loopback, certificates made with openssl. The refusals
 * are the server's, shown by the server itself (its log: "peer did not return a certificate", "certificate
 * verify failed") and by the alert it sends ({@code openssl s_client} reports it): a client without a
 * certificate, and a client whose certificate comes from another CA while it trusts the server's CA. That the
 * client refuses a server from another CA is a separate, client-side case.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OvsdbTlsIT {
    private OvsDaemons scratch;
    private OvsDaemons server;
    private Path d;
    private int port;
    private final OvsdbClientOptions opts = OvsdbClientOptions.defaults().withCallTimeout(Duration.ofSeconds(5));

    @BeforeAll
    void startServer() {
        // Below the kernel's ephemeral range (32768+), so no client socket on this machine holds the port.
        port = 20000 + ThreadLocalRandom.current().nextInt(12000);
        scratch = OvsDaemons.startInHostNamespace("tlsca", List.of());
        d = scratch.dir;
        makeCa(d, "ca");
        makeCert(d, "ca", "server");
        makeCert(d, "ca", "client");
        makeCa(d, "other");
        makeCert(d, "other", "stranger");
        server = OvsDaemons.startInHostNamespace("tls", List.of("--remote=pssl:" + port + ":127.0.0.1",
                "--private-key=" + d.resolve("server.key"), "--certificate=" + d.resolve("server.pem"),
                "--ca-cert=" + d.resolve("ca.pem")));
        // the first mutual-TLS connection also waits until the pssl listener is up
        try (OvsdbClient c = connectWithRetry(tls("client", "ca"))) {
            assertThat(c.listDbs()).contains("Open_vSwitch");
        }
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (scratch != null) {
            scratch.close();
        }
    }

    @Test
    void mutualTlsWorks() {
        try (OvsdbClient c = OvsdbClient.connect(tls("client", "ca"), opts)) {
            assertThat(c.transact(Transaction.builder().select("Open_vSwitch", List.of(), List.of("_uuid"))
                    .build()).rows(0)).hasSize(1);
        }
    }

    @Test
    void theServerRefusesAClientWithoutACertificate() {
        int logBefore = serverLog().length();
        String out = sClient(List.of());
        assertThat(out).as("the server's alert as openssl s_client reports it").contains("alert certificate required");
        assertThat(out).doesNotContain("\"result\"");
        assertThat(awaitLog(logBefore, "peer did not return a certificate")).as("ovsdb-server's log").isTrue();
    }

    @Test
    void theServerRefusesACertificateFromAnotherCa() {
        // the stranger trusts the server's CA: only the server can be the one that refuses
        int logBefore = serverLog().length();
        String out = sClient(List.of("-cert", d.resolve("stranger.pem").toString(), "-key",
                d.resolve("stranger.key").toString()));
        assertThat(out).as("the server's alert as openssl s_client reports it").contains("alert unknown ca");
        assertThat(out).doesNotContain("\"result\"");
        assertThat(awaitLog(logBefore, "certificate verify failed")).as("ovsdb-server's log").isTrue();
        // and our client with the same files is refused by the server too. With TLS 1.3 the client's handshake
        // completes before the server has checked the certificate; the refusal shows as a lost connection on
        // the first call (our side only sees the broken pipe), the server's log names the reason.
        int ourBefore = serverLog().length();
        assertThatThrownBy(() -> {
            try (OvsdbClient c = OvsdbClient.connect(tls("stranger", "ca"), opts)) {
                c.listDbs();
            }
        }).isInstanceOf(BackendException.class).hasMessageContaining("ssl:127.0.0.1:" + port);
        // (the JDK offers no certificate the server's CA list does not name, so the server sees none at all)
        assertThat(awaitLog(ourBefore, "SSL_accept: error")).as("ovsdb-server's log for our client").isTrue();
    }

    @Test
    void theClientRefusesAServerFromAnotherCa() {
        // client-side: our client trusts only the other CA, so it refuses the server's certificate
        assertThatThrownBy(() -> OvsdbClient.connect(tls("client", "other"), opts).close())
                .isInstanceOf(BackendException.class).hasMessageContaining("ssl:127.0.0.1:" + port)
                .satisfies(e -> assertThat(causes(e)).containsIgnoringCase("path"));
    }

    private OvsdbRemote tls(String who, String trust) {
        return OvsdbRemote.parse("ssl:127.0.0.1:" + port).withTls(new OvsdbRemote.TlsFiles(d.resolve(who + ".key"),
                d.resolve(who + ".pem"), d.resolve(trust + ".pem")));
    }

    /** {@code openssl s_client} trusting the server's CA, sending list_dbs; its whole output. */
    private String sClient(List<String> extra) {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-CAfile", d.resolve("ca.pem").toString()));
        cmd.addAll(extra);
        try {
            Path in = Files.createTempFile(d, "sclient", ".in");
            Path out = Files.createTempFile(d, "sclient", ".out");
            Files.writeString(in, "{\"method\":\"list_dbs\",\"params\":[],\"id\":1}\n");
            // -ign_eof: keep reading after stdin ends, so that the server's alert (or answer) is seen
            cmd.add("-ign_eof");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(in.toFile())
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot run openssl s_client", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private String serverLog() {
        try {
            return Files.readString(server.dir.resolve("ovsdb.log"));
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits (at most 5 s) for {@code text} in the server log after offset {@code from}. */
    private boolean awaitLog(int from, String text) {
        for (int i = 0; i < 50; i++) {
            String log = serverLog();
            if (log.length() > from && log.substring(from).contains(text)) {
                return true;
            }
            OvsDaemons.sleep(100);
        }
        return false;
    }

    private static String causes(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t).append(" | ");
        }
        return sb.toString();
    }

    private OvsdbClient connectWithRetry(OvsdbRemote remote) {
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
        throw new AssertionError("ovsdb-server never accepted on " + remote + "; its log:\n" + serverLog(), last);
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
