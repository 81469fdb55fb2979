package io.overlaykit.ovs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * TEST fixture for the TLS IT only: a private ovsdb-server in the test's own namespace with extra remotes
 * (e.g. {@code pssl:PORT:127.0.0.1}), state in an {@code okovs-} temp directory, removed on close. Every
 * other OVS integration test runs on the lab's per-host daemons (overlay-testkit, package
 * {@code io.overlaykit.ovs.it}); the lab has no TLS remote.
 */
final class OvsDaemons implements AutoCloseable {
    static final String SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema";

    final Path dir;
    final Path socket;
    private final List<String> extraArgs = new ArrayList<>();

    private OvsDaemons(Path dir) {
        this.dir = dir;
        this.socket = dir.resolve("db.sock");
    }

    /** Fails under CI (any value but false), otherwise skips, when root or the OVS binaries are missing. */
    static void requirePrerequisites() {
        String problem = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            problem = "integration tests need root";
        } else if (!Files.isExecutable(Path.of("/usr/sbin/ovsdb-server")) || !Files.exists(Path.of(SCHEMA))) {
            problem = "openvswitch-switch is not installed (ovsdb-server, " + SCHEMA + ")";
        }
        if (problem != null) {
            if (io.overlaykit.core.testing.Ci.isSet()) {
                throw new IllegalStateException(problem);
            }
            Assumptions.assumeTrue(false, problem);
        }
    }

    /**
     * Starts only ovsdb-server in the test's own namespace (for loopback TCP/TLS remotes), with extra
     * arguments such as {@code --remote=pssl:PORT:127.0.0.1}.
     */
    static OvsDaemons startInHostNamespace(String name, List<String> extraArgs) {
        requirePrerequisites();
        Path dir;
        try {
            dir = Files.createTempDirectory("okovs-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OvsDaemons d = new OvsDaemons(dir);
        d.extraArgs.addAll(extraArgs);
        try {
            run("ovsdb-tool", "create", dir.resolve("conf.db").toString(), SCHEMA);
            d.startOvsdb();
            run("ovs-vsctl", "--db=unix:" + d.socket, "--no-wait", "init");
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    void startOvsdb() {
        List<String> cmd = new ArrayList<>(List.of("ovsdb-server", dir.resolve("conf.db").toString(),
                "--remote=punix:" + socket, "--pidfile=" + dir.resolve("ovsdb.pid"),
                "--unixctl=" + dir.resolve("ovsdb.ctl"), "--detach", "-vconsole:off",
                "--log-file=" + dir.resolve("ovsdb.log")));
        cmd.addAll(extraArgs);
        run(cmd.toArray(new String[0]));
    }

    @Override
    public void close() {
        kill(dir.resolve("ovsdb.pid"), "-TERM");
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: temp dirs are prefixed and easy to sweep.
        }
    }

    private static void kill(Path pidfile, String signal) {
        String pid;
        try {
            if (!Files.exists(pidfile)) {
                return;
            }
            pid = Files.readString(pidfile).trim();
        } catch (IOException e) {
            return;
        }
        runQuietly("kill", signal, pid);
        Path proc = Path.of("/proc", pid);
        for (int i = 0; i < 100 && Files.exists(proc); i++) {
            sleep(50);
        }
        if (Files.exists(proc)) {
            runQuietly("kill", "-KILL", pid);
            sleep(100);
        }
    }

    static String run(String... cmd) {
        return runEnv(Map.of(), cmd);
    }

    static String runEnv(Map<String, String> env, String... cmd) {
        try {
            // Output goes to a file, not a pipe: a daemon that detaches keeps a pipe open forever.
            Path outFile = Files.createTempFile("okovs-cmd-", ".out");
            String text;
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(outFile.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("timed out: " + String.join(" ", cmd));
                }
                text = Files.readString(outFile, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("exit " + p.exitValue() + ": " + String.join(" ", cmd) + "\n" + text);
                }
            } finally {
                Files.deleteIfExists(outFile);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void runQuietly(String... cmd) {
        try {
            run(cmd);
        } catch (RuntimeException e) {
            // cleanup: already gone
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
