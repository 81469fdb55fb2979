package io.overlaykit.samples.bench;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.check.CheckReport;
import io.overlaykit.core.spec.ContainerSpec;
import io.overlaykit.core.spec.HostSpec;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spec.SwitchKind;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code overlay bench mesh}: a flat overlay of {@code hosts x containers} real podman containers on a lab,
 * applied; then an all-pairs ping mesh with iputils {@code ping} (every container pings every other, the
 * containers at once, a few pings at a time each) while {@code tcpdump} captures the lab wire; the kernel log's
 * "neighbor table overflow" lines before and after; the ARP requests between spec containers in the capture;
 * the permanent and dynamic IPv4 neighbour entries of the lab's namespaces; the connectivity matrix
 * ({@code verify}, in parallel) with its slowest pairs; teardown. The figures go to BENCHMARKS.md.
 */
public final class MeshBench {
    private static final Pattern ARP_REQUEST = Pattern.compile("Request who-has (\\S+?),? tell (\\S+?),");
    /** Pings a container runs at once, at most; fewer with many containers (about 1100 pings at once in all). */
    static final int PINGS_AT_ONCE = 11;
    static final int PINGS_IN_ALL = 1100;

    /** What to run. */
    public record Options(int hosts, int containersPerHost, SwitchKind switchKind) {
    }

