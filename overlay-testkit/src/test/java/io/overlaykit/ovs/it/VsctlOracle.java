package io.overlaykit.ovs.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads tables with {@code ovs-vsctl --format=json list}, decoded by hand (not with the code under test). */
final class VsctlOracle {
    private static final ObjectMapper JSON = new ObjectMapper();

    private VsctlOracle() {
    }

    /** Rows of {@code table} as heading to raw JSON datum. */
    static List<Map<String, JsonNode>> list(LabOvs d, String table) {
        try {
            JsonNode doc = JSON.readTree(d.vsctl("--format=json", "list", table));
            List<String> headings = new ArrayList<>();
            doc.get("headings").forEach(h -> headings.add(h.asText()));
            List<Map<String, JsonNode>> rows = new ArrayList<>();
            for (JsonNode r : doc.get("data")) {
                Map<String, JsonNode> row = new LinkedHashMap<>();
                for (int i = 0; i < headings.size(); i++) {
                    row.put(headings.get(i), r.get(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The row of {@code table} whose name is {@code name}, or null. */
    static Map<String, JsonNode> byName(LabOvs d, String table, String name) {
        return list(d, table).stream().filter(r -> r.get("name").asText().equals(name)).findFirst().orElse(null);
    }

    /** {@code ["map", [[k, v], ...]]} with string keys and values. */
    static Map<String, String> stringMap(JsonNode datum) {
        Map<String, String> out = new LinkedHashMap<>();
        datum.get(1).forEach(pair -> out.put(pair.get(0).asText(), pair.get(1).asText()));
        return out;
    }

    /** Names of the ports on {@code bridge}, per ovs-vsctl list-ports. */
    static List<String> ports(LabOvs d, String bridge) {
        String out = d.vsctl("list-ports", bridge).trim();
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }
}
