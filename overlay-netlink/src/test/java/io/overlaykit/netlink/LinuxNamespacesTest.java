package io.overlaykit.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.NetNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** LinuxNamespaces' helpers that need neither root nor a namespace of their own. */
class LinuxNamespacesTest {

    @Test
    void anErrorOnTheFreshThreadReachesTheCaller() {
        // before: only RuntimeException was caught, an Error left "success" and an empty /run/netns file
        assertThatThrownBy(() -> LinuxNamespaces.runOnFreshThread("create namespace okfn-x", () -> {
            throw new UnsatisfiedLinkError("okfn: no libc");
        })).isInstanceOf(UnsatisfiedLinkError.class).hasMessageContaining("okfn: no libc");
    }

    @Test
    void aRuntimeExceptionOnTheFreshThreadReachesTheCaller() {
        assertThatThrownBy(() -> LinuxNamespaces.runOnFreshThread("create namespace okfn-x", () -> {
            throw new IllegalStateException("okfn: boom");
        })).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sweepClosesOnlyEntriesOfProcessesThatAreGone() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long dead = p.pid();
        NetNamespace gone = NetNamespace.ofPid(dead);
        NetNamespace alive = NetNamespace.ofPid(ProcessHandle.current().pid());
        NetNamespace named = NetNamespace.named("okfn-never-created");
        Map<NetNamespace, String> cache = new ConcurrentHashMap<>(Map.of(gone, "g", alive, "a", named, "n"));
        List<String> closed = new ArrayList<>();

        NamespaceHandles.sweepDeadProcesses(cache, closed::add);

        assertThat(closed).containsExactly("g");
        assertThat(cache).containsOnlyKeys(alive, named); // named namespaces go through delete(), not the sweep
    }

    @Test
    void theCallTimeoutMustBePositive() {
        assertThatThrownBy(() -> new LinuxNamespaces(Duration.ZERO)).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> new LinuxNamespaces(null)).isInstanceOf(InvalidSpecException.class);
    }

    @org.junit.jupiter.api.Test
    void aSysctlOfSeveralDigitsIsReadWhole() throws Exception {
        java.nio.file.Path p = java.nio.file.Path.of("/proc/sys/kernel/pid_max");
        String whole;
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(p)) {
            whole = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
        }
        org.assertj.core.api.Assertions.assertThat(whole).hasSizeGreaterThan(1);
        org.assertj.core.api.Assertions.assertThat(LinuxNamespaces.readSysctlFile(p).trim()).isEqualTo(whole);
    }
}
