package io.overlaykit.samples.bench;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.OverlayException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Our userspace forwarder as users run it: {@code overlay forward} in a JVM of its own (this JVM's class
 * path, default JVM options), so that its memory can be measured apart from the benchmark's. The JVM raises
 * its open-files limit to the hard limit by itself ({@code -XX:+MaxFDLimit}, the default); this machine does
 * not allow more (no CAP_SYS_RESOURCE), so {@link #openFilesLimit()} is what it got.
 */
final class Forwarder {
    private final Processes processes;
    private final Processes.Background process;

    private Forwarder(Processes processes, Processes.Background process) {
        this.processes = processes;
        this.process = process;
    }

    /** Starts {@code overlay forward --listen LISTEN --target TARGET --max-connections MAX} inside {@code ns}. */
    static Forwarder start(Processes processes, NetNamespace ns, String listen, String target, int maxConnections) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(Processes.in(ns, java, "-cp", System.getProperty("java.class.path"),
                "io.overlaykit.samples.cli.OverlayCli", "forward", "--listen", listen, "--target", target,
                "--max-connections", Integer.toString(maxConnections)));
        Forwarder f = new Forwarder(processes, processes.start("overlay-forward", cmd, Map.of()));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!f.process.stdoutText().contains("forwarding")) {
            if (!f.process.process().isAlive() || System.nanoTime() > deadline) {
                String why = f.process.stderrText() + f.process.stdoutText();
                processes.stop(f.process);
                throw new OverlayException("overlay forward did not start: " + why.strip());
            }
            Processes.sleep(20);
        }
        return f;
    }

    long pid() {
        return process.pid();
    }

    /** Resident memory now, in KiB ({@code VmRSS}). */
    long rssKib() {
        return statusField(pid(), "VmRSS:");
    }

    /** The soft limit on open files the forwarder's JVM runs with. */
    long openFilesLimit() {
        return openFilesLimit(pid());
    }

    /** File descriptors the forwarder holds now. */
    int openFiles() {
        return openFiles(pid());
    }

    void stop() {
        processes.stop(process);
    }

    static long statusField(long pid, String field) {
        for (String line : lines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new OverlayException("no " + field + " in /proc/" + pid + "/status");
    }

    static long openFilesLimit(long pid) {
        for (String line : lines(Path.of("/proc", Long.toString(pid), "limits"))) {
            if (line.startsWith("Max open files")) {
                return Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
            }
        }
        throw new OverlayException("no open-files limit in /proc/" + pid + "/limits");
    }

    static int openFiles(long pid) {
        try (var s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            throw new OverlayException("cannot list /proc/" + pid + "/fd: " + e.getMessage(), e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new OverlayException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
