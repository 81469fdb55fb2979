package io.overlaykit.ovs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CacheUpdaterTest {
    private static final String U1 = "6b1e3b1a-3c44-4b8e-9bd9-8d4f9d6f0e01";
    private static final String P1 = "0a8e4b9c-1e57-4c3c-9f59-3c1d4a0f7a10";
    private static final String P2 = "1b9f5cad-2f68-4d4d-a06a-4d2e5b1f8b21";
    private static final DatabaseSchema SCHEMA = DatabaseSchema.parse(Fixtures.parse("""
            {"name":"Open_vSwitch","version":"8.3.1","tables":{"Bridge":{"columns":{
              "name":{"type":"string"},
              "ports":{"type":{"key":{"type":"uuid","refTable":"Port"},"min":0,"max":"unlimited"}},
              "fail_mode":{"type":{"key":{"type":"string","enum":["set",["standalone","secure"]]},"min":0,"max":1}},
              "external_ids":{"type":{"key":"string","value":"string","min":0,"max":"unlimited"}}}}}}
            """));

    @Test
    void schemaShapes() {
        assertThat(SCHEMA.shape("Bridge", "name")).isEqualTo(DatabaseSchema.Shape.ATOM);
        assertThat(SCHEMA.shape("Bridge", "ports")).isEqualTo(DatabaseSchema.Shape.SET);
        assertThat(SCHEMA.shape("Bridge", "fail_mode")).isEqualTo(DatabaseSchema.Shape.OPTIONAL);
        assertThat(SCHEMA.shape("Bridge", "external_ids")).isEqualTo(DatabaseSchema.Shape.MAP);
        assertThat(SCHEMA.hasColumn("Bridge", "nope")).isFalse();
    }

    /** What ovsdb-server 3.1 sends when {@code ovs-vsctl clear Bridge b0 fail_mode} runs: the new value, empty. */
    @Test
    void update2ClearingAnOptionalColumnSendsItsNewValue() {
        TableCache cache = new TableCache();
        CacheUpdater.applyUpdate2(cache, SCHEMA, Fixtures.parse("{\"Bridge\":{\"" + U1 + "\":{\"initial\":"
                + "{\"name\":\"b0\",\"fail_mode\":\"secure\"}}}}"));
        CacheUpdater.applyUpdate2(cache, SCHEMA, Fixtures.parse("{\"Bridge\":{\"" + U1 + "\":{\"modify\":"
                + "{\"fail_mode\":[\"set\",[]]}}}}"));
        assertThat(cache.row("Bridge", UUID.fromString(U1)).getOptional("fail_mode")).isNull();
        CacheUpdater.applyUpdate2(cache, SCHEMA, Fixtures.parse("{\"Bridge\":{\"" + U1 + "\":{\"modify\":"
                + "{\"fail_mode\":\"standalone\"}}}}"));
        assertThat(cache.row("Bridge", UUID.fromString(U1)).getOptional("fail_mode")).isEqualTo("standalone");
    }

    @Test
    void update2InitialModifyDelete() {
        TableCache cache = new TableCache();
        List<String> events = new ArrayList<>();
        cache.addListener((t, u, o, n) -> events.add(t + (o == null ? " insert" : n == null ? " delete" : " modify")));
        CacheUpdater.applyUpdate2(cache, SCHEMA, Fixtures.parse("{\"Bridge\":{\"" + U1 + "\":{\"initial\":"
                + "{\"name\":\"br0\",\"ports\":[\"uuid\",\"" + P1 + "\"],\"external_ids\":[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]}}}}"));
        Row r = cache.row("Bridge", UUID.fromString(U1));
        assertThat(r.getSet("ports")).containsExactly(UUID.fromString(P1));
        assertThat(r.uuid()).isEqualTo(UUID.fromString(U1));

        // Set diff toggles elements; map diff removes a matching pair, replaces or adds others;
        // a bare uuid in a set column's diff is a one-element set.
        CacheUpdater.applyUpdate2(cache, SCHEMA, Fixtures.parse("{\"Bridge\":{\"" + U1 + "\":{\"modify\":"
                + "{\"ports\":[\"set\",[[\"uuid\",\"" + P1 + "\"],[\"uuid\",\"" + P2 + "\"]]],"
                + "\"external_ids\":[\"map\",[[\"a\",\"1\"],[\"b\",\"3\"],[\"c\",\"4\"]]],"
                + "\"fail_mode\":\"secure\"}}}}"));
        r = cache.row("Bridge", UUID.fromString(U1));
        assertThat(r.getSet("ports")).containsExactly(UUID.fromString(P2));
        assertThat(r.getStringMap("external_ids")).containsOnlyKeys("b", "c").containsEntry("b", "3");
        assertThat(r.getString("fail_mode")).isEqualTo("secure");
        assertThat(r.getString("name")).isEqualTo("br0");

        CacheUpdater.applyUpdate2(cache, SCHEMA, Fixtures.parse("{\"Bridge\":{\"" + U1 + "\":{\"modify\":"
                + "{\"ports\":[\"uuid\",\"" + P2 + "\"],\"fail_mode\":[\"set\",[]]}}}}"));
        r = cache.row("Bridge", UUID.fromString(U1));
        assertThat(r.getSet("ports")).isEmpty();
        assertThat(r.getOptional("fail_mode")).isNull();

        CacheUpdater.applyUpdate2(cache, SCHEMA, Fixtures.parse("{\"Bridge\":{\"" + U1 + "\":{\"delete\":null}}}"));
        assertThat(cache.rows("Bridge")).isEmpty();
        assertThat(events).containsExactly("Bridge insert", "Bridge modify", "Bridge modify", "Bridge delete");
    }

    @Test
    void aNotificationIsOneAtomicEdit() throws Exception {
        TableCache cache = new TableCache();
        long g0 = cache.generation();
        List<String> seen = new ArrayList<>();
        // A listener runs after the edit: it sees both rows of the notification already.
        cache.addListener((t, u, o, n) -> seen.add(t + " " + cache.rows("Bridge").size()));
        CacheUpdater.applyUpdate2(cache, SCHEMA, Fixtures.parse("{\"Bridge\":{"
                + "\"" + U1 + "\":{\"insert\":{\"name\":\"br0\"}},"
                + "\"" + P1 + "\":{\"insert\":{\"name\":\"br1\"}}}}"));
        assertThat(cache.generation()).isEqualTo(g0 + 1);
        assertThat(seen).containsExactly("Bridge 2", "Bridge 2");
        assertThat(cache.awaitChange(g0, System.nanoTime())).isTrue();
        assertThat(cache.awaitChange(g0 + 1, System.nanoTime() + 20_000_000)).as("nothing new").isFalse();
    }

    @Test
    void plainUpdateOldNew() {
        TableCache cache = new TableCache();
        CacheUpdater.applyUpdate(cache, Fixtures.parse("{\"Bridge\":{\"" + U1 + "\":{\"new\":{\"name\":\"br0\"}}}}"));
        assertThat(cache.find("Bridge", "name", "br0")).isPresent();
        CacheUpdater.applyUpdate(cache, Fixtures.parse("{\"Bridge\":{\"" + U1 + "\":{\"old\":{\"name\":\"br0\"},"
                + "\"new\":{\"name\":\"br1\"}}}}"));
        assertThat(cache.find("Bridge", "name", "br1")).isPresent();
        CacheUpdater.applyUpdate(cache, Fixtures.parse("{\"Bridge\":{\"" + U1 + "\":{\"old\":{\"name\":\"br1\"}}}}"));
        assertThat(cache.rows("Bridge")).isEmpty();
    }
}
