package io.overlaykit.samples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The {@code overlay} command as a real process (the test's class path, {@code --json}), its output read line
 * by line as it comes, so that a test can act at a chosen progress event (kill it with SIGKILL after the k-th
 * step) instead of after a sleep. Every wait is bounded and fails the test on the bound.
 */
final class CliProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> args;
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private CliProcess(List<String> args) throws IOException {
        this.args = args;
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", absoluteClassPath(), OverlayCli.class.getName()));
        cmd.addAll(args);
        cmd.add("--json");
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException e) {
                lines.add("(reading the output failed: " + e + ")");
            }
        }, "okcli-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code overlay ARGS --json}. */
    static CliProcess start(String... args) {
        try {
            return new CliProcess(List.of(args));
        } catch (IOException e) {
            throw new AssertionError("cannot start overlay " + String.join(" ", args), e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** Waits until {@code count} lines of output match, at most {@code bound}; fails the test on the bound. */
    void awaitLines(Predicate<JsonNode> match, int count, Duration bound, String what) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (matching(match) < count) {
            if (!process.isAlive() && matching(match) < count) {
                joinReader();
                if (matching(match) >= count) {
                    return;
                }
                throw new AssertionError("overlay " + args + " exited (" + process.exitValue() + ") before " + what
                        + ":\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("overlay " + args + ": no " + what + " within " + bound + ":\n" + output());
            }
            sleep(5);
        }
    }

    /** Waits for the {@code k}-th step event (1-based). */
    void awaitStep(int k, Duration bound) {
        awaitLines(CliProcess::isStep, k, bound, "step event " + k);
    }

    /** How many step events it printed so far. */
    int steps() {
        return matching(CliProcess::isStep);
    }

    /** SIGKILL, as a crash: no shutdown hook runs. Waits (bounded) until it is gone. */
    void kill9() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    /** Waits for the exit, at most {@code bound}; returns the exit code. */
    int awaitExit(Duration bound) {
        try {
            if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("overlay " + args + " did not exit within " + bound + ":\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        joinReader();
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The JSON result line (the last line with "changed"), or null. */
    JsonNode result() {
        for (int i = lines.size() - 1; i >= 0; i--) {
            JsonNode n = parse(lines.get(i));
            if (n != null && n.has("changed")) {
                return n;
            }
        }
        return null;
    }

    String output() {
        return String.join("\n", lines);
    }

    /** SIGTERM (Ctrl-C), then SIGKILL after 20 s. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int matching(Predicate<JsonNode> match) {
        int n = 0;
        for (String l : lines) {
            JsonNode j = parse(l);
            if (j != null && match.test(j)) {
                n++;
            }
        }
        return n;
    }

    static boolean isStep(JsonNode n) {
        return "step".equals(n.path("event").asText());
    }

    private static JsonNode parse(String line) {
        if (!line.startsWith("{")) {
            return null;
        }
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    private void joinReader() {
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String absoluteClassPath() {
        List<String> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            out.add(Path.of(entry).toAbsolutePath().toString());
        }
        return String.join(File.pathSeparator, out);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
