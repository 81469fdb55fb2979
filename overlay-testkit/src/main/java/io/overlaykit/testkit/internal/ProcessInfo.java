package io.overlaykit.testkit.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** What {@code /proc} says about a process: alive, its start time, its command line. */
final class ProcessInfo {
    private ProcessInfo() {
    }

    /** Field 22 of {@code /proc/PID/stat} (start time in clock ticks), or empty if there is no such process. */
    static Optional<String> startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Optional.of(rest[19]);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The command line with NULs turned into spaces, or empty if the process is gone. */
    static Optional<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return Optional.of(new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** True while the process exists and is not a zombie. */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            String state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
            return !state.equals("Z") && !state.equals("X");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The processes (other than this JVM) whose network namespace is the one bound at {@code nsFile}, found
     * as {@code ip netns pids} does: by the namespace's inode.
     */
    static List<Long> inNamespace(Path nsFile) {
        String wanted;
        try {
            wanted = "net:[" + Files.getAttribute(nsFile, "unix:ino") + "]";
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        long self = ProcessHandle.current().pid();
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.map(p -> p.getFileName().toString())
                    .filter(n -> n.chars().allMatch(Character::isDigit))
                    .forEach(n -> {
                        try {
                            if (Long.parseLong(n) != self
                                    && Files.readSymbolicLink(Path.of("/proc", n, "ns", "net")).toString().equals(wanted)) {
                                pids.add(Long.parseLong(n));
                            }
                        } catch (IOException | RuntimeException e) {
                            // gone meanwhile, or a kernel thread without a namespace link
                        }
                    });
        } catch (IOException e) {
            return List.of();
        }
        return pids;
    }

    /**
     * SIGKILL (a crash, no clean shutdown) for {@code pid} if its command line names {@code marker} (a pid file
     * may be stale and the pid reused), then waits at most 5 s until it is gone.
     */
    static void killAndWait(long pid, String marker, String what) {
        if (!commandLine(pid).map(c -> c.contains(marker)).orElse(false)) {
            throw new io.overlaykit.core.BackendException(what + " " + pid + " of " + marker + " is not running");
        }
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
        while (alive(pid) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new io.overlaykit.core.BackendException("interrupted while killing " + what + " " + pid, e);
            }
        }
        if (alive(pid)) {
            throw new io.overlaykit.core.BackendException(what + " " + pid + " survived SIGKILL for 5 s");
        }
    }
}
