package io.overlaykit.testkit.internal;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.OverlayTimeoutException;
import io.overlaykit.podman.PodmanClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The lab's private {@code podman system service}: its own containers.conf (runc, cgroupfs, rlimits this
 * machine allows), its own storage and run root under the lab directory (so nothing it makes can outlive
 * the lab or mix with the user's containers), and the busybox test image imported into it.
 */
public final class PodmanService {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    static final Duration PING_CONNECT = Duration.ofMillis(500);
    static final Duration PING_READ = Duration.ofSeconds(1);

    private PodmanService() {
    }

    public static Path socket(Path dir) {
        return dir.resolve("podman.sock");
    }

    /** Starts the service for a lab (state in {@code dir}) and waits until {@code _ping} answers. */
    public static void start(LabState state, Path dir) {
        Path conf = dir.resolve("containers.conf");
        Path storage = dir.resolve("storage");
        Path runRoot = dir.resolve("run");
        Path pidfile = dir.resolve("service.pid");
        try {
            Files.createDirectories(dir.resolve("tmp"));
            Files.writeString(conf, containersConf(dir), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BackendException("cannot prepare podman directory " + dir + ": " + e.getMessage(), e);
        }
        state.recordPodman(storage, runRoot, conf);
        state.recordPidfile(pidfile);
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder("podman", "--root", storage.toString(), "--runroot",
                    runRoot.toString(), "system", "service", "--time=0", "unix://" + socket(dir))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("service.log").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("CONTAINERS_CONF", conf.toString());
            p = pb.start();
            Files.writeString(pidfile, Long.toString(p.pid()));
        } catch (IOException e) {
            throw new BackendException("cannot start podman system service in " + dir + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!ping(socket(dir))) {
            if (!p.isAlive()) {
                throw new BackendException("podman system service exited with " + p.exitValue() + ": "
                        + tail(dir.resolve("service.log")));
            }
            if (System.nanoTime() > deadline) {
                // A partial start cleans itself: the caller gets no handle to a service that never answered.
                p.destroyForcibly();
                throw new OverlayTimeoutException("podman service on " + socket(dir) + " did not answer _ping within "
                        + READY_TIMEOUT + ": " + tail(dir.resolve("service.log")));
            }
            try {
                sleep(25);
            } catch (BackendException e) {
                p.destroyForcibly();
                throw e;
            }
        }
    }

    /**
     * Kills the service with SIGKILL and waits until it is gone; the containers keep running (conmon holds
     * them), as after a crash of a real host's service. {@link #start} brings it back on the same storage.
     */
    public static void kill(Path dir) {
        Path pidfile = dir.resolve("service.pid");
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidfile).trim());
        } catch (IOException | NumberFormatException e) {
            throw new BackendException("cannot read the podman service pid from " + pidfile + ": " + e.getMessage(), e);
        }
        ProcessInfo.killAndWait(pid, socket(dir).toString(), "podman system service");
        try {
            Files.deleteIfExists(socket(dir));
        } catch (IOException e) {
            throw new BackendException("cannot remove " + socket(dir) + ": " + e.getMessage(), e);
        }
    }

    /** Imports the busybox test image as {@code name} through the SDK unless the service already has it. */
    public static void importImage(PodmanClient podman, String name) {
        if (!podman.imageExists(name)) {
            // A default command, as `podman import --change` would set it, so a spec may omit "command".
            podman.importImage(new ByteArrayInputStream(TestImage.build()), name, List.of("CMD [\"/bin/sh\"]"));
        }
    }

    /**
     * Answers true when a podman service answers {@code _ping} on the socket, within {@link #PING_CONNECT} +
     * {@link #PING_READ}: a service that accepts but hangs must not hold the ready loop past its timeout.
     */
    static boolean ping(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (PodmanClient c = PodmanClient.connect(socket, PING_CONNECT, PING_READ)) {
            return true;
        } catch (OverlayException e) {
            return false;
        }
    }

    static String containersConf(Path dir) {
        // The rlimits must not exceed this machine's (no CAP_SYS_RESOURCE); crun fails here, runc works.
        return """
                [containers]
                default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]

                [engine]
                runtime = "runc"
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                events_logfile_path = "%s"
                tmp_dir = "%s"
                """.formatted(dir.resolve("events.log"), dir.resolve("tmp"));
    }

    private static String tail(Path log) {
        try {
            String s = Files.readString(log, StandardCharsets.UTF_8).strip();
            return s.length() > 600 ? s.substring(s.length() - 600) : s;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while waiting for podman", e);
        }
    }
}
