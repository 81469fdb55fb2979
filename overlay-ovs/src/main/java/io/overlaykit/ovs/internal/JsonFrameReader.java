package io.overlaykit.ovs.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream of concatenated JSON values (OVSDB's framing: no delimiters, no length prefix)
 * into one {@link JsonNode} per message, with Jackson's streaming parser doing the splitting. A message
 * larger than {@code maxFrameBytes} fails the stream rather than eating the heap. Not thread-safe:
 * one reader thread owns it.
 */
public final class JsonFrameReader implements AutoCloseable {
    private final CountingStream in;
    private final JsonFactory factory;
    private final ObjectMapper mapper;
    private final long maxFrameBytes;
    private MappingIterator<JsonNode> values;

    public JsonFrameReader(InputStream source, long maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
        this.in = new CountingStream(source);
        int maxString = (int) Math.min(Integer.MAX_VALUE, maxFrameBytes);
        this.factory = JsonFactory.builder()
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(maxString).build())
                .build();
        factory.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
        this.mapper = new ObjectMapper(factory);
    }

    /** The next message, or null at a clean end of stream. Blocks until a whole value has arrived. */
    public JsonNode next() throws IOException {
        in.frameStart = in.total;
        if (values == null) {
            // Created on first use: the parser reads the first bytes to detect the encoding, which
            // must happen on the reader thread, not in the constructor.
            values = mapper.readerFor(JsonNode.class).readValues(factory.createParser(in));
        }
        if (!values.hasNextValue()) {
            return null;
        }
        return values.nextValue();
    }

    @Override
    public void close() throws IOException {
        if (values != null) {
            values.close();
        }
    }

    /**
     * Counts bytes handed to the parser since the current message began. The parser reads ahead in
     * buffers, so the limit is exact to within one buffer (8 KiB): fine for a guard against runaway peers.
     */
    private final class CountingStream extends FilterInputStream {
        long total;
        long frameStart;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws IOException {
            total += n;
            if (total - frameStart > maxFrameBytes + 8192) {
                throw new FrameTooLargeException("JSON-RPC message exceeds " + maxFrameBytes + " bytes");
            }
        }
    }

    /** A peer sent a message over the size limit; the stream cannot be resynchronised. */
    public static final class FrameTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        FrameTooLargeException(String message) {
            super(message);
        }
    }
}
