package io.overlaykit.ovs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.overlaykit.ovs.Condition;
import io.overlaykit.ovs.NamedUuid;
import io.overlaykit.ovs.Row;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OvsdbDataTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UUID U = UUID.fromString("6b1e3b1a-3c44-4b8e-9bd9-8d4f9d6f0e01");

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void encodesAtomsSetsAndMaps() {
        assertThat(OvsdbData.encode("br0").toString()).isEqualTo("\"br0\"");
        assertThat(OvsdbData.encode(5000).toString()).isEqualTo("5000");
        assertThat(OvsdbData.encode(1.5).toString()).isEqualTo("1.5");
        assertThat(OvsdbData.encode(true).toString()).isEqualTo("true");
        assertThat(OvsdbData.encode(U).toString()).isEqualTo("[\"uuid\",\"" + U + "\"]");
        assertThat(OvsdbData.encode(NamedUuid.of("row1")).toString()).isEqualTo("[\"named-uuid\",\"row1\"]");
        assertThat(OvsdbData.encode(Set.of()).toString()).isEqualTo("[\"set\",[]]");
        Set<Object> two = new LinkedHashSet<>(List.of(U, NamedUuid.of("p")));
        assertThat(OvsdbData.encode(two).toString())
                .isEqualTo("[\"set\",[[\"uuid\",\"" + U + "\"],[\"named-uuid\",\"p\"]]]");
        Map<String, String> m = new LinkedHashMap<>();
        m.put("remote_ip", "192.0.2.3");
        m.put("key", "5000");
        assertThat(OvsdbData.encode(m).toString())
                .isEqualTo("[\"map\",[[\"remote_ip\",\"192.0.2.3\"],[\"key\",\"5000\"]]]");
        assertThatThrownBy(() -> OvsdbData.encode(new Object())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decodesBothWays() throws Exception {
        assertThat(OvsdbData.decode(json("\"x\""))).isEqualTo("x");
        assertThat(OvsdbData.decode(json("42"))).isEqualTo(42L);
        assertThat(OvsdbData.decode(json("0.25"))).isEqualTo(0.25);
        assertThat(OvsdbData.decode(json("false"))).isEqualTo(false);
        assertThat(OvsdbData.decode(json("[\"uuid\",\"" + U + "\"]"))).isEqualTo(U);
        assertThat(OvsdbData.decode(json("[\"named-uuid\",\"n1\"]"))).isEqualTo(NamedUuid.of("n1"));
        assertThat(OvsdbData.decode(json("[\"set\",[1,2,3]]"))).isEqualTo(Set.of(1L, 2L, 3L));
        assertThat(OvsdbData.decode(json("[\"map\",[[\"a\",\"b\"],[\"c\",[\"uuid\",\"" + U + "\"]]]]")))
                .isEqualTo(Map.of("a", "b", "c", U));
        // A round trip keeps every shape.
        Object datum = Map.of("k", 7L);
        assertThat(OvsdbData.decode(OvsdbData.encode(datum))).isEqualTo(datum);
        assertThatThrownBy(() -> OvsdbData.decode(json("{\"a\":1}"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OvsdbData.decode(json("[\"map\",[[\"a\"]]]"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bareAtomStandsForOneElementSet() throws Exception {
        Row r = OvsdbData.decodeRow(json("{\"ports\":[\"uuid\",\"" + U + "\"],\"fail_mode\":[\"set\",[]],"
                + "\"ofport\":[\"set\",[3]]}"));
        assertThat(r.getSet("ports")).containsExactly(U);
        assertThat(r.getOptional("fail_mode")).isNull();
        assertThat(r.getLong("ofport")).isEqualTo(3L);
        assertThat(r.getSet("absent")).isEmpty();
        assertThat(r.getMap("absent")).isEmpty();
    }

    @Test
    void encodesWhereClauses() {
        assertThat(OvsdbData.encodeWhere(List.of(Condition.eq("name", "br0"),
                Condition.includes("external_ids", Map.of("overlaykit-owner", "x")))).toString())
                .isEqualTo("[[\"name\",\"==\",\"br0\"],[\"external_ids\",\"includes\",[\"map\",[[\"overlaykit-owner\",\"x\"]]]]]");
    }

    @Test
    void scrubsSecrets() {
        assertThat(Redaction.scrub("bad psk=abc123 here", List.of("abc123"))).isEqualTo("bad psk=<redacted> here");
        assertThat(Redaction.redact("options", Map.of("psk", "abc", "key", "5"))).isEqualTo(Map.of("psk", "<redacted>", "key", "5"));
    }
}
