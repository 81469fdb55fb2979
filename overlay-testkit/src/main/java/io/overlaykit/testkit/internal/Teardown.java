package io.overlaykit.testkit.internal;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.ContainerInfo;
import io.overlaykit.netlink.LinuxNamespaces;
import io.overlaykit.podman.PodmanClient;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Removes everything a lab run recorded in its {@link LabState}: containers first, then daemons (killed by
 * pidfile and waited for), then namespaces, then temporary directories, finally the record itself. The same
 * code serves {@code close()}, the shutdown hook and the sweeper, so a crashed run is cleaned exactly like a
 * finished one. Best effort: every step runs even when an earlier one failed; failures are collected.
 */
public final class Teardown {
    private static final System.Logger LOG = System.getLogger(Teardown.class.getName());
    private static final Duration DAEMON_GRACE = Duration.ofSeconds(5);
    /** A record without an owner is only swept when older than this: its run may still be starting. */
    private static final long OWNERLESS_GRACE_MILLIS = 30_000;

    private final LabState state;
    private final List<String> failures = new ArrayList<>();

    private Teardown(LabState state) {
        this.state = state;
    }

    /**
     * Tears down the run recorded in {@code state} with a namespace handle of its own (the sweeper and
     * {@code Lab.destroy}); throws one exception listing what could not be removed.
     */
    public static void run(LabState state) {
        try (LinuxNamespaces namespaces = new LinuxNamespaces()) {
            run(state, namespaces);
        }
    }

    /**
     * Tears down the run recorded in {@code state}, deleting namespaces through {@code namespaces} (the lab's
     * own, so that its cached netlink sockets close first); throws one exception listing what was left.
     */
    public static void run(LabState state, LinuxNamespaces namespaces) {
        Teardown t = new Teardown(state);
        t.removeContainers();
        t.killDaemons();
        t.killStragglers();
        t.deleteNamespaces(namespaces);
        t.removeDirs();
        if (t.failures.isEmpty()) {
            t.removeRecord(); // keep the record while something is left, so a later sweep can retry
        }
        if (!t.failures.isEmpty()) {
            throw new BackendException("lab '" + state.prefix() + "' teardown incomplete: "
                    + String.join("; ", t.failures));
        }
    }

    /** File locks belong to the JVM, not the thread: labs starting on two threads of one JVM queue here first. */
    private static final Object SWEEP_IN_THIS_JVM = new Object();

    /**
     * Tears down every run on this machine whose owner process is dead, never a live one (other labs may run
     * concurrently). Serialised by a lock file so that two starting labs do not sweep the same run at once
     * (and, within one JVM, by a monitor: a second {@code FileChannel.lock} there would throw).
     * Returns the prefixes swept.
     */
    public static List<String> sweepDeadRuns() {
        synchronized (SWEEP_IN_THIS_JVM) {
            return sweepDeadRunsLocked();
        }
    }

    @SuppressWarnings("try") // the lock is held for the block's duration, never referenced
    private static List<String> sweepDeadRunsLocked() {
        List<String> swept = new ArrayList<>();
        try {
            Files.createDirectories(LabState.STATE_ROOT);
            try (FileChannel ch = FileChannel.open(LabState.STATE_ROOT.resolve(".sweep.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                for (LabState s : LabState.all()) {
                    if (s.exists() && s.ownerDead(OWNERLESS_GRACE_MILLIS)) {
                        LOG.log(System.Logger.Level.INFO, "sweeping leftovers of dead lab run ''{0}''", s.prefix());
                        try {
                            run(s);
                        } catch (RuntimeException e) {
                            LOG.log(System.Logger.Level.WARNING, "sweeping lab run '" + s.prefix() + "' failed", e);
                        }
                        swept.add(s.prefix());
                    }
                }
            }
        } catch (IOException e) {
            throw new BackendException("cannot sweep lab runs under " + LabState.STATE_ROOT + ": " + e.getMessage(), e);
        }
        return swept;
    }

    private void removeContainers() {
        for (String entry : state.entries(LabState.PODMAN)) {
            String[] f = entry.split("\t");
            if (f.length < 3 || !Files.isDirectory(Path.of(f[0]))) {
                continue;
            }
            Path socket = PodmanService.socket(Path.of(f[2]).getParent());
            if (removeThroughService(socket)) {
                continue;
            }
            // The service is gone (its JVM died): direct mode on the lab's own storage still works.
            Cli.Result r = Cli.exec(List.of("podman", "--root", f[0], "--runroot", f[1], "rm", "--all", "--force",
                    "--time", "0"), Map.of("CONTAINERS_CONF", f[2]), null, Duration.ofSeconds(60));
            if (!r.ok()) {
                failures.add("containers in " + f[0] + ": " + r.stderr().strip());
            }
        }
    }

    /** Removes every container of the lab's service through the SDK; false when the service does not answer. */
    private boolean removeThroughService(Path socket) {
        if (!PodmanService.ping(socket)) {
            return false;
        }
        try (PodmanClient podman = PodmanClient.connect(socket, Duration.ofSeconds(2), Duration.ofSeconds(30))) {
            for (ContainerInfo c : podman.list(Map.of())) {
                podman.remove(c.id());
            }
            return true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "removing containers through " + socket + " failed", e);
            return false;
        }
    }

