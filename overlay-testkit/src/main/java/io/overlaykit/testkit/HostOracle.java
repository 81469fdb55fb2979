package io.overlaykit.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.testkit.internal.Cli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A lab host's state as tools we did not write report it, for "the host is as it was" assertions:
 * {@code ip -j -d link}, {@code ip -j addr}, routes (IPv4 and IPv6, every table), rules, permanent neighbours,
 * static FDB entries ({@code bridge -j fdb}), {@code nft -j list ruleset}, the IPv4/IPv6 {@code sysctl}s
 * of the namespace, the Bridge, Port and Interface rows of its OVSDB ({@code ovs-vsctl --format=json list}),
 * the lab's containers ({@code podman ps -a --format json}) and, when given, a state directory. Each view is
 * a multiset of canonical lines (one JSON object, one row, one file each, keys sorted, counters and
 * lifetimes left out), so two snapshots compare as multisets: a duplicate that appeared counts.
 */
public final class HostOracle {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * Fields that change by themselves: address lifetimes, route expiry, every {@code *_timer}, and a link's
     * {@code operstate}, which follows the carrier (a tap is UNKNOWN until its daemon reads it; restarting
     * ovs-vswitchd flips br-phy); the administrative state is in {@code flags}.
     */
    private static final Set<String> VOLATILE = Set.of("valid_life_time", "preferred_life_time", "expires",
            "operstate");
    private static final String OVS_BRIDGE = "name,ports,external_ids,datapath_type,other_config,fail_mode,protocols";
    private static final String OVS_PORT = "name,interfaces,external_ids,tag,trunks,other_config";
    private static final String OVS_INTERFACE = "name,type,options,external_ids,mtu_request";

    private HostOracle() {
    }

    /** One host's views; {@link #differences} compares two. */
    public record Snapshot(String host, Map<String, List<String>> views) {
        /** Copies {@code views} (view name to its lines). */
        public Snapshot {
            views = Map.copyOf(views);
        }

        /**
         * What differs from {@code after} as multisets, per view: {@code VIEW - LINE} for each copy only here,
         * {@code VIEW + LINE} for each copy only there; empty when equal.
         */
        public List<String> differences(Snapshot after) {
            List<String> out = new ArrayList<>();
            for (String view : views.keySet().stream().sorted().toList()) {
                Map<String, Integer> count = new LinkedHashMap<>();
                views.get(view).forEach(l -> count.merge(l, 1, Integer::sum));
                after.views.getOrDefault(view, List.of()).forEach(l -> count.merge(l, -1, Integer::sum));
                count.forEach((line, n) -> {
                    for (int i = 0; i < Math.abs(n); i++) {
                        out.add(view + (n > 0 ? " - " : " + ") + line);
                    }
                });
            }
            return out;
        }

        /** The lines of one view ({@code "ip link"}, {@code "nft"}, {@code "ovs Port"}, ...). */
        public List<String> view(String name) {
            return views.getOrDefault(name, List.of());
        }
    }

    /** The host's views, without a state directory. */
    public static Snapshot snapshot(Lab lab, LabHost host) {
        return snapshot(lab, host, null);
    }

    /** The host's views and the files under {@code stateDir} (path, mode, size, SHA-256), when not null. */
    public static Snapshot snapshot(Lab lab, LabHost host, Path stateDir) {
        NetNamespace ns = host.namespace();
        Map<String, List<String>> v = new HashMap<>();
        v.put("ip link", objects(in(ns, "ip", "-j", "-d", "link", "show")));
        v.put("ip addr", objects(in(ns, "ip", "-j", "addr", "show")));
        v.put("ip route", objects(in(ns, "ip", "-j", "route", "show", "table", "all")));
        v.put("ip -6 route", objects(in(ns, "ip", "-j", "-6", "route", "show", "table", "all")));
        v.put("ip rule", objects(in(ns, "ip", "-j", "rule", "show")));
        v.put("ip neigh", objects(in(ns, "ip", "-j", "neigh", "show")).stream()
                .filter(l -> l.contains("PERMANENT") || l.contains("NOARP")).toList()); // not what the kernel learned
        v.put("bridge fdb", objects(in(ns, "bridge", "-j", "fdb", "show")).stream()
                .filter(l -> l.contains("\"state\":\"permanent\"") || l.contains("\"state\":\"static\"")).toList());
        v.put("nft", nftables(in(ns, "nft", "-j", "list", "ruleset")));
        v.put("sysctl", List.of(in(ns, "sysctl", "-a", "-e", "-r",
                "^net\\.ipv4\\.(ip_forward$|conf\\.)|^net\\.ipv6\\.conf\\.").split("\n")));
        if (host.hasOvs()) {
            String db = "--db=" + host.ovsdbRemote();
            v.put("ovs Bridge", ovsRows(run("ovs-vsctl", db, "--format=json", "--columns=" + OVS_BRIDGE, "list", "Bridge")));
            v.put("ovs Port", ovsRows(run("ovs-vsctl", db, "--format=json", "--columns=" + OVS_PORT, "list", "Port")));
            v.put("ovs Interface", ovsRows(run("ovs-vsctl", db, "--format=json", "--columns=" + OVS_INTERFACE, "list",
                    "Interface")));
        }
        if (lab.hasPodman()) {
            v.put("podman", containers(run("podman", "--url", lab.podmanUrl(), "ps", "-a", "--format", "json")));
        }
        if (stateDir != null) {
            v.put("state", files(stateDir));
        }
        return new Snapshot(host.name(), v);
    }

