package io.overlaykit.samples.cli;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.OverlayTimeoutException;
import io.overlaykit.core.spi.Namespaces;
import io.overlaykit.testkit.Lab;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code overlay serve} as a background process inside a lab host's namespace, the way a real host runs the
 * agent. The process is forked from a thread that entered the namespace, so it starts there (a child inherits
 * the namespaces of the thread that forks it); its pid goes into the lab's run directory for {@code lab down}.
 */
final class BackgroundServe {
    private static final Duration READY = Duration.ofSeconds(30);
    private static final String MAIN = OverlayCli.class.getName();

    private BackgroundServe() {
    }

    /** The pid file of the background {@code overlay serve} of {@code host} in a lab's run directory. */
    static Path pidFile(Path runDir, String host) {
        return runDir.resolve("serve-" + host + ".pid");
    }

    /** Where the background {@code overlay serve} of {@code host} logs. */
    static Path log(Path runDir, String host) {
        return runDir.resolve("serve-" + host + ".log");
    }

    /** Starts {@code overlay serve SPEC --host HOST} in the host's namespace; returns its pid once it serves. */
    static long start(Path spec, String host, Lab lab, Namespaces namespaces) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(absoluteClassPath());
        cmd.add(MAIN);
        cmd.addAll(List.of("serve", spec.toAbsolutePath().toString(), "--host", host, "--json"));
        Path log = log(lab.runDir(), host);
        Path pidFile = pidFile(lab.runDir(), host);
        Process p = namespaces.callIn(lab.host(host).namespace(), () -> new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start());
        try {
            Files.writeString(pidFile, p.pid() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            p.destroyForcibly();
            throw new BackendException("cannot write " + pidFile + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            String text = read(log);
            if (text.contains("\"event\":\"serving\"")) {
                return p.pid();
            }
            if (!p.isAlive()) {
                throw new BackendException("overlay serve for host " + host + " exited with " + p.exitValue() + ": "
                        + text.strip());
            }
            sleep(100);
        }
        p.destroyForcibly();
        throw new OverlayTimeoutException("overlay serve for host " + host + " did not start serving within "
                + READY.toSeconds() + " s; log: " + log);
    }

    /**
     * Stops every background serve of the lab with run directory {@code runDir} (SIGTERM, then SIGKILL after
     * 10 s); returns how many ran.
     */
    static int stopAll(Path runDir) {
        if (!Files.isDirectory(runDir)) {
            return 0;
        }
        int stopped = 0;
        try (Stream<Path> files = Files.list(runDir)) {
            for (Path f : files.filter(x -> x.getFileName().toString().matches("serve-.*\\.pid")).toList()) {
                Optional<ProcessHandle> ph = ProcessHandle.of(Long.parseLong(read(f).trim()));
                // Only our own process: a pid may have been reused since.
                if (ph.isPresent() && ph.get().info().commandLine().orElse("").contains(MAIN)) {
                    ph.get().destroy();
                    try {
                        ph.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception e) {
                        ph.get().destroyForcibly();
                    }
                    stopped++;
                }
                Files.deleteIfExists(f);
            }
        } catch (IOException | NumberFormatException e) {
            throw new BackendException("cannot stop overlay serve in " + runDir + ": " + e.getMessage(), e);
        }
        return stopped;
    }

    private static String absoluteClassPath() {
        List<String> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            out.add(Path.of(entry).toAbsolutePath().toString());
        }
        return String.join(File.pathSeparator, out);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OverlayTimeoutException("interrupted while waiting for overlay serve", e);
        }
    }
}
