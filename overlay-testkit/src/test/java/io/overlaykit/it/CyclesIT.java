package io.overlaykit.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.testkit.HostOracle;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabHost;
import io.overlaykit.testkit.LabOverlay;
import io.overlaykit.testkit.WithLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@value #CYCLES} apply/teardown cycles in a row on a two-host lab, both switches, in one JVM: afterwards every
 * host is as the oracles saw it after the first cycle (links, addresses, routes, neighbours, FDB, OVS rows,
 * nft ruleset, sysctls, containers, state: multisets), and this process holds the same descriptors (the
 * set), its threads sit in no network namespace they were not in before (none left in a container's), and the
 * same threads of ours run (by name, counted; the lab hosts' namespace threads, which end after 30 s idle and
 * come back on use, at most one per stack).
 */
@WithLab(ovs = true, podman = true)
class CyclesIT {
    static final int CYCLES = 20;

    @ParameterizedTest
    @ValueSource(strings = {"ovs", "linux"})
    void twentyApplyTeardownCyclesLeakNothing(String sw) throws Exception {
        String name = "okcyc" + sw.charAt(0);
        OverlaySpec spec = OverlaySpec.read("""
                {"name": "%s", "vni": 5096, "subnet": "10.96.0.0/16", "switch": "%s",
                 "hosts": [
                  {"name": "hostA", "underlay": "192.0.2.2", "gateway": "10.96.0.1",
                   "containers": [{"name": "a1", "ip": "10.96.1.1", "image": "%3$s", "command": ["sh", "-c", "sleep 3600"]}],
                   "forwards": [{"listen": "192.0.2.5:8080", "target": "10.96.2.1:9000"}]},
                  {"name": "hostB", "underlay": "192.0.2.3", "gateway": "10.96.0.2",
                   "containers": [{"name": "b1", "ip": "10.96.2.1", "image": "%3$s", "command": ["sh", "-c", "sleep 3600"]}]}
                 ]}
                """.formatted(name, sw, Lab.TEST_IMAGE));
        try (Lab lab = LabOverlay.labFor(spec).start(); LabOverlay overlay = LabOverlay.connect(lab)) {
            cycle(overlay, spec); // the first cycle opens what stays open (host handles, OVS connections)
            settle();
            Map<String, HostOracle.Snapshot> hosts = snapshots(lab, overlay, spec);
            List<String> fds = openFds();
            Map<String, Integer> threads = ourThreads();
            List<String> threadNamespaces = threadNamespaces();
            long t0 = System.nanoTime();
            for (int i = 2; i <= CYCLES; i++) {
                cycle(overlay, spec);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            settle();
            Map<String, HostOracle.Snapshot> after = snapshots(lab, overlay, spec);
            hosts.forEach((h, s) -> assertThat(s.differences(after.get(h))).as(h + " after " + CYCLES + " cycles")
                    .isEmpty());
            assertThat(openFds()).as("descriptors of this process").containsExactlyElementsOf(fds);
            // The lab hosts' namespace threads come and go (an executor's thread ends after 30 s idle): at most
            // one per stack (the lab's and the overlay's). Every other thread of ours is there exactly as before.
            Map<String, Integer> now = ourThreads();
            assertThat(hostExecutors(now, name)).as("namespace threads of the lab hosts")
                    .allSatisfy((n, count) -> assertThat(count).isLessThanOrEqualTo(2));
            assertThat(withoutHostExecutors(now, name)).as("threads of ours")
                    .isEqualTo(withoutHostExecutors(threads, name));
            // none new: a thread left in a removed container's namespace would keep that namespace alive
            assertThat(threadNamespaces()).as("network namespaces this process's threads are in")
                    .isSubsetOf(threadNamespaces);
            System.out.printf("[%s] %d apply/teardown cycles (2 hosts) in %d ms after the first: nothing leaked "
                    + "(%d descriptors, %d threads of ours, %d namespaces held by threads)%n", name, CYCLES - 1, ms,
                    fds.size(), threads.values().stream().mapToInt(Integer::intValue).sum(), threadNamespaces.size());
        }
    }

    private static void cycle(LabOverlay overlay, OverlaySpec spec) {
        overlay.applyAll(spec);
        overlay.teardownAll(spec);
    }

    /** Gives the stack's sweeper (once a second) time to close the handles of the removed containers. */
    private static void settle() throws InterruptedException {
        Thread.sleep(2500);
    }

    private static Map<String, HostOracle.Snapshot> snapshots(Lab lab, LabOverlay overlay, OverlaySpec spec) {
        Map<String, HostOracle.Snapshot> out = new LinkedHashMap<>();
        for (LabHost h : lab.hosts()) {
            out.put(h.name(), HostOracle.snapshot(lab, h, overlay.host(h.name()).stateDir(spec.name())));
        }
        return out;
    }

    /** Sockets, pipes and anon inodes of this process as "fd -> target", sorted. */
    private static List<String> openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(p -> {
                try {
                    return p.getFileName() + " -> " + Files.readSymbolicLink(p);
                } catch (IOException e) {
                    return p.getFileName() + " -> (gone)";
                }
            }).filter(s -> s.contains("socket:") || s.contains("pipe:") || s.contains("anon_inode:") || s.contains("net:"))
                    .sorted().toList();
        }
    }

    private static Map<String, Integer> hostExecutors(Map<String, Integer> threads, String lab) {
        Map<String, Integer> out = new TreeMap<>(threads);
        out.keySet().removeIf(n -> !n.startsWith("overlaykit-netns-" + lab + "-"));
        return out;
    }

    private static Map<String, Integer> withoutHostExecutors(Map<String, Integer> threads, String lab) {
        Map<String, Integer> out = new TreeMap<>(threads);
        out.keySet().removeIf(n -> n.startsWith("overlaykit-netns-" + lab + "-"));
        return out;
    }

    /** Live threads whose name says they are OverlayKit's, counted by name with digits folded. */
    private static Map<String, Integer> ourThreads() {
        Map<String, Integer> out = new TreeMap<>();
        Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.toLowerCase(java.util.Locale.ROOT).contains("overlaykit") || n.startsWith("ok"))
                .forEach(n -> out.merge(n.replaceAll("\\d+", "#"), 1, Integer::sum));
        return out;
    }

    /** The network namespace of every thread of this process, as "net:[inode] xN", sorted. */
    private static List<String> threadNamespaces() throws IOException {
        Map<String, Integer> count = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    count.merge(Files.readSymbolicLink(t.resolve("ns/net")).toString(), 1, Integer::sum);
                } catch (IOException e) {
                    // the thread ended while we looked
                }
            }
        }
        return count.keySet().stream().toList();
    }
}
