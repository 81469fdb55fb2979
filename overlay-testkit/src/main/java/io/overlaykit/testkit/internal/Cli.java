package io.overlaykit.testkit.internal;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.OverlayTimeoutException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one place where the lab runs command-line tools: starting daemons, {@link
 * io.overlaykit.testkit.Lab#exec} (a test oracle), and the leftovers the SDK cannot do (podman in direct mode
 * when the service is gone, {@code umount -l}); everything else goes through the SDK. Output goes to
 * temporary files rather than pipes: a tool that leaves a daemon behind (conmon, a detached ovsdb-server)
 * could otherwise keep a pipe open and hang the reader.
 */
public final class Cli {
    /** Default limit for one command. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final System.Logger LOG = System.getLogger(Cli.class.getName());

    /** The outcome of one command. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** Returns this result, or throws a {@link BackendException} naming the command and its stderr. */
        public Result check() {
            if (exitCode != 0) {
                throw new BackendException(describe(command) + " exited with " + exitCode + ": "
                        + (stderr.isBlank() ? stdout.strip() : stderr.strip()));
            }
            return this;
        }
    }

    private Cli() {
    }

    /** Runs a command and throws unless it exits with 0; returns its stdout. */
    public static String run(String... command) {
        return exec(List.of(command), Map.of(), null, DEFAULT_TIMEOUT).check().stdout();
    }

    /** Runs a command and returns its result whatever the exit code (for cleanup and probes). */
    public static Result probe(String... command) {
        return exec(List.of(command), Map.of(), null, DEFAULT_TIMEOUT);
    }

    /**
     * Runs {@code command} with extra environment variables and optional stdin text, waiting at most
     * {@code timeout}; a command that overruns is killed and reported as an {@link OverlayTimeoutException}.
     */
    public static Result exec(List<String> command, Map<String, String> env, String stdin, Duration timeout) {
        Path out = null;
        Path err = null;
        Path in = null;
        long started = System.nanoTime();
        try {
            out = Files.createTempFile("okcli", ".out");
            err = Files.createTempFile("okcli", ".err");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            if (stdin != null) {
                in = Files.createTempFile("okcli", ".in");
                Files.writeString(in, stdin);
                pb.redirectInput(in.toFile());
            } else {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new OverlayTimeoutException(describe(command) + " did not finish within " + timeout
                        + "; stderr: " + Files.readString(err, StandardCharsets.UTF_8).strip());
            }
            Result r = new Result(List.copyOf(command), p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            LOG.log(System.Logger.Level.TRACE, () -> String.format("%s -> %d in %.1f ms", describe(command),
                    r.exitCode(), (System.nanoTime() - started) / 1e6));
            return r;
        } catch (IOException e) {
            throw new BackendException("cannot run " + describe(command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while running " + describe(command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
            deleteQuietly(in);
        }
    }

    /**
     * The command line that runs {@code command} inside {@code ns}: as is for the current namespace,
     * {@code ip netns exec} for a named one, {@code nsenter --net} for a namespace file.
     */
    public static List<String> inNamespace(io.overlaykit.core.NetNamespace ns, String... command) {
        if (ns.isCurrent()) {
            return List.of(command);
        }
        return ns.isNamed() ? inNamespace(ns.name(), command) : inNamespaceFile(ns.path(), command);
    }

    /** {@code ip netns exec NS cmd...} for a named namespace. */
    public static List<String> inNamespace(String namespace, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(List.of(command));
        return full;
    }

    /** {@code nsenter --net=PATH cmd...} for a namespace file (a container's /proc/PID/ns/net). */
    public static List<String> inNamespaceFile(Path nsFile, String... command) {
        List<String> full = new ArrayList<>(List.of("nsenter", "--net=" + nsFile));
        full.addAll(List.of(command));
        return full;
    }

    /** True when {@code name} is an executable on PATH (or an absolute path that is executable). */
    public static boolean onPath(String name) {
        if (name.startsWith("/")) {
            return Files.isExecutable(Path.of(name));
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    static String describe(List<String> command) {
        return "'" + String.join(" ", command) + "'";
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "cannot delete " + p, e);
            }
        }
    }
}
