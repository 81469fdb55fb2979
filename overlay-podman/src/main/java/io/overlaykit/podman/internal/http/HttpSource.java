package io.overlaykit.podman.internal.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** A read buffer over a {@link Transport}: CRLF lines with a length limit, and raw bytes. */
final class HttpSource {
    private final Transport transport;
    private final byte[] buffer = new byte[16 * 1024];
    private int position;
    private int limit;
    private long timeoutMillis;

    HttpSource(Transport transport) {
        this.transport = transport;
    }

    void timeoutMillis(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    String peer() {
        return transport.peer();
    }

    /** True when bytes are buffered that no response has claimed yet. */
    boolean hasBuffered() {
        return position < limit;
    }

    /**
     * One line without its CR LF (a bare LF is tolerated, as most clients do).
     *
     * @return null at end of stream before the first byte of the line
     */
    String readLine(int maxBytes, String what) throws IOException {
        StringBuilder line = new StringBuilder();
        int count = 0;
        while (true) {
            if (position == limit && !fill()) {
                if (count == 0) {
                    return null;
                }
                throw new HttpProtocolException("connection to " + peer() + " closed in the middle of the " + what);
            }
            byte b = buffer[position++];
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (++count > maxBytes) {
                throw new HttpProtocolException(what + " from " + peer() + " is longer than " + maxBytes + " bytes");
            }
            line.append((char) (b & 0xff)); // ISO-8859-1, as HTTP/1.1 heads are
        }
    }

    /** Reads up to {@code length} bytes; -1 at end of stream. */
    int read(byte[] dst, int offset, int length) throws IOException {
        if (position == limit) {
            if (length >= buffer.length) {
                return transport.read(dst, offset, length, timeoutMillis); // large reads skip the copy
            }
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(buffer, position, dst, offset, n);
        position += n;
        return n;
    }

    /** Reads exactly {@code length} bytes or throws naming {@code what} was cut short. */
    void readFully(byte[] dst, int offset, int length, String what) throws IOException {
        int done = 0;
        while (done < length) {
            int n = read(dst, offset + done, length - done);
            if (n < 0) {
                throw new HttpProtocolException("connection to " + peer() + " closed in the middle of the " + what
                        + " (" + done + " of " + length + " bytes)");
            }
            done += n;
        }
    }

    private boolean fill() throws IOException {
        int n = transport.read(buffer, 0, buffer.length, timeoutMillis);
        if (n < 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
