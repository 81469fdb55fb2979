package io.overlaykit.core.plan;

import io.overlaykit.core.OverlayException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What OverlayKit found and added on one host for one spec, kept in a small properties file in the
 * host's state directory so teardown (also after a crash) restores exactly that: the previous
 * {@code ip_forward}, listen addresses we added, the previous resolv.conf of existing containers.
 * Each put/remove reads and rewrites the whole file: callers hold the host's {@link HostLock} (apply and
 * teardown do), since every plan has its own HostState and {@code synchronized} guards only that one.
 */
final class HostState {
    static final String IP_FORWARD = "ip_forward.previous";
    static final String FIREWALL_HASH = "firewall.applied";
    static final String ADDRESS_PREFIX = "address.added.";
    static final String RESOLV_PREFIX = "resolv.previous.";
    static final String SYSCTL_PREFIX = "sysctl.previous.";

    private final Path dir;
    private final Path file;

    HostState(Path dir) {
        this.dir = dir;
        this.file = dir.resolve("state.properties");
    }

    Path dir() {
        return dir;
    }

    synchronized String get(String key) {
        return load().get(key);
    }

    synchronized void put(String key, String value) {
        Map<String, String> m = load();
        m.put(key, value);
        store(m);
    }

    synchronized void remove(String key) {
        Map<String, String> m = load();
        if (m.remove(key) != null) {
            store(m);
        }
    }

    /** Entries whose key starts with {@code prefix}, the prefix stripped. */
    synchronized Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        load().forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    synchronized Map<String, String> all() {
        return load();
    }

    /** Removes the state directory and everything in it. */
    synchronized void delete() {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new OverlayException("cannot remove state directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private Map<String, String> load() {
        Map<String, String> m = new TreeMap<>();
        if (!Files.exists(file)) {
            return m;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new OverlayException("cannot read state file " + file + ": " + e.getMessage(), e);
        }
        p.forEach((k, v) -> m.put((String) k, (String) v));
        return m;
    }

    private void store(Map<String, String> m) {
        try {
            if (m.isEmpty()) {
                Files.deleteIfExists(file);
                return;
            }
            Files.createDirectories(dir);
            Properties p = new Properties();
            p.putAll(m);
            Path tmp = dir.resolve("state.properties.tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "OverlayKit host state: what teardown must restore");
            }
            // rename so a crash never leaves half a file
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new OverlayException("cannot write state file " + file + ": " + e.getMessage(), e);
        }
    }
}
