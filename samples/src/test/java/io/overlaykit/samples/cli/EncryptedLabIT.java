package io.overlaykit.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An encrypted lab through the {@code overlay} command: {@code lab up}, {@code verify} (each tunnel's WireGuard
 * handshake), {@code status} as text, JSON and DOT, {@code plan}, {@code apply --json}; then one host with another
 * psk, which {@code verify} reports by host and peer. Every output (CLI text and JSON, log records, the lab's
 * state and run files, the engine's state files, the messages of the failures) is searched for the psk and for
 * every private and preshared key, as {@code wg} reads them from the daemons: none may appear.
 */
class EncryptedLabIT {
    private static final String PSK = "oksmp-psk-Hq83vNw2LpX7";
    private static final String OTHER = "oksmp-psk-other-Jd61";

    @TempDir
    Path dir;

    @Test
    void anEncryptedLabNeverShowsItsSecrets() throws IOException {
        Prereqs.require(false);
        String name = "oksmpwg";
        String spec = Files.readString(Path.of("specs/demo2.json")).replace("\"name\": \"demo2\"", "\"name\": \"" + name + "\"")
                .replace("\"switch\": \"ovs\"", "\"switch\": \"linux\"").replace("\"mtu\": 1450,", "");
        Path file = dir.resolve(name + ".json");
        Files.writeString(file, spec.replace("\"vni\": 5000,", "\"vni\": 5000, \"psk\": \"" + PSK + "\","));
        Path other = dir.resolve(name + "-other.json");
        Files.writeString(other, spec.replace("\"vni\": 5000,", "\"vni\": 5000, \"psk\": \"" + OTHER + "\","));
        List<String> outputs = new ArrayList<>();
        List<String> files = new ArrayList<>();
        List<String> secrets = new ArrayList<>(List.of(PSK, OTHER));
        StringBuilder logs = new StringBuilder();
        Handler capture = new Handler() {
            private final SimpleFormatter f = new SimpleFormatter();

            @Override
            public void publish(LogRecord r) {
                synchronized (logs) {
                    logs.append(f.format(r));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        Level was = root.getLevel();
        root.setLevel(Level.ALL);
        root.addHandler(capture);
        try {
            Cli up = record(outputs, Cli.run("lab", "up", file.toString()));
            assertThat(up.code()).as(up.err()).isZero();
            Cli verify = record(outputs, Cli.run("verify", file.toString()));
            assertThat(verify.code()).as(verify.out()).isZero();
            assertThat(verify.out()).contains("tunnel hostA -> hostB: wireguard, handshake",
                    "tunnel hostB -> hostA: wireguard, handshake");
            Cli text = record(outputs, Cli.run("status", file.toString(), "--host", "hostA"));
            assertThat(text.code()).as(text.out()).isZero();
            assertThat(text.out()).contains("tunnel hostA -> hostB: wireguard");
            Cli json = record(outputs, Cli.run("status", file.toString(), "--host", "hostB", "--format", "json"));
            assertThat(json.out()).contains("\"encryption\":\"wireguard\"", "\"healthy\":true");
            Cli dot = record(outputs, Cli.run("status", file.toString(), "--host", "hostA", "--format", "dot"));
            assertThat(dot.out()).contains("encrypted: wireguard", "peripheries=2");
            record(outputs, Cli.run("plan", file.toString(), "--host", "hostA"));
            record(outputs, Cli.run("apply", file.toString(), "--host", "hostA", "--json"));
            // the keys as the daemons hold them, read by wg (hex and base64 both searched)
            try (Lab lab = Lab.attach(name)) {
                for (var h : lab.hosts()) {
                    String wg = io.overlaykit.core.Overlay.fromSpec(file).wireguardInterface(h.name()).value();
                    for (String what : List.of("private-key", "preshared-keys")) {
                        for (String line : h.exec("wg", "show", wg, what).trim().split("\n")) {
                            String key = line.contains("\t") ? line.substring(line.lastIndexOf('\t') + 1) : line;
                            if (key.length() == 44) {
                                secrets.add(key);
                                secrets.add(HexFormat.of().formatHex(Base64.getDecoder().decode(key)));
                            }
                        }
                    }
                }
            }
            assertThat(secrets).hasSizeGreaterThanOrEqualTo(2 + 4 * 2);
            // hostB with another psk: verify fails and names the peer
            Cli otherApply = record(outputs, Cli.run("apply", other.toString(), "--host", "hostB"));
            assertThat(otherApply.code()).as(otherApply.err()).isZero();
            Cli cut = record(outputs, Cli.run("verify", other.toString(), "--host", "hostB"));
            assertThat(cut.code()).isNotZero();
            assertThat(cut.out()).contains("tunnel hostB -> hostA: wireguard, no handshake");
            Cli badKey = record(outputs, Cli.run("apply", file.toString(), "--host", "hostA", "--private-key",
                    dir.resolve("missing.key").toString()));
            assertThat(badKey.code()).isNotZero();
        } finally {
            files.addAll(filesOf(name));
            Cli down = record(outputs, Cli.run("lab", "down", file.toString()));
            root.removeHandler(capture);
            root.setLevel(was);
            assertThat(down.code()).as(down.err()).isZero();
        }
        String all = String.join("\n", outputs) + "\n" + logs + "\n" + String.join("\n", files);
        assertThat(outputs).hasSizeGreaterThan(8);
        assertThat(files).hasSizeGreaterThan(3);
        for (String s : secrets) {
            assertThat(all).as("a secret in the outputs").doesNotContain(s);
        }
        System.out.printf("[samples] encrypted lab: %d outputs, %d log chars, %d files searched for %d secrets: none%n",
                outputs.size(), logs.length(), files.size(), secrets.size());
        assertThat(LabOverlay.class).isNotNull();
    }

    /** Every file of the lab's record, run directory and engine state, with its content. */
    private static List<String> filesOf(String name) throws IOException {
        List<String> files = new ArrayList<>();
        for (Path root2 : List.of(Path.of("/run/overlaykit-lab", name), Lab.RUN_ROOT.resolve(name))) {
            if (Files.isDirectory(root2)) {
                try (Stream<Path> walk = Files.walk(root2)) {
                    walk.filter(Files::isRegularFile).forEach(p -> {
                        try {
                            files.add(p + ": " + new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
                        } catch (IOException e) {
                            // a socket or a file gone meanwhile
                        }
                    });
                }
            }
        }
        return files;
    }

    private static Cli record(List<String> outputs, Cli r) {
        outputs.add(r.out());
        outputs.add(r.err());
        return r;
    }
}
