package io.overlaykit.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spi.Namespaces;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * TEST ONLY: a minimal {@link Namespaces} until the real one lands. Each {@link #callIn} runs on a new
 * platform thread that {@code setns}es into the namespace file and then dies, so no thread ever goes
 * back and no pool is left in a foreign namespace. Lifecycle goes through the {@code ip} CLI.
 */
final class TestNamespaces implements Namespaces {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;

    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int open(String path, int flags) throws LastErrorException;

        int setns(int fd, int nstype) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    @Override
    public NetNamespace create(String name) {
        Shell.run("ip", "netns", "add", name);
        return NetNamespace.named(name);
    }

    @Override
    public NetNamespace ensure(String name) {
        return listNamed().contains(name) ? NetNamespace.named(name) : create(name);
    }

    @Override
    public boolean delete(String name) {
        if (!listNamed().contains(name)) {
            return false;
        }
        Shell.run("ip", "netns", "del", name);
        return true;
    }

    @Override
    public boolean exists(NetNamespace ns) {
        return Files.exists(ns.path());
    }

    @Override
    public List<String> listNamed() {
        try (Stream<Path> files = Files.list(NetNamespace.NETNS_RUN_DIR)) {
            return files.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public <T> T callIn(NetNamespace ns, Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                if (!ns.isCurrent()) {
                    int fd = LibC.INSTANCE.open(ns.path().toString(), O_RDONLY | O_CLOEXEC);
                    try {
                        LibC.INSTANCE.setns(fd, CLONE_NEWNET);
                    } finally {
                        LibC.INSTANCE.close(fd);
                    }
                }
                result.complete(work.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "test-netns-" + ns.displayName());
        t.setDaemon(true);
        t.start();
        try {
            return result.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("callIn " + ns + " failed", e);
        }
    }

    @Override
    public String readSysctl(NetNamespace ns, String key) {
        return callIn(ns, () -> Files.readString(sysctlPath(key), StandardCharsets.US_ASCII).strip());
    }

    @Override
    public String writeSysctl(NetNamespace ns, String key, String value) {
        return callIn(ns, () -> {
            Path p = sysctlPath(key);
            String old = Files.readString(p, StandardCharsets.US_ASCII).strip();
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.write(value.getBytes(StandardCharsets.US_ASCII));
            }
            return old;
        });
    }

    private static Path sysctlPath(String key) {
        return Path.of("/proc/sys", key.replace('.', '/'));
    }
}
