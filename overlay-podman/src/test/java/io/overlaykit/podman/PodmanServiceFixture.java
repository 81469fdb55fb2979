package io.overlaykit.podman;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private {@code podman system service} for integration tests (until the testkit's own exists): its own
 * containers.conf (runc, cgroupfs, file events, rlimits this VM can grant), storage, run root and tmp dir
 * under one temporary directory, all removed on close.
 */
final class PodmanServiceFixture implements AutoCloseable {
    private final Path dir;
    private final Process process;
    private final Path socket;
    private boolean closed;

    private PodmanServiceFixture(Path dir, Process process, Path socket) {
        this.dir = dir;
        this.process = process;
        this.socket = socket;
    }

    /** What is missing to run the service here, or null. */
    static String missingPrerequisite() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "integration tests need root";
        }
        for (String tool : List.of("/usr/bin/podman", "/usr/sbin/runc", "/bin/busybox")) {
            if (!Files.isExecutable(Path.of(tool)) && which(Path.of(tool).getFileName().toString()) == null) {
                return tool + " is not installed";
            }
        }
        return null;
    }

    private static Path which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static PodmanServiceFixture start(String prefix) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(prefix + "-svc-");
        Path socket = dir.resolve("podman.sock");
        Files.writeString(dir.resolve("containers.conf"), String.join("\n",
                "[containers]",
                "default_ulimits = [\"nofile=20000:20000\", \"nproc=4096:4096\"]",
                "[engine]",
                "runtime = \"runc\"",
                "cgroup_manager = \"cgroupfs\"",
                "events_logger = \"file\"",
                "tmp_dir = \"" + dir.resolve("tmp") + "\"",
                ""));
        ProcessBuilder pb = new ProcessBuilder("podman", "--root", dir.resolve("storage").toString(),
                "--runroot", dir.resolve("run").toString(), "system", "service", "--time=0", "unix://" + socket)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("service.log").toFile());
        pb.environment().put("CONTAINERS_CONF", dir.resolve("containers.conf").toString());
        Process process = pb.start();
        PodmanServiceFixture fixture = new PodmanServiceFixture(dir, process, socket);
        try {
            fixture.awaitSocket();
            return fixture;
        } catch (IOException | RuntimeException | InterruptedException e) {
            fixture.close();
            throw e;
        }
    }

    private void awaitSocket() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("podman service exited: " + log());
            }
            if (Files.exists(socket)) {
                try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    return; // PodmanClient.connect does the _ping
                } catch (IOException notYet) {
                    // keep waiting
                }
            }
            Thread.sleep(50);
        }
        throw new IOException("podman service did not listen on " + socket + " within 20 s: " + log());
    }

    Path socket() {
        return socket;
    }

    /** The global flags that point the podman CLI (an independent oracle in tests) at this service's storage. */
    List<String> cli(String... args) {
        List<String> command = new ArrayList<>(List.of("podman", "--root", dir.resolve("storage").toString(),
                "--runroot", dir.resolve("run").toString()));
        command.addAll(List.of(args));
        return command;
    }

    String log() {
        try {
            String log = Files.readString(dir.resolve("service.log"), StandardCharsets.UTF_8);
            return log.length() > 2000 ? log.substring(log.length() - 2000) : log;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops the service, unmounts what its storage left mounted and deletes the directory. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            killLeftovers(dir);
            unmountUnder(dir);
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException e) {
            System.err.println("cleanup of " + dir + " incomplete: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Exec sessions leave conmon processes behind for minutes (--exit-delay), and their exit commands run
     * {@code podman container cleanup}, which mounts the storage again: stop every process that names our
     * directory, until none is left, before unmounting.
     */
    private static void killLeftovers(Path dir) throws InterruptedException {
        String marker = dir.toString();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            List<ProcessHandle> ours = ProcessHandle.allProcesses()
                    .filter(p -> p.info().arguments().map(args -> String.join(" ", args).contains(marker)).orElse(false))
                    .toList();
            if (ours.isEmpty()) {
                return;
            }
            ours.forEach(ProcessHandle::destroy);
            for (ProcessHandle p : ours) {
                try {
                    p.onExit().get(2, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    p.destroyForcibly();
                }
            }
            Thread.sleep(100);
        }
    }

    private static void unmountUnder(Path dir) throws IOException, InterruptedException {
        List<String> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String target = line.split(" ")[1].replace("\\040", " ");
            if (target.startsWith(dir.toString())) {
                mounts.add(target);
            }
        }
        mounts.sort(Comparator.reverseOrder()); // deepest first
        for (String target : mounts) {
            new ProcessBuilder("umount", "-l", target).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
