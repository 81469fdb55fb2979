package io.overlaykit.ovs;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The client's mirror of the monitored tables. Each notification (and each monitor's initial contents) is
 * applied as one atomic edit on the connection's reader thread, in stream order: readers never see half an
 * update, and when a {@code transact} returns, the changes the server sent before its reply (ovsdb-server
 * flushes every pending update before any reply) are already here. Rebuilt from scratch after a reconnect.
 * Thread-safe; rows are immutable. Every edit advances {@link #generation()}, so a reader can tell whether
 * anything changed since it last looked, and wait for the next change.
 */
public final class TableCache {
    private static final System.Logger LOG = System.getLogger(TableCache.class.getName());

    /** Told about every row change, on the reader thread, after the edit: keep it short. */
    public interface Listener {
        /** {@code oldRow} null: inserted; {@code newRow} null: deleted. */
        void onChange(String table, UUID uuid, Row oldRow, Row newRow);
    }

    private record Event(String table, UUID uuid, Row oldRow, Row newRow) {
    }

    private final Map<String, Map<UUID, Row>> tables = new HashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private long generation;

    TableCache() {
    }

    /** The rows of {@code table} (a snapshot; empty when not monitored). */
    public synchronized List<Row> rows(String table) {
        return new ArrayList<>(tables.getOrDefault(table, Map.of()).values());
    }

    /** One row by uuid, or null. */
    public synchronized Row row(String table, UUID uuid) {
        return tables.getOrDefault(table, Map.of()).get(uuid);
    }

    /** The first row whose {@code column} holds {@code value} (a scalar or optional column). */
    public synchronized Optional<Row> find(String table, String column, Object value) {
        return tables.getOrDefault(table, Map.of()).values().stream()
                .filter(r -> Objects.equals(r.getOptional(column), value)).findFirst();
    }

    /** Monitored tables that hold at least one row. */
    public synchronized Set<String> tables() {
        return Set.copyOf(tables.keySet());
    }

    /** Advances with every applied edit (a notification, a monitor's initial rows, a cleared table). */
    public synchronized long generation() {
        return generation;
    }

    /** Tells {@code listener} (not null) about every row change from now on. */
    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Stops telling {@code listener}; nothing happens when it was not added. */
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** Runs {@code reader} while no edit can happen: several reads that see one consistent state. */
    synchronized <T> T read(Supplier<T> reader) {
        return reader.get();
    }

    /**
     * Waits until {@link #generation()} is past {@code seen} or {@code deadlineNanos} ({@link System#nanoTime()})
     * passes; true when something changed.
     */
    synchronized boolean awaitChange(long seen, long deadlineNanos) throws InterruptedException {
        while (generation == seen) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Applies {@code edits} atomically, then tells the listeners. */
    void edit(Consumer<Editor> edits) {
        Editor editor = new Editor();
        synchronized (this) {
            edits.accept(editor);
            generation++;
            notifyAll();
        }
        for (Event e : editor.events) {
            fire(e);
        }
    }

    /** Forgets the given tables (a cancelled monitor). */
    void clear(Collection<String> names) {
        edit(e -> e.clear(names));
    }

    /** Changes inside one {@link #edit}; only valid while it runs. */
    final class Editor {
        private final List<Event> events = new ArrayList<>();

        private Editor() {
        }

        Row get(String table, UUID uuid) {
            return tables.getOrDefault(table, Map.of()).get(uuid);
        }

        void put(String table, UUID uuid, Row row) {
            Row stored = row.with("_uuid", uuid);
            Row old = tables.computeIfAbsent(table, t -> new HashMap<>()).put(uuid, stored);
            events.add(new Event(table, uuid, old, stored));
        }

        void remove(String table, UUID uuid) {
            Map<UUID, Row> t = tables.get(table);
            Row old = t == null ? null : t.remove(uuid);
            if (old != null) {
                events.add(new Event(table, uuid, old, null));
            }
        }

        void clear(Collection<String> names) {
            for (String n : names) {
                Map<UUID, Row> t = tables.remove(n);
                if (t != null) {
                    t.forEach((u, r) -> events.add(new Event(n, u, r, null)));
                }
            }
        }
    }

    private void fire(Event e) {
        for (Listener l : listeners) {
            try {
                l.onChange(e.table(), e.uuid(), e.oldRow(), e.newRow());
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "cache listener failed on " + e.table() + " " + e.uuid(), ex);
            }
        }
    }
}
