package io.overlaykit.testkit.internal;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.OverlayTimeoutException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The userspace WireGuard daemon of a lab host: {@code wireguard-go -f IFNAME} in the host's namespace, its pid in
 * {@code DIR/wireguard-go-IFNAME.pid} (recorded before it starts, so teardown stops it even after a crash), its
 * output in a log beside it. wireguard-go puts its UAPI socket in {@code /var/run/wireguard}, one directory for
 * every namespace, so every host of every lab needs an interface name of its own.
 */
public final class WireGuardDaemons {
    /** The socket directory of wireguard-go. */
    public static final Path SOCKETS = Path.of("/var/run/wireguard");
    /** The pidfiles' name prefix, which {@link Teardown} recognises. */
    static final String PIDFILE_PREFIX = "wireguard-go-";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private WireGuardDaemons() {
    }

    /** Starts wireguard-go for {@code ifname} in namespace {@code namespace}; returns when its socket answers. */
    public static void start(LabState state, String namespace, String ifname, Path dir) {
        Path sock = SOCKETS.resolve(ifname + ".sock");
        Path pidfile = dir.resolve(PIDFILE_PREFIX + ifname + ".pid");
        try {
            Files.createDirectories(dir);
            Files.createDirectories(SOCKETS);
            Files.deleteIfExists(sock); // a socket left by a killed daemon of an earlier run with this name
        } catch (IOException e) {
            throw new BackendException("cannot prepare " + dir + " for wireguard-go: " + e.getMessage(), e);
        }
        state.recordPidfile(pidfile);
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(Cli.inNamespace(namespace, "wireguard-go", "-f", ifname))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("wireguard-go-" + ifname + ".log").toFile());
            pb.environment().put("LOG_LEVEL", "error");
            p = pb.start();
            Files.writeString(pidfile, p.pid() + "\n");
        } catch (IOException e) {
            throw new BackendException("cannot start wireguard-go " + ifname + " in " + namespace + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.exists(sock)) {
            if (!p.isAlive()) {
                throw new BackendException("wireguard-go " + ifname + " in " + namespace + " exited with " + p.exitValue()
                        + ": " + log(dir, ifname));
            }
            if (System.nanoTime() > deadline) {
                throw new OverlayTimeoutException("wireguard-go " + ifname + " in " + namespace + " made no socket "
                        + sock + " within " + START_TIMEOUT.toSeconds() + " s: " + log(dir, ifname));
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendException("interrupted while starting wireguard-go " + ifname, e);
            }
        }
    }

    /** Whether {@code commandLine} is the daemon a pidfile of ours names. */
    static boolean isDaemonOf(Path pidfile, String commandLine) {
        String f = pidfile.getFileName().toString();
        if (!f.startsWith(PIDFILE_PREFIX) || !f.endsWith(".pid")) {
            return false;
        }
        String ifname = f.substring(PIDFILE_PREFIX.length(), f.length() - 4);
        List<String> words = List.of(commandLine.trim().split("[\\s\\x00]+"));
        return !words.isEmpty() && words.get(0).endsWith("wireguard-go") && words.contains(ifname);
    }

    /** Removes the socket of {@code pidfile}'s interface if the daemon left it. */
    static void removeSocket(Path pidfile) {
        String f = pidfile.getFileName().toString();
        if (f.startsWith(PIDFILE_PREFIX) && f.endsWith(".pid")) {
            try {
                Files.deleteIfExists(SOCKETS.resolve(f.substring(PIDFILE_PREFIX.length(), f.length() - 4) + ".sock"));
            } catch (IOException e) {
                // best effort: a stale socket is removed by the next start with this name
            }
        }
    }

    private static String log(Path dir, String ifname) {
        try {
            return Optional.of(Files.readString(dir.resolve("wireguard-go-" + ifname + ".log")).trim())
                    .filter(s -> !s.isEmpty()).orElse("(no output)");
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
