package io.overlaykit.netlink.internal;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one netlink message: the 16-byte header, a fixed family header written field by field, then
 * attributes, nested ones included, each padded to 4 bytes. Pure: no I/O, so tests compare its bytes
 * with captured fixtures. Sequence number and port id are filled in by {@link #finish(int, int)}.
 */
public final class NlWriter {
    private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
    private final int type;
    private final int flags;

    public NlWriter(int type, int flags) {
        this.type = type;
        this.flags = flags;
        buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(0).putInt(0);
    }

    public int type() {
        return type;
    }

    public int flags() {
        return flags;
    }

    private void room(int n) {
        if (buf.remaining() < n + 4) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n + 64))
                    .order(ByteOrder.nativeOrder());
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
    }

    public NlWriter u8(int v) {
        room(1);
        buf.put((byte) v);
        return this;
    }

    public NlWriter u16(int v) {
        room(2);
        buf.putShort((short) v);
        return this;
    }

    public NlWriter u32(int v) {
        room(4);
        buf.putInt(v);
        return this;
    }

    /** Pads to the 4-byte boundary netlink wants between items. */
    public NlWriter align() {
        int pad = (4 - (buf.position() & 3)) & 3;
        room(pad);
        for (int i = 0; i < pad; i++) {
            buf.put((byte) 0);
        }
        return this;
    }

    /** A family header of {@code len} zero bytes followed by nothing: for dumps that filter nothing. */
    public NlWriter zeros(int len) {
        room(len);
        buf.put(new byte[len]);
        return this;
    }

    public NlWriter attr(int attrType, byte[] value) {
        align();
        room(4 + value.length);
        buf.putShort((short) (4 + value.length)).putShort((short) attrType).put(value);
        return align();
    }

    public NlWriter attrU8(int attrType, int v) {
        return attr(attrType, new byte[] {(byte) v});
    }

    public NlWriter attrU16(int attrType, int v) {
        return attr(attrType, ByteBuffer.allocate(2).order(ByteOrder.nativeOrder()).putShort((short) v).array());
    }

    /** A 16-bit value in network byte order (ports). */
    public NlWriter attrU16Be(int attrType, int v) {
        return attr(attrType, new byte[] {(byte) (v >>> 8), (byte) v});
    }

    public NlWriter attrU32(int attrType, int v) {
        return attr(attrType, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array());
    }

    /** A NUL-terminated string. */
    public NlWriter attrString(int attrType, String v) {
        byte[] s = v.getBytes(StandardCharsets.UTF_8);
        return attr(attrType, Arrays.copyOf(s, s.length + 1));
    }

    public NlWriter attrAddress(int attrType, InetAddress a) {
        return attr(attrType, a.getAddress());
    }

    /** Opens a nested attribute; returns the mark to pass to {@link #end(int)}. */
    public int begin(int attrType) {
        align();
        room(4);
        int start = buf.position();
        buf.putShort((short) 0).putShort((short) (attrType | Rtnl.NLA_F_NESTED));
        return start;
    }

    /** Like {@link #begin} but without NLA_F_NESTED, for containers that predate the flag. */
    public int beginPlain(int attrType) {
        align();
        room(4);
        int start = buf.position();
        buf.putShort((short) 0).putShort((short) attrType);
        return start;
    }

    /**
     * Starts a struct whose first u16 is its own length (an {@code rtnexthop}); the caller writes that u16
     * (0) and the rest, then passes the mark to {@link #end(int)}, which fills the length in.
     */
    public int beginStruct() {
        align();
        return buf.position();
    }

    public NlWriter end(int mark) {
        buf.putShort(mark, (short) (buf.position() - mark));
        return align();
    }

    /** The length {@link #finish} will give the message. */
    public int length() {
        align();
        return buf.position();
    }

    /** The finished message with length, sequence number and port id set. */
    public byte[] finish(int seq, int pid) {
        align();
        byte[] out = Arrays.copyOf(buf.array(), buf.position());
        ByteBuffer.wrap(out).order(ByteOrder.nativeOrder()).putInt(0, out.length).putInt(8, seq).putInt(12, pid);
        return out;
    }
}
