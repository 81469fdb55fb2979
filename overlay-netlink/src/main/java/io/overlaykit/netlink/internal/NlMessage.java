package io.overlaykit.netlink.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One received netlink message: header fields and the body after the 16-byte header (a read-only,
 * native-order buffer whose position 0 is the first byte of the family header).
 */
public record NlMessage(int type, int flags, int seq, int pid, ByteBuffer body) {

    /** Splits a datagram into messages; a truncated or malformed one stops the walk with an error. */
    public static List<NlMessage> parseAll(byte[] data, int length) {
        List<NlMessage> out = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(data, 0, length).order(ByteOrder.nativeOrder());
        int off = 0;
        while (off + Rtnl.NLMSG_HDRLEN <= length) {
            int len = buf.getInt(off);
            if (len < Rtnl.NLMSG_HDRLEN || len > length - off) { // not off + len: that overflows for a huge len
                throw new NlFormatException("malformed netlink message at offset " + off + ": length " + len
                        + " in a datagram of " + length);
            }
            int type = buf.getShort(off + 4) & 0xFFFF;
            int flags = buf.getShort(off + 6) & 0xFFFF;
            int seq = buf.getInt(off + 8);
            int pid = buf.getInt(off + 12);
            ByteBuffer body = ByteBuffer.wrap(data, off + Rtnl.NLMSG_HDRLEN, len - Rtnl.NLMSG_HDRLEN).slice()
                    .order(ByteOrder.nativeOrder()).asReadOnlyBuffer().order(ByteOrder.nativeOrder());
            out.add(new NlMessage(type, flags, seq, pid, body));
            off += (len + 3) & ~3;
        }
        return out;
    }

    public int u8(int offset) {
        return body.get(check(offset, 1)) & 0xFF;
    }

    public int u16(int offset) {
        return body.getShort(check(offset, 2)) & 0xFFFF;
    }

    public int u32(int offset) {
        return body.getInt(check(offset, 4));
    }

    /** A field of the family header that the body does not hold is a malformed message, not an index error. */
    private int check(int offset, int size) {
        if (offset < 0 || offset > body.limit() - size) {
            throw new NlFormatException("malformed netlink message " + this + ": no " + size + "-byte field at offset "
                    + offset);
        }
        return offset;
    }

    /** The attributes that follow a family header of {@code headerLength} bytes. */
    public NlAttrs attrs(int headerLength) {
        int start = (headerLength + 3) & ~3;
        return NlAttrs.parse(body, start, body.limit());
    }

    /** For NLMSG_ERROR: the (positive) errno, 0 for an ACK. */
    public int errno() {
        return -u32(0);
    }

    /** For NLMSG_ERROR: the kernel's extended-ACK text, or null. */
    public String extAckMessage() {
        if ((flags & Rtnl.NLM_F_ACK_TLVS) == 0 || body.limit() < 4 + Rtnl.NLMSG_HDRLEN) {
            return null;
        }
        // the error is followed by the request's header (capped) or the whole request, whose length it names
        long start = 4L + ((flags & Rtnl.NLM_F_CAPPED) != 0 ? Rtnl.NLMSG_HDRLEN : body.getInt(4) & 0xFFFF_FFFFL);
        if (start > body.limit() - 4) {
            return null;
        }
        return NlAttrs.parse(body, (int) ((start + 3) & ~3), body.limit()).string(Rtnl.NLMSGERR_ATTR_MSG);
    }

    @Override
    public String toString() {
        return "NlMessage[type=" + type + ", flags=0x" + Integer.toHexString(flags) + ", seq=" + seq + ", pid=" + pid
                + ", " + body.limit() + " bytes]";
    }
}
