package io.overlaykit.testkit.internal;

import io.overlaykit.core.BackendException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * The record of one lab run under {@code /run/overlaykit-lab/PREFIX/}: who owns it and everything it made.
 * Each resource is written down <em>before</em> it is created, so that teardown — by {@code close()}, the
 * shutdown hook or a later run's sweeper — finds it even when the owner died half-way.
 *
 * <p>Files: {@code owner} (pid and process start time), {@code namespaces}, {@code pidfiles} (daemon
 * pidfiles), {@code podman} (root, runroot and containers.conf of the lab's podman), {@code dirs}
 * (temporary directories), and {@code layout} ({@link LabLayout}: the lab's shape, for another process that
 * attaches). One entry per line; the record files are only appended to, except {@code owner} and
 * {@code layout}, which are replaced atomically.
 */
public final class LabState {
    /** Where every lab run keeps its record. */
    public static final Path STATE_ROOT = Path.of("/run/overlaykit-lab");

    static final String OWNER = "owner";
    static final String NAMESPACES = "namespaces";
    static final String PIDFILES = "pidfiles";
    static final String PODMAN = "podman";
    static final String DIRS = "dirs";

    private final String prefix;
    private final Path dir;

    private LabState(String prefix, Path dir) {
        this.prefix = prefix;
        this.dir = dir;
    }

    /** The record of the run with this prefix (it may not exist). */
    public static LabState of(String prefix) {
        return new LabState(prefix, STATE_ROOT.resolve(prefix));
    }

    /** Creates the record for a new run owned by this process; fails if the prefix is taken. */
    public static LabState create(String prefix) {
        LabState state = of(prefix);
        try {
            Files.createDirectories(STATE_ROOT);
            Files.createDirectory(state.dir);
            state.writeOwner(ProcessHandle.current().pid());
            return state;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new io.overlaykit.core.ConflictException("a lab with prefix '" + prefix
                    + "' is already running (state in " + state.dir + ")", e);
        } catch (IOException e) {
            throw new BackendException("cannot create lab state " + state.dir + ": " + e.getMessage(), e);
        }
    }

    /** A fresh run prefix: {@code ok} plus four random base-36 characters. */
    public static String randomPrefix() {
        java.security.SecureRandom r = new java.security.SecureRandom();
        StringBuilder sb = new StringBuilder("ok");
        for (int i = 0; i < 4; i++) {
            sb.append(Character.forDigit(r.nextInt(36), 36));
        }
        return sb.toString();
    }

    /** All run records on this machine, ours and other processes'. */
    public static List<LabState> all() {
        if (!Files.isDirectory(STATE_ROOT)) {
            return List.of();
        }
        try (var s = Files.list(STATE_ROOT)) {
            return s.filter(Files::isDirectory)
                    .map(p -> new LabState(p.getFileName().toString(), p))
                    .toList();
        } catch (IOException e) {
            throw new BackendException("cannot list " + STATE_ROOT + ": " + e.getMessage(), e);
        }
    }

    /** The run's prefix. */
    public String prefix() {
        return prefix;
    }

    /** The record's directory, {@code /run/overlaykit-lab/PREFIX}. */
    public Path dir() {
        return dir;
    }

    /** True while the record exists (the lab runs, or a dead run waits for the sweeper). */
    public boolean exists() {
        return Files.isDirectory(dir);
    }

    /**
     * Writes the owner as {@code PID STARTTIME}: the start time guards against a recycled pid. Written
     * atomically so that a sweeper never sees half a line. Tests use this to simulate a dead owner.
     */
    public void writeOwner(long pid) {
        writeAtomically(OWNER, pid + " " + ProcessInfo.startTime(pid).orElse("0") + "\n");
    }

    /** Replaces record file {@code file} with {@code content} so that a reader sees the old or the new, whole. */
    public void writeAtomically(String file, String content) {
        Path tmp = dir.resolve(file + ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new BackendException("cannot write " + file + " of lab '" + prefix + "': " + e.getMessage(), e);
        }
    }

    /**
     * Marks the run as persistent (a lab brought up from a spec by a command that exits): the sweeper leaves
     * it alone; only an explicit teardown by prefix removes it.
     */
    public void markPersistent() {
        writeAtomically(OWNER, "persistent " + ProcessHandle.current().pid() + "\n");
    }

    /**
     * True when the owning process is gone (or the record has no owner and is older than
     * {@code graceMillis}: a run that died between creating its directory and naming its owner).
     */
    public boolean ownerDead(long graceMillis) {
        Path owner = dir.resolve(OWNER);
        try {
            if (!Files.exists(owner)) {
                return Files.getLastModifiedTime(dir).toMillis() < System.currentTimeMillis() - graceMillis;
            }
            String[] parts = Files.readString(owner, StandardCharsets.UTF_8).trim().split("\\s+");
            if (parts[0].equals("persistent")) {
                return false;
            }
            long pid = Long.parseLong(parts[0]);
            Optional<String> start = ProcessInfo.startTime(pid);
            return start.isEmpty() || (parts.length > 1 && !parts[1].equals("0") && !parts[1].equals(start.get()));
        } catch (IOException | RuntimeException e) {
            return !Files.exists(dir);
        }
    }

    /** Appends an entry to one of the record files (before the resource is created). */
    public void record(String file, String entry) {
        try {
            Files.writeString(dir.resolve(file), entry + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new BackendException("cannot record " + file + " entry '" + entry + "' for lab '" + prefix
                    + "': " + e.getMessage(), e);
        }
    }

    /** Records a namespace the run is about to create. */
    public void recordNamespace(String name) {
        record(NAMESPACES, name);
    }

    /** Records the pidfile of a daemon the run is about to start. */
    public void recordPidfile(Path pidfile) {
        record(PIDFILES, pidfile.toString());
    }

    /** Records a temporary directory the run is about to create. */
    public void recordDir(Path tempDir) {
        record(DIRS, tempDir.toString());
    }

    /** Records the lab's podman: its storage root, run root and containers.conf, tab-separated. */
    public void recordPodman(Path root, Path runRoot, Path conf) {
        record(PODMAN, root + "\t" + runRoot + "\t" + conf);
    }

    /** The entries of a record file, in the order written; empty when the file does not exist. */
    public List<String> entries(String file) {
        Path p = dir.resolve(file);
        try {
            return Files.exists(p)
                    ? Files.readAllLines(p, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList()
                    : List.of();
        } catch (IOException e) {
            throw new BackendException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "LabState[" + prefix + " at " + dir + "]";
    }
}