    /**
     * Waits (at most 10 s) until no address of the host is still in IPv6 duplicate address detection: a
     * snapshot taken earlier would differ from a later one for the kernel's reasons, not ours.
     */
    public static void awaitSettled(LabHost host) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (in(host.namespace(), "ip", "-j", "addr", "show").contains("\"tentative\"")
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Waits (at most 20 s, then fails) until the lab's container list has stayed the same for one second. A process killed
     * in the middle of a podman request leaves that request to the podman service, which carries it out after
     * the client is gone (a container created a moment later): a teardown that lists the containers before
     * then cannot see it, on a real host as here.
     */
    public static void awaitPodmanIdle(Lab lab) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<String> last = null;
        while (System.nanoTime() < deadline) {
            // ids, states and names only: "Status" ("Up 3 seconds") changes every second
            List<String> now = new ArrayList<>();
            parse(run("podman", "--url", lab.podmanUrl(), "ps", "-a", "--format", "json")).forEach(c ->
                    now.add(c.path("Id").asText() + " " + c.path("State").asText() + " " + c.path("Names")));
            if (now.equals(last)) {
                return;
            }
            last = now;
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for podman to be idle", e);
            }
        }
        // a test that went on would compare against a list podman is still changing
        throw new AssertionError("podman's container list still changed after 20 s; last: " + last);
    }

    private static String in(NetNamespace ns, String... command) {
        return Cli.exec(Cli.inNamespace(ns, command), Map.of(), null, TIMEOUT).check().stdout();
    }

    private static String run(String... command) {
        return Cli.exec(List.of(command), Map.of(), null, TIMEOUT).check().stdout();
    }

    /** A JSON array as one canonical line per element. */
    static List<String> objects(String jsonArray) {
        JsonNode root = parse(jsonArray.isBlank() ? "[]" : jsonArray);
        List<String> out = new ArrayList<>();
        root.forEach(n -> out.add(canonical(n)));
        return out;
    }

    private static List<String> nftables(String json) {
        List<String> out = new ArrayList<>();
        parse(json).path("nftables").forEach(n -> {
            if (!n.has("metainfo")) {
                out.add(canonical(n));
            }
        });
        return out;
    }

    /** {@code ovs-vsctl --format=json}: {"headings": [...], "data": [[...], ...]}, a row per line. */
    private static List<String> ovsRows(String json) {
        JsonNode root = parse(json);
        List<String> headings = new ArrayList<>();
        root.path("headings").forEach(h -> headings.add(h.asText()));
        List<String> out = new ArrayList<>();
        for (JsonNode row : root.path("data")) {
            ObjectNode o = JSON.createObjectNode();
            for (int i = 0; i < headings.size(); i++) {
                o.set(headings.get(i), row.get(i));
            }
            out.add(canonical(o));
        }
        return out;
    }

    /** Name, state, image, labels and id of each container (not its uptime text). */
    private static List<String> containers(String json) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : parse(json.isBlank() ? "[]" : json)) {
            ObjectNode o = JSON.createObjectNode();
            for (String f : List.of("Names", "State", "Image", "Labels", "Id")) {
                o.set(f, c.get(f));
            }
            out.add(canonical(o));
        }
        return out;
    }

    private static List<String> files(Path dir) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<String> out = new ArrayList<>();
            for (Path p : walk.sorted().toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                out.add(dir.relativize(p) + " " + mode + (Files.isDirectory(p) ? " dir"
                        : " " + Files.size(p) + " " + sha256(Files.readAllBytes(p))));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("an oracle printed no JSON: " + json, e);
        }
    }

    private static String canonical(JsonNode n) {
        try {
            Object plain = JSON.treeToValue(n, Object.class);
            strip(plain);
            return JSON.writeValueAsString(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static void strip(Object o) {
        if (o instanceof Map<?, ?> m) {
            // the bridge's and its ports' timers (gc_timer, forward_delay_timer, ...) count down by themselves
            ((Map<String, Object>) m).keySet().removeIf(k -> VOLATILE.contains(k) || k.endsWith("_timer"));
            m.values().forEach(HostOracle::strip);
        } else if (o instanceof List<?> l) {
            l.forEach(HostOracle::strip);
        }
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
