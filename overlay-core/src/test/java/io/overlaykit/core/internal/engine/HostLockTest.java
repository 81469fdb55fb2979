package io.overlaykit.core.internal.engine;

import io.overlaykit.core.plan.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.Overlay;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-host state lock: threads of this JVM, another process, a teardown deleting the lock file. */
class HostLockTest {
    @TempDir
    Path tmp;

    @Test
    void applyAndTeardownWaitForTheHolderInThisProcess() throws Exception {
        World w = new World(tmp, "hostA", true);
        Overlay overlay = Overlay.of(Specs.twoHosts());
        Path dir = w.host.stateDir("okcore");
        CompletableFuture<ApplyResult> apply;
        try (HostLock held = HostLock.acquire(dir, "test")) {
            assertThat(dir.resolve(HostLock.FILE)).exists();
            assertThat(lockHolder(dir)).as("the file is locked too").isEqualTo(ProcessHandle.current().pid());
            try (HostLock nested = HostLock.acquire(dir, "nested")) {
                assertThat(nested).as("reentrant for the holder").isNotNull();
            }
            apply = CompletableFuture.supplyAsync(() -> overlay.apply(w.host));
            assertThatThrownBy(() -> apply.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        }
        assertThat(apply.get(10, TimeUnit.SECONDS).changed()).isEqualTo(39);
        assertThat(dir.resolve(HostLock.FILE)).as("released; the file stays beside the state").exists();
        CompletableFuture<?> teardown;
        try (HostLock held = HostLock.acquire(dir, "test")) {
            teardown = CompletableFuture.supplyAsync(() -> overlay.teardown(w.host));
            assertThatThrownBy(() -> teardown.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        }
        teardown.get(10, TimeUnit.SECONDS);
        assertThat(dir).as("teardown leaves no lock file behind").doesNotExist();
    }

    @Test
    void anotherProcessHoldingTheLockMakesUsWaitAndItsDeletingTheFileDoesNotBreakIt() throws Exception {
        Path dir = tmp.resolve("state/spec/host");
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                Holder.class.getName(), dir.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked");
            assertThat(lockHolder(dir)).isEqualTo(child.pid());
            // the lock is the acquiring thread's: take, check and release it on one thread
            CompletableFuture<Long> ours = CompletableFuture.supplyAsync(() -> {
                try (HostLock lock = HostLock.acquire(dir, "test")) {
                    return lockHolder(dir); // of the file that is there now, not of the deleted one
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThatThrownBy(() -> ours.get(500, TimeUnit.MILLISECONDS)).as("the other process holds it")
                    .isInstanceOf(TimeoutException.class);
            OutputStream in = child.getOutputStream();
            in.write("delete\n".getBytes(StandardCharsets.UTF_8)); // as a teardown does, then release
            in.flush();
            assertThat(ours.get(10, TimeUnit.SECONDS)).isEqualTo(ProcessHandle.current().pid());
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isZero();
            assertThat(dir).as("nothing but the lock was left: removed on release").doesNotExist();
        } finally {
            child.destroyForcibly();
        }
    }

    /** The pid holding a POSIX lock on the file at {@code dir/lock} now, from /proc/locks, or -1. */
    private static long lockHolder(Path dir) throws Exception {
        long inode = (Long) Files.getAttribute(dir.resolve(HostLock.FILE), "unix:ino");
        for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
            String[] f = line.trim().split("\\s+");
            // 1: POSIX  ADVISORY  WRITE 1822 fe:00:2173883 0 EOF
            if (f.length >= 6 && f[1].equals("POSIX") && f[3].equals("WRITE") && f[5].endsWith(":" + inode)) {
                return Long.parseLong(f[4]);
            }
        }
        return -1;
    }

    /** The other process: takes the lock, waits for a line, deletes the state directory and releases. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            try (HostLock lock = HostLock.acquire(dir, "holder")) {
                Files.writeString(dir.resolve("state.properties"), "x=y\n");
                System.out.println("locked");
                System.out.flush();
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                new HostStateFile(dir).delete();
            }
        }
    }
}