    /** The figures of one run. */
    public record Result(Machine machine, Options options, Map<String, Object> figures) {
        /** The figures and the machine, ready for JSON. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", "mesh");
            m.put("machine", machine.toMap());
            m.put("hosts", options.hosts());
            m.put("containers_per_host", options.containersPerHost());
            m.put("switch", options.switchKind().id());
            m.putAll(figures);
            return m;
        }

        /** One line per figure. */
        public String toText() {
            StringBuilder sb = new StringBuilder("mesh: " + options.hosts() + " hosts x " + options.containersPerHost()
                    + " containers, " + options.switchKind().id() + " switch, on " + machine.describe() + "\n");
            figures.forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append('\n'));
            return sb.toString();
        }
    }

    private MeshBench() {
    }

    /** Runs the benchmark; {@code progress} gets one line per phase. */
    public static Result run(Options o, Consumer<String> progress) {
        Machine machine = Machine.current();
        String name = "okbm" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
        BenchSpec b = BenchSpec.of(name, o.switchKind(), o.hosts(), o.hosts() * o.containersPerHost());
        for (int h = 0; h < o.hosts(); h++) {
            b.host(h, false, BenchSpec.names(Character.toString((char) ('a' + h)), o.containersPerHost()));
        }
        OverlaySpec spec = b.build();
        Map<String, Object> f = new LinkedHashMap<>();
        long t = System.nanoTime();
        try (Lab lab = LabOverlay.labFor(spec).start(); LabOverlay lo = LabOverlay.connect(lab)) {
            f.put("lab_seconds", Table.round(WiringBench.since(t)));
            progress.accept("lab " + lab.prefix() + " up in " + Table.seconds(WiringBench.since(t)));
            t = System.nanoTime();
            lo.applyAll(spec);
            f.put("apply_seconds", Table.round(WiringBench.since(t)));
            progress.accept("applied in " + Table.seconds(WiringBench.since(t)));

            List<ContainerSpec> all = new ArrayList<>();
            List<NetNamespace> namespaces = new ArrayList<>();
            for (HostSpec h : spec.hosts()) {
                for (ContainerSpec c : h.containers()) {
                    all.add(c);
                    namespaces.add(lo.container(spec, h.name(), c.name()).namespace());
                }
            }
            int overflowsBefore = overflows();
            Path pcap = Files.createTempFile("overlaykit-bench-mesh-", ".pcap");
            Process capture = new ProcessBuilder("ip", "netns", "exec", lab.wireNamespace().name(), "tcpdump", "-i",
                    "any", "-n", "-U", "-w", pcap.toString(), "udp").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            List<String> lost;
            try {
                Thread.sleep(1000);
                t = System.nanoTime();
                lost = mesh(all, namespaces);
                f.put("mesh_pairs", all.size() * (all.size() - 1));
                f.put("mesh_lost", lost.size());
                f.put("mesh_seconds", Table.round(WiringBench.since(t)));
                progress.accept("ping mesh: " + f.get("mesh_pairs") + " pairs, " + lost.size() + " lost, "
                        + Table.seconds(WiringBench.since(t)));
                Thread.sleep(500);
            } finally {
                capture.destroy();
                capture.waitFor(10, TimeUnit.SECONDS);
            }
            f.put("overflow_lines", overflows() - overflowsBefore);
            Set<String> ips = new HashSet<>();
            all.forEach(c -> ips.add(c.ip().getHostAddress()));
            int[] arp = arpRequests(pcap, ips);
            Files.deleteIfExists(pcap);
            f.put("wire_vxlan_frames", arp[0]);
            f.put("wire_arp_requests_between_spec_containers", arp[1]);
            f.put("wire_arp_requests_other", arp[2]);
            int[] neigh = neighbours(namespaces, lab, spec);
            f.put("permanent_neighbour_entries", neigh[0]);
            f.put("dynamic_neighbour_entries", neigh[1]);
            f.put("gc_thresh3", read("/proc/sys/net/ipv4/neigh/default/gc_thresh3"));
            progress.accept("kernel log: " + f.get("overflow_lines") + " new overflow lines; wire: " + arp[1]
                    + " ARP requests between spec containers in " + arp[0] + " frames; neighbours: " + neigh[0]
                    + " permanent, " + neigh[1] + " dynamic");

            t = System.nanoTime();
            CheckReport report = lo.verifyAll(spec, Duration.ofSeconds(5));
            f.put("verify_probes", report.rows().size());
            f.put("verify_failed", report.failures().size());
            f.put("verify_seconds", Table.round(WiringBench.since(t)));
            f.put("verify_slowest", report.slowest(3).stream().map(p -> p.from() + " -> " + p.to() + " "
                    + p.kind() + " " + p.millis() + " ms").toList());
            progress.accept("verify: " + report.summary() + " in " + Table.seconds(WiringBench.since(t)));
            if (!lost.isEmpty()) {
                f.put("mesh_lost_first", lost.subList(0, Math.min(5, lost.size())));
            }
            t = System.nanoTime();
            lo.teardownAll(spec);
            f.put("teardown_seconds", Table.round(WiringBench.since(t)));
            return new Result(machine, o, f);
        } catch (IOException e) {
            throw new BackendException("bench mesh: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("bench mesh interrupted", e);
        }
    }

    /** Every container pings every other at once (a few at a time each); returns the pairs that got no reply. */
    static List<String> mesh(List<ContainerSpec> all, List<NetNamespace> namespaces) throws IOException,
            InterruptedException {
        List<Process> pingers = new ArrayList<>();
        int atOnce = Math.max(1, Math.min(PINGS_AT_ONCE, PINGS_IN_ALL / all.size()));
        for (int i = 0; i < all.size(); i++) {
            StringBuilder script = new StringBuilder();
            int n = 0;
            for (int k = 1; k < all.size(); k++) {
                String ip = all.get((i + k) % all.size()).ip().getHostAddress();
                script.append("(ping -c 1 -W 5 -q ").append(ip).append(" >/dev/null 2>&1 || echo LOST ").append(ip)
                        .append(") &\n");
                if (++n % atOnce == 0) {
                    script.append("wait\n");
                }
            }
            script.append("wait\n");
            pingers.add(new ProcessBuilder("nsenter", "--net=" + namespaces.get(i).path(), "sh", "-c",
                    script.toString()).redirectErrorStream(true).start());
        }
        List<String> lost = new ArrayList<>();
        for (int i = 0; i < pingers.size(); i++) {
            String out = new String(pingers.get(i).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            pingers.get(i).waitFor(10, TimeUnit.MINUTES);
            for (String line : out.split("\n")) {
                if (line.startsWith("LOST ")) {
                    lost.add(all.get(i).name() + " -> " + line.substring(5));
                }
            }
        }
        return lost;
    }

    /** {frames, ARP requests between two spec containers, other ARP requests} in a capture. */
    static int[] arpRequests(Path pcap, Set<String> specIps) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tcpdump", "-n", "-r", pcap.toString(), "udp port 4789")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(2, TimeUnit.MINUTES);
        int[] r = new int[3];
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            r[0]++;
            Matcher m = ARP_REQUEST.matcher(line);
            if (m.find()) {
                r[specIps.contains(m.group(1)) && specIps.contains(m.group(2)) ? 1 : 2]++;
            }
        }
        return r;
    }

    /** {permanent, dynamic} IPv4 neighbour entries in the containers' and hosts' namespaces. */
    private static int[] neighbours(List<NetNamespace> namespaces, Lab lab, OverlaySpec spec)
            throws IOException, InterruptedException {
        List<String> where = new ArrayList<>();
        namespaces.forEach(ns -> where.add("--net=" + ns.path()));
        spec.hosts().forEach(h -> where.add("--net=/run/netns/" + lab.host(h.name()).namespace().name()));
        int[] r = new int[2];
        for (String ns : where) {
            Process p = new ProcessBuilder("nsenter", ns, "ip", "-4", "neigh", "show")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(1, TimeUnit.MINUTES);
            for (String line : out.split("\n")) {
                if (!line.isBlank() && !line.contains("NOARP")) {
                    r[line.contains("PERMANENT") ? 0 : 1]++;
                }
            }
        }
        return r;
    }

    private static int overflows() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("dmesg").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(1, TimeUnit.MINUTES);
        int n = 0;
        for (String line : out.split("\n")) {
            n += line.contains("neighbor table overflow") ? 1 : 0;
        }
        return n;
    }

    /** A sysctl file in one read: procfs answers a read at a non-zero offset with EOF (Files.readString gets "1"). */
    private static String read(String file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(Path.of(file))) {
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.US_ASCII).strip();
        }
    }
}
