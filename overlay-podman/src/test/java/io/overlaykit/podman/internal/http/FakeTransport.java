package io.overlaykit.podman.internal.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A scripted peer: hands out recorded response bytes a few at a time and records what was written. */
final class FakeTransport implements Transport {
    private final byte[] input;
    private final int step;
    private final boolean timeoutAtEnd;
    private int position;
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    boolean closed;
    long lastTimeout = -1;

    FakeTransport(byte[] input, int step, boolean timeoutAtEnd) {
        this.input = input;
        this.step = step;
        this.timeoutAtEnd = timeoutAtEnd;
    }

    static FakeTransport of(String response, int step) {
        return new FakeTransport(response.getBytes(StandardCharsets.ISO_8859_1), step, false);
    }

    @Override
    public int read(byte[] buffer, int offset, int length, long timeoutMillis) throws IOException {
        lastTimeout = timeoutMillis;
        if (closed) {
            throw new IOException("closed");
        }
        if (position == input.length) {
            if (timeoutAtEnd) {
                throw new SocketTimeoutException("read on fake timed out");
            }
            return -1;
        }
        int n = Math.min(Math.min(length, step), input.length - position);
        System.arraycopy(input, position, buffer, offset, n);
        position += n;
        return n;
    }

    @Override
    public void write(byte[] buffer, int offset, int length, long timeoutMillis) {
        written.write(buffer, offset, length);
    }

    @Override
    public boolean isStale() {
        return closed;
    }

    @Override
    public String peer() {
        return "/fake/podman.sock";
    }

    @Override
    public void close() {
        closed = true;
    }

    String writtenText() {
        return written.toString(StandardCharsets.ISO_8859_1);
    }
}
