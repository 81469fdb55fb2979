package io.overlaykit.core.internal.engine;

import io.overlaykit.core.OverlayException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What OverlayKit found and added on one host for one spec, so that teardown (also after a crash) restores
 * exactly that: the previous {@code ip_forward}, listen addresses we added, the firewall tables we applied,
 * the previous resolv.conf and sysctls of existing containers. A small properties file in the host's state
 * directory, read once per operation into the snapshot and rewritten whole (by rename, so a crash never
 * leaves half a file) by the state changes of a plan. Callers hold the host's {@link HostLock}.
 */
public final class HostStateFile {
    public static final String IP_FORWARD = "ip_forward.previous";
    /** What IPv6 forwarding was before a dual-stack spec turned it on. */
    public static final String IP6_FORWARD = "ip6_forward.previous";
    /** The host's firewall table as applied, in {@link FirewallCodec}'s form; per container with a suffix. */
    public static final String FIREWALL = "firewall.";
    public static final String ADDRESS_PREFIX = "address.added.";
    public static final String RESOLV_PREFIX = "resolv.previous.";
    /** An existing container whose /etc/hosts we created: teardown removes the file, not only our block. */
    public static final String HOSTS_CREATED_PREFIX = "hosts.created.";
    public static final String SYSCTL_PREFIX = "sysctl.previous.";

    private final Path dir;
    private final Path file;

    public HostStateFile(Path dir) {
        this.dir = dir;
        this.file = dir.resolve("state.properties");
    }

    /** The key of the firewall record of the host ({@code null}) or of a container. */
    public static String firewallKey(String container) {
        return FIREWALL + (container == null ? "host" : "container." + container);
    }

    public Path dir() {
        return dir;
    }

    /** Everything recorded, sorted by key; empty when there is no file. */
    public Map<String, String> read() {
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

    /** Replaces the file with {@code entries} (removes it when they are empty). */
    public void write(Map<String, String> entries) {
        try {
            if (entries.isEmpty()) {
                Files.deleteIfExists(file);
                return;
            }
            createPrivateDirectories(dir);
            Properties p = new Properties();
            p.putAll(entries);
            Path tmp = dir.resolve("state.properties.tmp");
            Files.deleteIfExists(tmp);
            // root only: the state names what teardown restores, and later keys
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "OverlayKit host state: what teardown must restore");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new OverlayException("cannot write state file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates {@code dir} and its missing parents as {@code rwx------}: what teardown must restore (previous
     * sysctls, resolv.conf, addresses) is root's alone to read and change.
     */
    public static void createPrivateDirectories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    /** Removes the state directory and everything in it. */
    public void delete() {
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

    /** Entries of {@code state} whose key starts with {@code prefix}, the prefix stripped. */
    public static Map<String, String> withPrefix(Map<String, String> state, String prefix) {
        Map<String, String> out = new TreeMap<>();
        state.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }
}
