package io.overlaykit.core.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.MacAddress;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.spi.FirewallTable;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Our firewall tables as canonical JSON, so the host state records exactly what was applied (an undo puts
 * the previous table back) and drift is decided on the data, not on a record's printed form.
 */
public final class FirewallCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FirewallCodec() {
    }

    /** The table as compact JSON with a fixed field order. */
    public static String toJson(FirewallTable table) {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", table.name());
        ArrayNode rules = root.putArray("rules");
        for (FirewallTable.Rule r : table.rules()) {
            rules.add(rule(r));
        }
        return root.toString();
    }

    /** The table {@link #toJson} wrote; a record that does not parse is reported with the text's start. */
    public static FirewallTable fromJson(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            List<FirewallTable.Rule> rules = new ArrayList<>();
            for (JsonNode r : root.path("rules")) {
                rules.add(rule(r));
            }
            return new FirewallTable(root.path("name").asText(), rules);
        } catch (Exception e) {
            throw new OverlayException("state file: cannot read a recorded firewall table ("
                    + json.substring(0, Math.min(40, json.length())) + "...): " + e.getMessage(), e);
        }
    }

    /** A short hash of the table's data. */
    public static String fingerprint(FirewallTable table) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(toJson(table).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static ObjectNode rule(FirewallTable.Rule r) {
        ObjectNode n = JSON.createObjectNode();
        if (r instanceof FirewallTable.Masquerade m) {
            n.put("kind", "masquerade").put("source", text(m.source())).put("out", text(m.outInterface()))
                    .put("except", text(m.exceptDestination())).put("onlyDnatted", m.onlyDnatted());
        } else if (r instanceof FirewallTable.Dnat d) {
            n.put("kind", "dnat").put("protocol", d.protocol().name()).put("listen", d.listen().getHostAddress())
                    .put("port", d.port()).put("target", d.target().getHostAddress()).put("targetPort", d.targetPort());
        } else if (r instanceof FirewallTable.Connmark c) {
            n.put("kind", "connmark").put("in", text(c.inInterface())).put("fromMac", c.fromMac().toString())
                    .put("mark", c.mark());
        } else if (r instanceof FirewallTable.ForwardAccept f) {
            n.put("kind", "forwardAccept").put("subnet", text(f.subnet())).put("bridge", text(f.bridge()));
        } else if (r instanceof FirewallTable.Untracked u) {
            n.put("kind", "untracked").put("in", text(u.inInterface()));
        } else if (r instanceof FirewallTable.UdpOnlyFrom u) {
            n.put("kind", "udpOnlyFrom").put("port", u.port());
            var sources = n.putArray("sources");
            u.sources().forEach(a -> sources.add(a.getHostAddress()));
        } else {
            throw new IllegalArgumentException("no JSON form for firewall rule " + r.getClass().getName());
        }
        return n;
    }

    private static FirewallTable.Rule rule(JsonNode n) {
        String kind = n.path("kind").asText();
        switch (kind) {
            case "masquerade":
                return new FirewallTable.Masquerade(prefix(n, "source"), name(n, "out"), prefix(n, "except"),
                        n.path("onlyDnatted").asBoolean());
            case "dnat":
                return new FirewallTable.Dnat(FirewallTable.Protocol.valueOf(n.path("protocol").asText()),
                        address(n, "listen"), n.path("port").asInt(), address(n, "target"), n.path("targetPort").asInt());
            case "connmark":
                return new FirewallTable.Connmark(name(n, "in"), MacAddress.parse(n.path("fromMac").asText()),
                        n.path("mark").asInt());
            case "forwardAccept":
                return new FirewallTable.ForwardAccept(prefix(n, "subnet"), name(n, "bridge"));
            case "untracked":
                return new FirewallTable.Untracked(name(n, "in"));
            case "udpOnlyFrom": {
                java.util.List<java.net.InetAddress> sources = new java.util.ArrayList<>();
                n.path("sources").forEach(a -> sources.add(io.overlaykit.core.IpPrefix.parseAddress(a.asText())));
                return new FirewallTable.UdpOnlyFrom(n.path("port").asInt(), sources);
            }
            default:
                throw new IllegalArgumentException("unknown firewall rule kind '" + kind + "'");
        }
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }

    private static IpPrefix prefix(JsonNode n, String field) {
        return n.path(field).isTextual() ? IpPrefix.parse(n.path(field).asText()) : null;
    }

    private static InterfaceName name(JsonNode n, String field) {
        return n.path(field).isTextual() ? InterfaceName.of(n.path(field).asText()) : null;
    }

    private static InetAddress address(JsonNode n, String field) {
        return IpPrefix.parseAddress(n.path(field).asText());
    }
}
