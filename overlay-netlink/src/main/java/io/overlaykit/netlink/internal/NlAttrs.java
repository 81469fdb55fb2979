package io.overlaykit.netlink.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A parsed run of netlink attributes, by type (flags masked off; the last of duplicates wins). */
public final class NlAttrs {
    private static final NlAttrs EMPTY = new NlAttrs(Map.of());
    private final Map<Integer, ByteBuffer> byType;

    private NlAttrs(Map<Integer, ByteBuffer> byType) {
        this.byType = byType;
    }

    /** Parses attributes in {@code buf} from {@code start} to {@code end}; stops at a malformed one. */
    public static NlAttrs parse(ByteBuffer buf, int start, int end) {
        Map<Integer, ByteBuffer> map = new LinkedHashMap<>();
        scan(buf, start, end, null, map::put); // a dump's hot path: straight into the map
        return map.isEmpty() ? EMPTY : new NlAttrs(Collections.unmodifiableMap(map));
    }

    /** One attribute of a {@link #walk}: its type (flags masked off) and its value (a native-order view). */
    public record Attr(int type, ByteBuffer value) {
    }

    /**
     * Every attribute from {@code start} to {@code end} in order, repeats kept (the entries of a nested list).
     * Unlike {@link #parse} it refuses what does not parse: a header cut short, a length below 4 or past the end.
     *
     * @param buf the bytes
     * @param start the first attribute's offset
     * @param end where the run ends
     * @param what what the run is, for the message
     * @return the attributes
     * @throws NlFormatException when an attribute is malformed or truncated
     */
    public static List<Attr> walk(ByteBuffer buf, int start, int end, String what) {
        List<Attr> out = new ArrayList<>();
        scan(buf, start, end, java.util.Objects.requireNonNull(what, "what"),
                (type, value) -> out.add(new Attr(type, value)));
        return out;
    }

    /**
     * The one attribute loop: with {@code what} null (lenient) it stops at the first malformed attribute, else it
     * throws naming {@code what}.
     */
    private static void scan(ByteBuffer buf, int start, int end, String what,
                             java.util.function.BiConsumer<Integer, ByteBuffer> sink) {
        int off = start;
        while (off < end) {
            if (end - off < 4) {
                if (what == null) {
                    break;
                }
                throw new NlFormatException("malformed " + what + ": " + (end - off) + " bytes at offset " + off
                        + " are no attribute header");
            }
            int len = buf.getShort(off) & 0xFFFF;
            int type = buf.getShort(off + 2) & Rtnl.NLA_TYPE_MASK;
            if (len < 4 || len > end - off) {
                if (what == null) {
                    break;
                }
                throw new NlFormatException("malformed " + what + ": attribute " + type + " at offset " + off
                        + " has length " + len + " with " + (end - off) + " bytes left");
            }
            ByteBuffer value = buf.duplicate();
            value.limit(off + len).position(off + 4);
            sink.accept(type, value.slice().order(ByteOrder.nativeOrder()));
            off += (len + 3) & ~3;
        }
    }

    /** {@link #walk} of a whole nested value (as {@link #raw} returns it). */
    public static List<Attr> walk(ByteBuffer nested, String what) {
        return walk(nested, 0, nested.limit(), what);
    }

    /** {@link #parse} that refuses malformed attributes as {@link #walk} does (the last of duplicates wins). */
    public static NlAttrs parseStrict(ByteBuffer buf, int start, int end, String what) {
        Map<Integer, ByteBuffer> map = new LinkedHashMap<>();
        scan(buf, start, end, java.util.Objects.requireNonNull(what, "what"), map::put);
        return map.isEmpty() ? EMPTY : new NlAttrs(Collections.unmodifiableMap(map));
    }

    /** {@link #parseStrict} of a whole nested value. */
    public static NlAttrs parseStrict(ByteBuffer nested, String what) {
        return parseStrict(nested, 0, nested.limit(), what);
    }

    public boolean has(int type) {
        return byType.containsKey(type);
    }

    public Set<Integer> types() {
        return byType.keySet();
    }

    public byte[] bytes(int type) {
        ByteBuffer b = byType.get(type);
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    public Integer u8(int type) {
        ByteBuffer b = byType.get(type);
        return b == null || b.remaining() < 1 ? null : b.get(0) & 0xFF;
    }

    public Integer u16(int type) {
        ByteBuffer b = byType.get(type);
        return b == null || b.remaining() < 2 ? null : b.getShort(0) & 0xFFFF;
    }

    /** A 16-bit value in network byte order. */
    public Integer u16Be(int type) {
        ByteBuffer b = byType.get(type);
        return b == null || b.remaining() < 2 ? null : ((b.get(0) & 0xFF) << 8) | (b.get(1) & 0xFF);
    }

    public Integer u32(int type) {
        ByteBuffer b = byType.get(type);
        return b == null || b.remaining() < 4 ? null : b.getInt(0);
    }

    /** A 64-bit value in host byte order, or null. */
    public Long u64(int type) {
        ByteBuffer b = byType.get(type);
        return b == null || b.remaining() < 8 ? null : b.getLong(0);
    }

    /** A string without its terminating NUL. */
    public String string(int type) {
        byte[] b = bytes(type);
        if (b == null) {
            return null;
        }
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** A 4- or 16-byte IP address, or null. */
    public InetAddress address(int type) {
        byte[] b = bytes(type);
        if (b == null || (b.length != 4 && b.length != 16)) {
            return null;
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // unreachable: the length was checked
        }
    }

    public NlAttrs nested(int type) {
        ByteBuffer b = byType.get(type);
        return b == null ? EMPTY : parse(b, 0, b.limit());
    }

    /** The raw value of a nested attribute, for containers with a fixed header before their attributes. */
    public ByteBuffer raw(int type) {
        ByteBuffer b = byType.get(type);
        return b == null ? null : b.duplicate().order(ByteOrder.nativeOrder());
    }

    @Override
    public String toString() {
        return "NlAttrs" + byType.keySet();
    }
}
