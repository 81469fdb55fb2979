package io.overlaykit.core.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.InvalidSpecException.Problem;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.OverlayException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns spec JSON into an {@link OverlaySpec}. Reads a Jackson tree rather than binding directly, so
 * that every type error and unknown field is collected with its JSON path instead of stopping at the
 * first, then runs {@link SpecValidator} on what could be read.
 */
final class SpecReader {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);

    private static final Set<String> TOP = Set.of("name", "vni", "subnet", "switch", "mtu", "udpPort", "psk",
            "dns", "hosts", "lab", "subnet6", "encryption", "transit", "wireguardPort", "ovn");
    private static final Set<String> HOST = Set.of("name", "underlay", "gateway", "uplink", "egress",
            "containers", "forwards", "gateway6", "publicKey");
    private static final Set<String> CONTAINER = Set.of("name", "ip", "image", "command", "existing", "ip6");
    private static final Set<String> DNS = Set.of("servers", "domain", "serve", "upstream");
    private static final Set<String> FORWARD = Set.of("listen", "target", "mode", "protocol", "proxyProtocol");
    private static final Set<String> LAB = Set.of("outside");
    private static final Set<String> OVN = Set.of("northbound", "southbound", "encap");

    private final List<Problem> problems = new ArrayList<>();

    private SpecReader() {
    }

    static OverlaySpec read(String json) {
        try {
            return fromTree(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw syntax(e);
        }
    }

    static OverlaySpec read(InputStream json) {
        try {
            return fromTree(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw syntax(e);
        } catch (java.io.CharConversionException e) {
            // bytes that are no text in the encoding Jackson detected: bad input, not a failed read
            InvalidSpecException ex = new InvalidSpecException("$", null, "not valid JSON: " + e.getMessage());
            ex.initCause(e);
            throw ex;
        } catch (IOException e) {
            throw new OverlayException("cannot read overlay spec: " + e.getMessage(), e);
        }
    }

    private static InvalidSpecException syntax(JsonProcessingException e) {
        var loc = e.getLocation();
        String where = loc == null ? "$" : "$ (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
        InvalidSpecException ex = new InvalidSpecException(where, null, "not valid JSON: " + e.getOriginalMessage());
        ex.initCause(e);
        return ex;
    }

    private static OverlaySpec fromTree(JsonNode root) {
        SpecReader r = new SpecReader();
        if (root == null || !root.isObject()) {
            throw new InvalidSpecException("$", root == null ? null : root.toString(), "the spec must be a JSON object");
        }
        OverlaySpec spec = r.spec((ObjectNode) root);
        List<Problem> all = new ArrayList<>(r.problems);
        all.addAll(SpecValidator.problems(spec));
        if (!all.isEmpty()) {
            throw new InvalidSpecException(all);
        }
        return spec;
    }

    private OverlaySpec spec(ObjectNode n) {
        unknown(n, "", TOP);
        String name = text(n, "", "name", true);
        Integer vni = integer(n, "", "vni", true);
        IpPrefix subnet = parsed(n, "", "subnet", true, SpecReader::network);
        SwitchKind sw = enumValue(n, "", "switch", true, SwitchKind.class);
        Integer mtu = integer(n, "", "mtu", false);
        Integer port = integer(n, "", "udpPort", false);
        String psk = text(n, "", "psk", false);
        IpPrefix subnet6 = parsed(n, "", "subnet6", false, SpecReader::network);
        List<InetAddress> dns = new ArrayList<>();
        NameSpec names = null;
        JsonNode dnsNode = n.get("dns");
        if (dnsNode != null && dnsNode.isObject()) {
            unknown((ObjectNode) dnsNode, "dns", DNS);
            dns = addresses(dnsNode, "dns", "servers");
            String domain = text(dnsNode, "dns", "domain", false);
            Boolean serve = bool(dnsNode, "dns", "serve");
            names = new NameSpec(domain, serve != null && serve, addresses(dnsNode, "dns", "upstream"));
        } else {
            dns = addresses(n, "", "dns");
        }
        List<HostSpec> hosts = new ArrayList<>();
        for (Item item : array(n, "", "hosts", true)) {
            if (object(item)) {
                hosts.add(host((ObjectNode) item.node, item.path));
            }
        }
        LabSpec lab = null;
        JsonNode labNode = n.get("lab");
        if (labNode != null && !labNode.isNull()) {
            if (object(new Item(labNode, "lab"))) {
                unknown((ObjectNode) labNode, "lab", LAB);
                lab = new LabSpec(parsed(labNode, "lab", "outside", false, IpPrefix::parseAddress));
            }
        }
        OvnSpec ovn = null;
        JsonNode ovnNode = n.get("ovn");
        if (ovnNode != null && !ovnNode.isNull()) {
            if (object(new Item(ovnNode, "ovn"))) {
                unknown((ObjectNode) ovnNode, "ovn", OVN);
                ovn = new OvnSpec(text(ovnNode, "ovn", "northbound", true), text(ovnNode, "ovn", "southbound", true),
                        text(ovnNode, "ovn", "encap", false));
            }
        }
        Encryption.Mode mode = enumValue(n, "", "encryption", false, Encryption.Mode.class);
        IpPrefix transit = parsed(n, "", "transit", false, SpecReader::network);
        Integer wgPort = integer(n, "", "wireguardPort", false);
        return new OverlaySpec(name, vni == null ? SpecValidator.UNREAD : vni, subnet, sw, mtu,
                port == null ? OverlaySpec.DEFAULT_UDP_PORT : port, psk, dns, hosts, lab, names, subnet6,
                new Encryption(mode, transit, wgPort), ovn);
    }

    private List<InetAddress> addresses(JsonNode n, String path, String field) {
        List<InetAddress> out = new ArrayList<>();
        for (Item item : array(n, path, field, false)) {
            InetAddress a = parseText(item.node, item.path, IpPrefix::parseAddress);
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    private HostSpec host(ObjectNode n, String path) {
        unknown(n, path, HOST);
        String name = text(n, path, "name", true);
        InetAddress underlay = underlay(n, path);
        InetAddress gateway = parsed(n, path, "gateway", true, IpPrefix::parseAddress);
        InetAddress gateway6 = parsed(n, path, "gateway6", false, IpPrefix::parseAddress);
        InterfaceName uplink = parsed(n, path, "uplink", false, InterfaceName::of);
        Boolean egress = bool(n, path, "egress");
        List<ContainerSpec> containers = new ArrayList<>();
        for (Item item : array(n, path, "containers", false)) {
            if (object(item)) {
                containers.add(container((ObjectNode) item.node, item.path));
            }
        }
        List<ForwardSpec> forwards = new ArrayList<>();
        for (Item item : array(n, path, "forwards", false)) {
            if (object(item)) {
                forwards.add(forward((ObjectNode) item.node, item.path));
            }
        }
        String publicKey = text(n, path, "publicKey", false);
        return new HostSpec(name, underlay, gateway, uplink, egress == null || egress, containers, forwards, gateway6,
                publicKey);
    }

    /** A subnet is a network with its length ({@code 172.16.0.0/24}); a bare address would silently mean /32. */
    private static IpPrefix network(String text) {
        if (text.indexOf('/') < 0) {
            throw new InvalidSpecException("subnet", text, "needs a prefix length, e.g. 172.16.0.0/24");
        }
        return IpPrefix.parse(text);
    }

    /** An underlay is one host address: {@code 192.0.2.2}, not {@code 192.0.2.2/24}. */
    private InetAddress underlay(ObjectNode n, String path) {
        JsonNode v = n.get("underlay");
        if (v != null && v.isTextual() && v.asText().contains("/")) {
            problems.add(new Problem(join(path, "underlay"), v.asText(),
                    "must be a single host address, without a prefix length"));
            return null;
        }
        return parsed(n, path, "underlay", true, IpPrefix::parseAddress);
    }

    private ContainerSpec container(ObjectNode n, String path) {
        unknown(n, path, CONTAINER);
        String name = text(n, path, "name", true);
        InetAddress ip = parsed(n, path, "ip", true, IpPrefix::parseAddress);
        InetAddress ip6 = parsed(n, path, "ip6", false, IpPrefix::parseAddress);
        String image = text(n, path, "image", false);
        List<String> command = new ArrayList<>();
        for (Item item : array(n, path, "command", false)) {
            if (item.node.isTextual()) {
                command.add(item.node.asText());
            } else {
                problems.add(new Problem(item.path, item.node.toString(), "must be a string"));
            }
        }
        Boolean existing = bool(n, path, "existing");
        return new ContainerSpec(name, ip, image, command, existing != null && existing, ip6);
    }

    private ForwardSpec forward(ObjectNode n, String path) {
        unknown(n, path, FORWARD);
        Endpoint listen = parsed(n, path, "listen", true, Endpoint::parse);
        Endpoint target = parsed(n, path, "target", true, Endpoint::parse);
        ForwardSpec.Mode mode = enumValue(n, path, "mode", false, ForwardSpec.Mode.class);
        ForwardSpec.Protocol protocol = enumValue(n, path, "protocol", false, ForwardSpec.Protocol.class);
        Boolean proxy = bool(n, path, "proxyProtocol");
        return new ForwardSpec(listen, target, mode, protocol, proxy != null && proxy);
    }

    // ---- typed field access that records problems instead of throwing ----

    private record Item(JsonNode node, String path) {
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private void unknown(ObjectNode n, String path, Set<String> known) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                problems.add(new Problem(join(path, f), n.get(f).toString(),
                        "unknown field; known fields are " + known.stream().sorted().toList()));
            }
        }
    }

    private boolean object(Item item) {
        if (item.node.isObject()) {
            return true;
        }
        problems.add(new Problem(item.path, item.node.toString(), "must be a JSON object"));
        return false;
    }

    private JsonNode field(JsonNode n, String path, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                problems.add(new Problem(join(path, field), null, "is required"));
            }
            return null;
        }
        return v;
    }

    private String text(JsonNode n, String path, String field, boolean required) {
        JsonNode v = field(n, path, field, required);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            problems.add(new Problem(join(path, field), v.toString(), "must be a string"));
            return null;
        }
        return v.asText();
    }

    private Integer integer(JsonNode n, String path, String field, boolean required) {
        JsonNode v = field(n, path, field, required);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            problems.add(new Problem(join(path, field), v.toString(), "must be a whole number"));
            return null;
        }
        return v.intValue();
    }

    private Boolean bool(JsonNode n, String path, String field) {
        JsonNode v = field(n, path, field, false);
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            problems.add(new Problem(join(path, field), v.toString(), "must be true or false"));
            return null;
        }
        return v.booleanValue();
    }

    private List<Item> array(JsonNode n, String path, String field, boolean required) {
        JsonNode v = field(n, path, field, required);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            problems.add(new Problem(join(path, field), v.toString(), "must be a JSON array"));
            return List.of();
        }
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            items.add(new Item(v.get(i), join(path, field) + "[" + i + "]"));
        }
        return items;
    }

    private <T> T parsed(JsonNode n, String path, String field, boolean required, Function<String, T> parser) {
        JsonNode v = field(n, path, field, required);
        return v == null ? null : parseText(v, join(path, field), parser);
    }

    private <T> T parseText(JsonNode v, String path, Function<String, T> parser) {
        if (!v.isTextual()) {
            problems.add(new Problem(path, v.toString(), "must be a string"));
            return null;
        }
        try {
            return parser.apply(v.asText());
        } catch (InvalidSpecException e) {
            problems.add(new Problem(path, v.asText(), e.problems().get(0).reason()));
            return null;
        }
    }

    private <E extends Enum<E>> E enumValue(JsonNode n, String path, String field, boolean required, Class<E> type) {
        String s = text(n, path, field, required);
        if (s == null) {
            return null;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(s)) {
                return e;
            }
        }
        problems.add(new Problem(join(path, field), s, "must be one of "
                + java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList()));
        return null;
    }
}
