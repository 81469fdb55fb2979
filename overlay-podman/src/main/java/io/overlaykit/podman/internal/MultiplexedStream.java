package io.overlaykit.podman.internal;

import io.overlaykit.podman.internal.http.HttpProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * Demultiplexes the attached output of an exec session without a TTY: frames of an 8-byte header
 * (stream byte 1 = stdout, 2 = stderr, three zero bytes, big-endian 32-bit payload size) followed by the
 * payload, until the end of the stream.
 */
public final class MultiplexedStream {
    private static final int HEADER = 8;

    /** What the two streams carried. */
    public record Output(byte[] stdout, byte[] stderr) {
    }

    private MultiplexedStream() {
    }

    /**
     * Reads frames until the end of {@code in}.
     *
     * @param maxBytes    limit on stdout plus stderr, to bound memory
     * @param deadlineNanos {@link System#nanoTime()} after which reading stops with a timeout; 0 for none
     */
    public static Output demux(InputStream in, int maxBytes, long deadlineNanos, String peer) throws IOException {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        byte[] header = new byte[HEADER];
        while (true) {
            int got = in.readNBytes(header, 0, HEADER);
            if (got == 0) {
                return new Output(stdout.toByteArray(), stderr.toByteArray());
            }
            if (got < HEADER) {
                throw new HttpProtocolException("exec stream from " + peer + " ended inside a frame header");
            }
            int stream = header[0];
            if (header[1] != 0 || header[2] != 0 || header[3] != 0 || stream < 0 || stream > 2) {
                throw new HttpProtocolException("exec stream from " + peer + " has a malformed frame header (stream "
                        + stream + "): is the session running with a TTY?");
            }
            long size = ((header[4] & 0xffL) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
                    | (header[7] & 0xff);
            if (stdout.size() + stderr.size() + size > maxBytes) {
                throw new HttpProtocolException("exec output from " + peer + " exceeds " + maxBytes + " bytes");
            }
            byte[] payload = in.readNBytes((int) size);
            if (payload.length < size) {
                throw new HttpProtocolException("exec stream from " + peer + " ended inside a frame ("
                        + payload.length + " of " + size + " bytes)");
            }
            // Stream 0 (stdin) is what docker echoes back on stdout; count it there.
            (stream == 2 ? stderr : stdout).write(payload, 0, payload.length);
            if (deadlineNanos != 0 && System.nanoTime() - deadlineNanos > 0) {
                throw new SocketTimeoutException("exec on " + peer + " still producing output at its deadline");
            }
        }
    }
}
