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

/**
 * The client's mirror of the monitored tables. Updates are applied on the connection's reader thread
 * in stream order, so when a {@code transact} returns, the changes the server sent before its reply
 * are already here. Rebuilt from scratch after a reconnect. Thread-safe; rows are immutable.
 */
public final class TableCache {
    private static final System.Logger LOG = System.getLogger(TableCache.class.getName());

    /** Told about every row change, on the reader thread: keep it short. */
    public interface Listener {
        /** {@code oldRow} null: inserted; {@code newRow} null: deleted. */
        void onChange(String table, UUID uuid, Row oldRow, Row newRow);
    }

    private final Map<String, Map<UUID, Row>> tables = new HashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

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

    public void addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    synchronized Row get(String table, UUID uuid) {
        return row(table, uuid);
    }

    void put(String table, UUID uuid, Row row) {
        Row old;
        Row stored = row.with("_uuid", uuid);
        synchronized (this) {
            old = tables.computeIfAbsent(table, t -> new HashMap<>()).put(uuid, stored);
        }
        fire(table, uuid, old, stored);
    }

    void remove(String table, UUID uuid) {
        Row old;
        synchronized (this) {
            Map<UUID, Row> t = tables.get(table);
            old = t == null ? null : t.remove(uuid);
        }
        if (old != null) {
            fire(table, uuid, old, null);
        }
    }

    /** Forgets the given tables (before a monitor's initial contents are loaded again). */
    void clear(Collection<String> names) {
        List<Map.Entry<String, Map<UUID, Row>>> gone = new ArrayList<>();
        synchronized (this) {
            for (String n : names) {
                Map<UUID, Row> t = tables.remove(n);
                if (t != null) {
                    gone.add(Map.entry(n, t));
                }
            }
        }
        gone.forEach(e -> e.getValue().forEach((u, r) -> fire(e.getKey(), u, r, null)));
    }

    private void fire(String table, UUID uuid, Row old, Row now) {
        for (Listener l : listeners) {
            try {
                l.onChange(table, uuid, old, now);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cache listener failed on " + table + " " + uuid, e);
            }
        }
    }
}
