package io.overlaykit.netlink.internal;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A link kind as data: its kernel name and a table of its {@code IFLA_INFO_DATA} attributes. Encoding
 * writes only the fields a caller set; decoding reads every declared field present. A new kind is a new
 * table here, not a new parser.
 */
public record LinkKind(String kind, List<Attr> data) {

    /** How an attribute's value is laid out. */
    public enum Codec { U8, BOOL, U16_BE, U32, ADDRESS }

    /** One attribute: the field name used in value maps, the attribute number, its layout. */
    public record Attr(String field, int type, Codec codec) {
    }

    public static final LinkKind BRIDGE = new LinkKind("bridge", List.of());
    public static final LinkKind VETH = new LinkKind("veth", List.of());
    /** The kernel's WireGuard: no link attributes; keys and peers go through the generic-netlink family. */
    public static final LinkKind WIREGUARD = new LinkKind("wireguard", List.of());
    /** linux/if_link.h IFLA_VXLAN_*. */
    public static final LinkKind VXLAN = new LinkKind("vxlan", List.of(
            new Attr("id", 1, Codec.U32),
            new Attr("group", 2, Codec.ADDRESS),
            new Attr("link", 3, Codec.U32),
            new Attr("local", 4, Codec.ADDRESS),
            new Attr("ttl", 5, Codec.U8),
            new Attr("learning", 7, Codec.BOOL),
            new Attr("port", 15, Codec.U16_BE),
            new Attr("group6", 16, Codec.ADDRESS),
            new Attr("local6", 17, Codec.ADDRESS),
            new Attr("udpCsum", 18, Codec.BOOL)));

    /** Writes {@code IFLA_LINKINFO { KIND, DATA { set fields } }}. */
    public void encode(NlWriter w, Map<String, ?> values) {
        int info = w.begin(Rtnl.IFLA_LINKINFO);
        w.attrString(Rtnl.IFLA_INFO_KIND, kind);
        if (!values.isEmpty()) {
            int dataMark = w.begin(Rtnl.IFLA_INFO_DATA);
            for (Attr a : data) {
                Object v = values.get(a.field);
                if (v != null) {
                    put(w, a, v);
                }
            }
            w.end(dataMark);
        }
        w.end(info);
        for (String field : values.keySet()) {
            if (data.stream().noneMatch(a -> a.field.equals(field))) {
                throw new IllegalArgumentException(kind + " has no attribute '" + field + "'");
            }
        }
    }

    private static void put(NlWriter w, Attr a, Object v) {
        switch (a.codec) {
            case U8 -> w.attrU8(a.type, ((Number) v).intValue());
            case BOOL -> w.attrU8(a.type, ((Boolean) v) ? 1 : 0);
            case U16_BE -> w.attrU16Be(a.type, ((Number) v).intValue());
            case U32 -> w.attrU32(a.type, ((Number) v).intValue());
            case ADDRESS -> w.attrAddress(a.type, (InetAddress) v);
            default -> throw new IllegalStateException(a.codec.name());
        }
    }

    /** Reads every declared field present in {@code infoData}. */
    public Map<String, Object> decode(NlAttrs infoData) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Attr a : data) {
            if (!infoData.has(a.type)) {
                continue;
            }
            Object v = switch (a.codec) {
                case U8 -> infoData.u8(a.type);
                case BOOL -> infoData.u8(a.type) != null && infoData.u8(a.type) != 0;
                case U16_BE -> infoData.u16Be(a.type);
                case U32 -> infoData.u32(a.type);
                case ADDRESS -> infoData.address(a.type);
            };
            if (v != null) {
                out.put(a.field, v);
            }
        }
        return out;
    }
}