    private void killDaemons() {
        List<Long> victims = new ArrayList<>();
        for (String entry : state.entries(LabState.PIDFILES)) {
            Path pidfile = Path.of(entry);
            long pid = readPid(pidfile);
            // Guard against a recycled pid: the daemon's command line names its own state directory (wireguard-go:
            // its interface, which the pidfile's name holds).
            if (pid > 0 && ProcessInfo.commandLine(pid).map(c -> c.contains(pidfile.getParent().toString())
                    || WireGuardDaemons.isDaemonOf(pidfile, c)).orElse(false)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
                victims.add(pid);
            }
        }
        long deadline = System.nanoTime() + DAEMON_GRACE.toNanos();
        state.entries(LabState.PIDFILES).forEach(e -> WireGuardDaemons.removeSocket(Path.of(e)));
        for (long pid : victims) {
            while (ProcessInfo.alive(pid) && System.nanoTime() < deadline) {
                sleep(20);
            }
            if (ProcessInfo.alive(pid)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                long hard = System.nanoTime() + DAEMON_GRACE.toNanos();
                while (ProcessInfo.alive(pid) && System.nanoTime() < hard) {
                    sleep(20);
                }
                if (ProcessInfo.alive(pid)) {
                    failures.add("process " + pid + " survived SIGKILL");
                }
            }
        }
    }

    /**
     * Kills whatever still names one of the lab's directories on its command line: conmon keeps exec
     * sessions around for minutes after {@code podman exec} ends ({@code --exit-delay 300}), and its exit
     * command ({@code podman container cleanup}) outlives {@code podman rm}. The directories are unique to
     * this run, so nothing else can match.
     */
    private void killStragglers() {
        List<String> dirs = state.entries(LabState.DIRS);
        if (dirs.isEmpty()) {
            return;
        }
        for (int round = 0; round < 5; round++) {
            List<ProcessHandle> found = ProcessHandle.allProcesses()
                    .filter(ph -> ph.pid() != ProcessHandle.current().pid())
                    .filter(ph -> ProcessInfo.commandLine(ph.pid())
                            .map(c -> dirs.stream().anyMatch(d -> c.contains(d + "/") || c.endsWith(d)))
                            .orElse(false))
                    .toList();
            if (found.isEmpty()) {
                return;
            }
            found.forEach(ProcessHandle::destroyForcibly);
            sleep(100);
        }
        failures.add("processes naming " + dirs + " keep appearing");
    }

    private void deleteNamespaces(LinuxNamespaces namespaces) {
        for (String ns : state.entries(LabState.NAMESPACES)) {
            NetNamespace namespace = NetNamespace.named(ns);
            if (!Files.exists(namespace.path())) {
                continue;
            }
            // Whatever a test left running inside (an iperf3 -D, a shell) would keep the namespace alive.
            ProcessInfo.inNamespace(namespace.path()).forEach(pid -> ProcessHandle.of(pid)
                    .ifPresent(ProcessHandle::destroyForcibly));
            try {
                namespaces.delete(ns);
            } catch (RuntimeException e) {
                failures.add("namespace " + ns + ": " + e.getMessage());
            }
        }
    }

    private void removeDirs() {
        for (String entry : state.entries(LabState.DIRS)) {
            Path dir = Path.of(entry);
            unmountBelow(dir);
            try {
                deleteTree(dir);
            } catch (IOException e) {
                failures.add("directory " + dir + ": " + e);
            }
        }
    }

    private void removeRecord() {
        try {
            deleteTree(state.dir());
        } catch (IOException e) {
            failures.add("state " + state.dir() + ": " + e);
        }
    }

    /** Podman's overlay storage leaves mounts behind when its process is killed; undo them deepest first. */
    private void unmountBelow(Path dir) {
        List<String> mounts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"), StandardCharsets.UTF_8)) {
                String[] f = line.split(" ");
                if (f.length > 1 && (f[1].equals(dir.toString()) || f[1].startsWith(dir + "/"))) {
                    mounts.add(f[1]);
                }
            }
        } catch (IOException e) {
            failures.add("cannot read mounts: " + e);
            return;
        }
        mounts.sort(Comparator.comparingInt(String::length).reversed());
        for (String m : mounts) {
            Cli.Result r = Cli.probe("umount", "-l", m);
            if (!r.ok()) {
                failures.add("unmount " + m + ": " + r.stderr().strip());
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static long readPid(Path pidfile) {
        try {
            return Long.parseLong(Files.readString(pidfile, StandardCharsets.UTF_8).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
