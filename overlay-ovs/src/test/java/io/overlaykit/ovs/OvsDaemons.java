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
 * TEST fixture: a private ovsdb-server (+ optional ovs-vswitchd, userspace datapath) in a throwaway
 * network namespace, all under the {@code okovs} prefix, removed on close. The lab's testkit will
 * provide the real one; this keeps the module's tests self-contained until then.
 */
final class OvsDaemons implements AutoCloseable {
    static final String SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema";

    final String netns;
    final Path dir;
    final Path socket;
    private final boolean ownsNetns;
    private final List<String> extraArgs = new ArrayList<>();
    private boolean vswitchd;

    private OvsDaemons(String netns, Path dir, boolean ownsNetns) {
        this.netns = netns;
        this.dir = dir;
        this.socket = dir.resolve("db.sock");
        this.ownsNetns = ownsNetns;
    }

    /** Fails under CI=true, otherwise skips, when root or the OVS binaries are missing. */
    static void requirePrerequisites() {
        String problem = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            problem = "integration tests need root";
        } else if (!Files.isExecutable(Path.of("/usr/sbin/ovsdb-server")) || !Files.exists(Path.of(SCHEMA))) {
            problem = "openvswitch-switch is not installed (ovsdb-server, " + SCHEMA + ")";
        }
        if (problem != null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(problem);
            }
            Assumptions.assumeTrue(false, problem);
        }
    }

    /** Starts ovsdb-server (and ovs-vswitchd when asked) in a new namespace {@code okovs-<name>}. */
    static OvsDaemons start(String name, boolean withVswitchd) {
        return start("okovs-" + name, true, withVswitchd);
    }

    /** Starts daemons in {@code netns}, which is created when {@code createNetns}. */
    static OvsDaemons start(String netns, boolean createNetns, boolean withVswitchd) {
        requirePrerequisites();
        Path dir;
        try {
            dir = Files.createTempDirectory("okovs-" + netns.replace("okovs-", "") + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OvsDaemons d = new OvsDaemons(netns, dir, createNetns);
        try {
            if (createNetns) {
                run("ip", "netns", "add", netns);
                run("ip", "-n", netns, "link", "set", "lo", "up");
            }
            run("ovsdb-tool", "create", dir.resolve("conf.db").toString(), SCHEMA);
            d.startOvsdb();
            run("ovs-vsctl", "--db=unix:" + d.socket, "--no-wait", "init");
            if (withVswitchd) {
                d.startVswitchd();
            }
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    OvsdbRemote remote() {
        return OvsdbRemote.unix(socket);
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
        OvsDaemons d = new OvsDaemons(null, dir, false);
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
        List<String> cmd = new ArrayList<>();
        if (netns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", netns));
        }
        cmd.addAll(List.of("ovsdb-server", dir.resolve("conf.db").toString(),
                "--remote=punix:" + socket, "--pidfile=" + dir.resolve("ovsdb.pid"),
                "--unixctl=" + dir.resolve("ovsdb.ctl"), "--detach", "-vconsole:off",
                "--log-file=" + dir.resolve("ovsdb.log")));
        cmd.addAll(extraArgs);
        run(cmd.toArray(new String[0]));
    }

    void startVswitchd() {
        runEnv(Map.of("OVS_RUNDIR", dir.toString()), "ip", "netns", "exec", netns, "ovs-vswitchd",
                "unix:" + socket, "--pidfile=" + dir.resolve("vswitchd.pid"),
                "--unixctl=" + dir.resolve("vswitchd.ctl"), "--detach", "-vconsole:off",
                "--log-file=" + dir.resolve("vswitchd.log"));
        vswitchd = true;
    }

    /** Kills ovsdb-server (SIGKILL, as a crash) and waits until it is gone. */
    void killOvsdb() {
        kill(dir.resolve("ovsdb.pid"), "-KILL");
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ovs-vsctl --db=unix:SOCK ARGS...}: the independent oracle. */
    String vsctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ovs-vsctl", "--db=unix:" + socket, "--timeout=10"));
        if (!vswitchd) {
            cmd.add("--no-wait");
        }
        cmd.addAll(List.of(args));
        return run(cmd.toArray(new String[0]));
    }

    /** {@code ip netns exec NETNS ARGS...}. */
    String exec(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(new String[0]));
    }

    @Override
    public void close() {
        if (vswitchd) {
            kill(dir.resolve("vswitchd.pid"), "-TERM");
        }
        kill(dir.resolve("ovsdb.pid"), "-TERM");
        if (ownsNetns) {
            runQuietly("ip", "netns", "del", netns);
        }
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
