package io.overlaykit.samples.bench;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.OverlayTimeoutException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The programs one benchmark runs: the baselines it times, daemons it needs for a while (iperf3, socat, a
 * forwarder, namespace holders), and oracles. Output goes to files in the benchmark's directory, never to
 * pipes, so a child that leaves a grandchild behind cannot hang a reader. {@link #close()} stops every
 * process still running, descendants first, also after a failure or Ctrl-C; the lab's own teardown kills
 * whatever is left inside its namespaces after a crash.
 */
final class Processes implements AutoCloseable {
    /** A finished program: exit code, output, and the wall time from start to exit. */
    record Result(List<String> command, int exitCode, String stdout, String stderr, Duration took) {
        boolean ok() {
            return exitCode == 0;
        }

        /** This result, or a {@link BackendException} naming the command and its stderr. */
        Result check() {
            if (exitCode != 0) {
                throw new BackendException(String.join(" ", command) + " exited with " + exitCode + ": "
                        + (stderr.isBlank() ? tail(stdout) : tail(stderr)));
            }
            return this;
        }

        double seconds() {
            return took.toNanos() / 1e9;
        }
    }

    /** A program left running; its output accumulates in files. */
    record Background(String name, Process process, Path stdout, Path stderr) {
        long pid() {
            return process.pid();
        }

        String stdoutText() {
            return read(stdout);
        }

        String stderrText() {
            return read(stderr);
        }
    }

    private final Path dir;
    private final AtomicInteger sequence = new AtomicInteger();
    private final List<Background> running = new CopyOnWriteArrayList<>();

    /** Processes whose output goes under {@code dir} (created here). */
    Processes(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BackendException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /** {@code ip netns exec NS command...}. */
    static List<String> in(NetNamespace ns, String... command) {
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
        out.addAll(List.of(command));
        return out;
    }

    /** The directory this benchmark's files go to. */
    Path dir() {
        return dir;
    }

    /** Runs {@code command} to its end; killed (with its descendants) after {@code timeout}. */
    Result run(List<String> command, Map<String, String> env, Duration timeout) {
        Background b = start("run", command, env);
        try {
            long t0 = System.nanoTime();
            boolean exited = b.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            if (!exited) {
                stop(b);
                throw new OverlayTimeoutException(String.join(" ", command) + " did not finish within " + timeout);
            }
            running.remove(b);
            return new Result(command, b.process().exitValue(), b.stdoutText(), b.stderrText(), took);
        } catch (InterruptedException e) {
            stop(b);
            Thread.currentThread().interrupt();
            throw new OverlayException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** {@link #run(List, Map, Duration)} with no extra environment. */
    Result run(Duration timeout, String... command) {
        return run(List.of(command), Map.of(), timeout);
    }

    /** Starts {@code command} in the background; {@link #stop} or {@link #close()} ends it. */
    Background start(String name, List<String> command, Map<String, String> env) {
        int n = sequence.incrementAndGet();
        Path out = dir.resolve(n + "-" + name + ".out");
        Path err = dir.resolve(n + "-" + name + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        try {
            Background b = new Background(name, pb.start(), out, err);
            running.add(b);
            return b;
        } catch (IOException e) {
            throw new BackendException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
    }

    /** Stops a background program and its descendants: SIGTERM, then SIGKILL after two seconds. */
    void stop(Background b) {
        stopAll(List.of(b));
    }

    /** Stops every program still running (one scan of the process table for all of them). */
    @Override
    public void close() {
        stopAll(new ArrayList<>(running));
    }

    private void stopAll(List<Background> victims) {
        // Stopping must finish also when Ctrl-C interrupted this thread: clear the flag, restore it at the end.
        boolean interrupted = Thread.interrupted();
        try {
            kill(victims);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void kill(List<Background> victims) {
        running.removeAll(victims);
        Map<Long, List<ProcessHandle>> children = new java.util.HashMap<>();
        ProcessHandle.allProcesses().forEach(p -> p.parent().ifPresent(parent ->
                children.computeIfAbsent(parent.pid(), k -> new ArrayList<>()).add(p)));
        List<ProcessHandle> tree = new ArrayList<>();
        for (Background b : victims) {
            java.util.ArrayDeque<ProcessHandle> todo = new java.util.ArrayDeque<>(List.of(b.process().toHandle()));
            while (!todo.isEmpty()) {
                ProcessHandle p = todo.pop();
                tree.add(p);
                todo.addAll(children.getOrDefault(p.pid(), List.of()));
            }
        }
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        for (ProcessHandle p : tree) {
            while (p.isAlive() && System.nanoTime() < deadline) {
                sleepQuietly(10);
            }
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        for (Background b : victims) {
            try {
                b.process().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return; // interrupted again while stopping: leave the rest to the lab's teardown
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // a second interrupt while stopping: keep stopping
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OverlayException("interrupted", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(String text) {
        String t = text.strip();
        return t.length() > 2000 ? "..." + t.substring(t.length() - 2000) : t;
    }
}
