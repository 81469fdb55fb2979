package io.overlaykit.netlink.internal.nft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.spi.FirewallTable;
import io.overlaykit.core.spi.FirewallTable.Connmark;
import io.overlaykit.core.spi.FirewallTable.Dnat;
import io.overlaykit.core.spi.FirewallTable.ForwardAccept;
import io.overlaykit.core.spi.FirewallTable.Masquerade;
import io.overlaykit.core.spi.FirewallTable.Rule;
import io.overlaykit.core.spi.FirewallTable.Untracked;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders a {@link FirewallTable} as a libnftables JSON batch (libnftables-json(5)). Pure: no I/O, so
 * it is tested against JSON fixtures. Every table is family {@code inet}; IPv4 or IPv6 matches follow
 * the addresses' family.
 */
public final class NftRenderer {
    /** Our tables are {@code inet}: one table for IPv4 and IPv6. */
    public static final String FAMILY = "inet";

    /** What nft accepts as an identifier (its scanner's {@code identifier} rule), length-capped by the kernel. */
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,254}");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private NftRenderer() {
    }

    /** Throws {@link InvalidSpecException} unless {@code name} is a valid nft table name. */
    public static String checkTableName(String name) {
        if (name == null || !TABLE_NAME.matcher(name).matches()) {
            throw new InvalidSpecException("firewall table", name,
                    "must start with a letter and hold only letters, digits, '_', '.', '-' (at most 255)");
        }
        return name;
    }

    /**
     * One transaction that replaces the table: add it (so the delete cannot fail), delete it, then add
     * it again with its chains and rules. libnftables commits the batch atomically, so a failure at any
     * rule leaves the previous table untouched.
     */
    public static ObjectNode replaceBatch(FirewallTable table) {
        String name = checkTableName(table.name());
        Map<NftChain, List<ArrayNode>> chains = rulesByChain(table.rules());
        ArrayNode commands = JSON.arrayNode();
        commands.add(command("add", "table", tableObject(name)));
        commands.add(command("delete", "table", tableObject(name)));
        commands.add(command("add", "table", tableObject(name)));
        for (NftChain chain : chains.keySet()) {
            commands.add(command("add", "chain", chainObject(name, chain)));
        }
        chains.forEach((chain, rules) -> rules.forEach(expr -> {
            ObjectNode rule = JSON.objectNode().put("family", FAMILY).put("table", name)
                    .put("chain", chain.chainName());
            rule.set("expr", expr);
            commands.add(command("add", "rule", rule));
        }));
        return batch(commands);
    }

    /** One transaction that deletes the table whether or not it exists (add, then delete). */
    public static ObjectNode deleteBatch(String name) {
        checkTableName(name);
        ArrayNode commands = JSON.arrayNode();
        commands.add(command("add", "table", tableObject(name)));
        commands.add(command("delete", "table", tableObject(name)));
        return batch(commands);
    }

    /** The expression lists of every rule, grouped by chain in creation order. */
    static Map<NftChain, List<ArrayNode>> rulesByChain(List<Rule> rules) {
        Map<NftChain, List<ArrayNode>> chains = new EnumMap<>(NftChain.class);
        for (Rule rule : rules) {
            if (rule instanceof Masquerade m) {
                add(chains, NftChain.NAT_POSTROUTING, masquerade(m));
            } else if (rule instanceof Dnat d) {
                ArrayNode expr = dnat(d);
                add(chains, NftChain.NAT_PREROUTING, expr);
                add(chains, NftChain.NAT_OUTPUT, expr.deepCopy());
            } else if (rule instanceof Connmark c) {
                add(chains, NftChain.MARK_PREROUTING, markNew(c));
                add(chains, NftChain.ROUTE_OUTPUT, markReplies(c));
            } else if (rule instanceof ForwardAccept f) {
                forward(f).forEach(expr -> add(chains, NftChain.FORWARD, expr));
            } else if (rule instanceof Untracked u) {
                add(chains, NftChain.RAW_PREROUTING, notrack(u));
            } else if (rule instanceof io.overlaykit.core.spi.FirewallTable.UdpOnlyFrom u) {
                add(chains, NftChain.INPUT, udpOnlyFrom(u));
            } else {
                throw new InvalidSpecException("firewall rule", rule, "unknown rule kind");
            }
        }
        return chains;
    }

    // udp dport PORT [ip saddr != { SOURCES }] drop
    static ArrayNode udpOnlyFrom(io.overlaykit.core.spi.FirewallTable.UdpOnlyFrom u) {
        requirePort(u.port(), u);
        require(u.sources().stream().allMatch(a -> a instanceof Inet4Address), "udpOnlyFrom", u, "IPv4 sources only");
        ArrayNode expr = JSON.arrayNode();
        expr.add(match("==", payload("udp", "dport"), JSON.numberNode(u.port())));
        if (!u.sources().isEmpty()) {
            ArrayNode set = JSON.arrayNode();
            u.sources().forEach(a -> set.add(text(a)));
            expr.add(match("!=", payload("ip", "saddr"), JSON.objectNode().set("set", set)));
        }
        expr.add(JSON.objectNode().putNull("drop"));
        return expr;
    }

    // iifname IN notrack
    static ArrayNode notrack(Untracked u) {
        require(u.inInterface() != null, "notrack", u, "inInterface is missing");
        ArrayNode expr = JSON.arrayNode();
        expr.add(match("==", meta("iifname"), JSON.textNode(u.inInterface().value())));
        expr.add(JSON.objectNode().putNull("notrack"));
        return expr;
    }

    // ip saddr SRC [oifname OUT] [ip daddr != EXCEPT] [ct status dnat] masquerade
    static ArrayNode masquerade(Masquerade m) {
        require(m.source() != null, "masquerade", m, "source is missing");
        String ip = ipFamily(m.source());
        ArrayNode expr = JSON.arrayNode();
        expr.add(match("==", payload(ip, "saddr"), prefix(m.source())));
        if (m.outInterface() != null) {
            expr.add(match("==", meta("oifname"), JSON.textNode(m.outInterface().value())));
        }
        if (m.exceptDestination() != null) {
            require(m.exceptDestination().isIpv4() == m.source().isIpv4(), "masquerade", m,
                    "exceptDestination and source must be of the same IP family");
            expr.add(match("!=", payload(ip, "daddr"), prefix(m.exceptDestination())));
        }
        if (m.onlyDnatted()) {
            expr.add(match("in", ct("status"), JSON.textNode("dnat")));
        }
        expr.add(JSON.objectNode().putNull("masquerade"));
        return expr;
    }

    // ip daddr LISTEN tcp dport PORT dnat ip to TARGET:TPORT
    static ArrayNode dnat(Dnat d) {
        require(d.protocol() != null && d.listen() != null && d.target() != null, "dnat", d,
                "protocol, listen and target are required");
        require(d.listen() instanceof Inet4Address == d.target() instanceof Inet4Address, "dnat", d,
                "listen and target must be of the same IP family");
        requirePort(d.port(), d);
        requirePort(d.targetPort(), d);
        String ip = d.listen() instanceof Inet4Address ? "ip" : "ip6";
        String l4 = d.protocol() == FirewallTable.Protocol.TCP ? "tcp" : "udp";
        ArrayNode expr = JSON.arrayNode();
        expr.add(match("==", payload(ip, "daddr"), JSON.textNode(text(d.listen()))));
        expr.add(match("==", payload(l4, "dport"), JSON.numberNode(d.port())));
        ObjectNode nat = JSON.objectNode().put("family", ip).put("addr", text(d.target()))
                .put("port", d.targetPort());
        expr.add(JSON.objectNode().set("dnat", nat));
        return expr;
    }

    // iifname IN ether saddr MAC ct state new ct mark set MARK
    static ArrayNode markNew(Connmark c) {
        requireConnmark(c);
        ArrayNode expr = JSON.arrayNode();
        expr.add(match("==", meta("iifname"), JSON.textNode(c.inInterface().value())));
        expr.add(match("==", payload("ether", "saddr"), JSON.textNode(c.fromMac().toString())));
        expr.add(match("in", ct("state"), JSON.textNode("new")));
        expr.add(mangle(ct("mark"), c.mark()));
        return expr;
    }

    // ct mark MARK meta mark set MARK
    static ArrayNode markReplies(Connmark c) {
        requireConnmark(c);
        ArrayNode expr = JSON.arrayNode();
        expr.add(match("==", ct("mark"), markValue(c.mark())));
        expr.add(mangle(meta("mark"), c.mark()));
        return expr;
    }

    // oifname BR ip daddr SUBNET ct state established,related accept; ... ct status dnat accept; ... drop
    static List<ArrayNode> forward(ForwardAccept f) {
        require(f.subnet() != null && f.bridge() != null, "forward", f, "subnet and bridge are required");
        List<ArrayNode> rules = new ArrayList<>();
        ArrayNode established = intoOverlay(f);
        ArrayNode states = JSON.arrayNode().add("established").add("related");
        established.add(match("in", ct("state"), states));
        established.add(JSON.objectNode().putNull("accept"));
        rules.add(established);
        ArrayNode dnatted = intoOverlay(f);
        dnatted.add(match("in", ct("status"), JSON.textNode("dnat")));
        dnatted.add(JSON.objectNode().putNull("accept"));
        rules.add(dnatted);
        ArrayNode rest = intoOverlay(f);
        rest.add(JSON.objectNode().putNull("drop"));
        rules.add(rest);
        return rules;
    }

    private static ArrayNode intoOverlay(ForwardAccept f) {
        ArrayNode expr = JSON.arrayNode();
        expr.add(match("==", meta("oifname"), JSON.textNode(f.bridge().value())));
        expr.add(match("==", payload(ipFamily(f.subnet()), "daddr"), prefix(f.subnet())));
        return expr;
    }

    private static void requireConnmark(Connmark c) {
        require(c.inInterface() != null && c.fromMac() != null, "connmark", c,
                "inInterface and fromMac are required");
        require(c.mark() != 0, "connmark", c, "mark 0 means unmarked; use a non-zero mark");
    }

    private static void requirePort(int port, Object rule) {
        require(io.overlaykit.core.Ports.isValid(port), "dnat", rule, "ports are 1.." + io.overlaykit.core.Ports.MAX);
    }

    private static void require(boolean ok, String what, Object rule, String reason) {
        if (!ok) {
            throw new InvalidSpecException("firewall rule " + what, rule, reason);
        }
    }

    private static void add(Map<NftChain, List<ArrayNode>> chains, NftChain chain, ArrayNode expr) {
        chains.computeIfAbsent(chain, k -> new ArrayList<>()).add(expr);
    }

    private static String ipFamily(IpPrefix prefix) {
        return prefix.isIpv4() ? "ip" : "ip6";
    }

    /** A full-length prefix is a plain address, as nft itself lists it. */
    static JsonNode prefix(IpPrefix p) {
        IpPrefix net = p.network();
        if (net.length() == IpPrefix.maxLength(net.address())) {
            return JSON.textNode(text(net.address()));
        }
        ObjectNode prefix = JSON.objectNode().put("addr", text(net.address())).put("len", net.length());
        return JSON.objectNode().set("prefix", prefix);
    }

    /**
     * An address as nft prints it: IPv4 dotted, IPv6 in the RFC 5952 short form ({@code fd00::5}, not
     * Java's {@code fd00:0:0:0:0:0:0:5}), so rendered rules read like nft's own listing.
     */
    static String text(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    /** Marks are u32: pass them as unsigned numbers. */
    private static JsonNode markValue(int mark) {
        return JSON.numberNode(Integer.toUnsignedLong(mark));
    }

    private static ObjectNode match(String op, JsonNode left, JsonNode right) {
        ObjectNode m = JSON.objectNode().put("op", op);
        m.set("left", left);
        m.set("right", right);
        return JSON.objectNode().set("match", m);
    }

    private static ObjectNode mangle(JsonNode key, int mark) {
        ObjectNode m = JSON.objectNode();
        m.set("key", key);
        m.set("value", markValue(mark));
        return JSON.objectNode().set("mangle", m);
    }

    private static ObjectNode payload(String protocol, String field) {
        return JSON.objectNode().set("payload", JSON.objectNode().put("protocol", protocol).put("field", field));
    }

    private static ObjectNode meta(String key) {
        return JSON.objectNode().set("meta", JSON.objectNode().put("key", key));
    }

    private static ObjectNode ct(String key) {
        return JSON.objectNode().set("ct", JSON.objectNode().put("key", key));
    }

    private static ObjectNode tableObject(String name) {
        return JSON.objectNode().put("family", FAMILY).put("name", name);
    }

    private static ObjectNode chainObject(String table, NftChain chain) {
        return JSON.objectNode().put("family", FAMILY).put("table", table).put("name", chain.chainName())
                .put("type", chain.type()).put("hook", chain.hook()).put("prio", chain.priority())
                .put("policy", "accept");
    }

    private static ObjectNode command(String verb, String kind, ObjectNode object) {
        return JSON.objectNode().set(verb, JSON.objectNode().set(kind, object));
    }

    private static ObjectNode batch(ArrayNode commands) {
        return JSON.objectNode().set("nftables", commands);
    }
}
