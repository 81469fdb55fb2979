package io.overlaykit.podman.internal.http;

import java.io.IOException;
import java.io.InputStream;

/** The three ways an HTTP/1.1 response body ends: a length, a zero-size chunk, or the end of the stream. */
final class BodyStreams {
    private BodyStreams() {
    }

    /** Common part: tracks completion and refuses reads after close. */
    abstract static class Body extends InputStream {
        final Http1Connection connection;
        final HttpSource source;
        boolean complete;
        boolean closed;

        Body(Http1Connection connection) {
            this.connection = connection;
            this.source = connection.source();
        }

        @Override
        public final int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public final int read(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("response body from " + connection.peer() + " is closed");
            }
            if (len == 0) {
                return 0;
            }
            if (complete) {
                return -1;
            }
            return readBody(b, off, len);
        }

        abstract int readBody(byte[] b, int off, int len) throws IOException;

        void finish() {
            complete = true;
            connection.bodyComplete();
        }

        boolean isComplete() {
            return complete;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** {@code Content-Length} bytes. */
    static final class FixedLength extends Body {
        private long remaining;

        FixedLength(Http1Connection connection, long length) {
            super(connection);
            this.remaining = length;
        }

        @Override
        int readBody(byte[] b, int off, int len) throws IOException {
            int n = source.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new HttpProtocolException("connection to " + connection.peer()
                        + " closed in the middle of the response body (" + remaining + " bytes missing)");
            }
            remaining -= n;
            if (remaining == 0) {
                finish();
            }
            return n;
        }
    }

    /** {@code Transfer-Encoding: chunked}: hex size lines, data, CRLF; a zero size and trailers end it. */
    static final class Chunked extends Body {
        private long chunkRemaining;
        private boolean first = true;

        Chunked(Http1Connection connection) {
            super(connection);
        }

        @Override
        int readBody(byte[] b, int off, int len) throws IOException {
            if (chunkRemaining == 0) {
                if (!first) {
                    expectCrlf();
                }
                first = false;
                chunkRemaining = readChunkSize();
                if (chunkRemaining == 0) {
                    readTrailers();
                    finish();
                    return -1;
                }
            }
            int n = source.read(b, off, (int) Math.min(len, chunkRemaining));
            if (n < 0) {
                throw new HttpProtocolException("connection to " + connection.peer()
                        + " closed in the middle of a chunk of the response body");
            }
            chunkRemaining -= n;
            return n;
        }

        private long readChunkSize() throws IOException {
            String line = source.readLine(Http1Connection.MAX_CHUNK_LINE, "chunk size line");
            if (line == null) {
                throw new HttpProtocolException("connection to " + connection.peer()
                        + " closed in the middle of a chunked response body");
            }
            int semicolon = line.indexOf(';');
            String hex = (semicolon >= 0 ? line.substring(0, semicolon) : line).trim();
            // hex digits only: Long.parseLong would take "-1" and "+1", and a negative size broke the reads
            if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new HttpProtocolException("malformed chunk size from " + connection.peer() + ": '" + line + "'");
            }
            try {
                return Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new HttpProtocolException("malformed chunk size from " + connection.peer() + ": '" + line + "'", e);
            }
        }

        private void expectCrlf() throws IOException {
            byte[] crlf = new byte[2];
            source.readFully(crlf, 0, 2, "chunk terminator");
            if (crlf[0] != '\r' || crlf[1] != '\n') {
                throw new HttpProtocolException("chunk from " + connection.peer() + " is not followed by CRLF");
            }
        }

        private void readTrailers() throws IOException {
            int bytes = 0;
            while (true) {
                String line = source.readLine(Http1Connection.MAX_HEADER_LINE, "chunked trailer");
                if (line == null) {
                    throw new HttpProtocolException("connection to " + connection.peer()
                            + " closed in the trailer of a chunked response body");
                }
                if (line.isEmpty()) {
                    return;
                }
                bytes += line.length();
                if (bytes > Http1Connection.MAX_HEAD_BYTES) {
                    throw new HttpProtocolException("chunked trailer from " + connection.peer() + " is too large");
                }
            }
        }
    }

    /** Everything until the peer closes: an unframed body or an upgraded (hijacked) stream. */
    static final class UntilEof extends Body {
        UntilEof(Http1Connection connection) {
            super(connection);
        }

        @Override
        int readBody(byte[] b, int off, int len) throws IOException {
            int n = source.read(b, off, len);
            if (n < 0) {
                finish();
            }
            return n;
        }
    }
}
