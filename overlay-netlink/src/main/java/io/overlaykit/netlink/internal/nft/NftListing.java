package io.overlaykit.netlink.internal.nft;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.overlaykit.core.BackendException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads what libnftables lists: table names from {@code list tables} JSON, rules from a text listing. */
public final class NftListing {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private NftListing() {
    }

    /** A table as {@code list tables} reports it. */
    public record TableRef(String family, String name) {
    }

    /** The tables in a {@code list tables} JSON answer, in listing order. */
    public static List<TableRef> tables(String json) {
        List<TableRef> tables = new ArrayList<>();
        for (JsonNode item : items(json)) {
            JsonNode t = item.get("table");
            if (t != null && t.hasNonNull("family") && t.hasNonNull("name")) {
                tables.add(new TableRef(t.get("family").asText(), t.get("name").asText()));
            }
        }
        return tables;
    }

    /** Names of the tables whose family is one of {@code families}, without duplicates. */
    public static List<String> tableNames(String json, Set<String> families) {
        return tables(json).stream().filter(t -> families.contains(t.family())).map(TableRef::name)
                .distinct().toList();
    }

    /**
     * The rules of a text listing of one table ({@code list table inet NAME}), one line each as
     * {@code CHAIN: RULE}, for example {@code nat-postrouting: ip saddr 10.0.0.0/24 masquerade}.
     */
    public static List<String> ruleLines(String listing) {
        List<String> lines = new ArrayList<>();
        String chain = null;
        for (String raw : listing.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("chain ") && line.endsWith("{")) {
                chain = line.substring("chain ".length(), line.length() - 1).strip();
            } else if (line.equals("}")) {
                chain = null;
            } else if (chain != null && !line.isEmpty() && !isChainHeader(line)) {
                lines.add(chain + ": " + line);
            }
        }
        return lines;
    }

    private static boolean isChainHeader(String line) {
        return line.startsWith("type ") || line.startsWith("policy ") || line.startsWith("comment ");
    }

    private static List<JsonNode> items(String json) {
        try {
            JsonNode root = MAPPER.readTree(json);
            JsonNode list = root == null ? null : root.get("nftables");
            if (list == null || !list.isArray()) {
                throw new BackendException("libnftables answered without an \"nftables\" array: " + abbreviate(json));
            }
            List<JsonNode> items = new ArrayList<>();
            list.forEach(items::add);
            return items;
        } catch (JsonProcessingException e) {
            throw new BackendException("libnftables answered with invalid JSON: " + abbreviate(json), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
