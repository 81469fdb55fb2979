package io.overlaykit.ovs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonFrameReaderTest {

    /** Hands out at most {@code chunk} bytes per read, as a socket may. */
    private static InputStream trickle(String text, int chunk) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new InputStream() {
            int pos;

            @Override
            public int read() {
                return pos < bytes.length ? bytes[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, chunk), bytes.length - pos);
                System.arraycopy(bytes, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    @Test
    void splitsConcatenatedValuesWithoutDelimiters() throws IOException {
        String stream = "{\"id\":1,\"result\":[\"a\"],\"error\":null}{\"method\":\"echo\",\"params\":[],\"id\":\"x\"}"
                + "\n{\"method\":\"update2\",\"params\":[\"m\",{\"T\":{}}],\"id\":null}";
        try (JsonFrameReader r = new JsonFrameReader(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), 1 << 20)) {
            assertThat(r.next().get("id").asInt()).isEqualTo(1);
            assertThat(r.next().get("method").asText()).isEqualTo("echo");
            assertThat(r.next().get("method").asText()).isEqualTo("update2");
            assertThat(r.next()).isNull();
        }
    }

    @Test
    void reassemblesFramesSplitAcrossReads() throws IOException {
        // Braces inside strings must not confuse the framing: the parser, not a brace counter, splits.
        String stream = "{\"a\":\"}{\\\"\",\"b\":[1,2,{\"c\":\"ü\"}]}{\"d\":2}";
        try (JsonFrameReader r = new JsonFrameReader(trickle(stream, 1), 1 << 20)) {
            assertThat(r.next().get("a").asText()).isEqualTo("}{\"");
            assertThat(r.next().get("d").asInt()).isEqualTo(2);
            assertThat(r.next()).isNull();
        }
    }

    @Test
    void rejectsOversizedFrame() {
        String big = "{\"x\":\"" + "y".repeat(200_000) + "\"}";
        assertThatThrownBy(() -> {
            try (JsonFrameReader r = new JsonFrameReader(trickle(big, 4096), 50_000)) {
                r.next();
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("exceeds");
    }

    @Test
    void allowsLargeFramesUnderTheLimit() throws IOException {
        String big = "{\"x\":\"" + "y".repeat(30_000_000) + "\"}{\"z\":1}";
        try (JsonFrameReader r = new JsonFrameReader(trickle(big, 65536), 64L << 20)) {
            assertThat(r.next().get("x").asText()).hasSize(30_000_000);
            assertThat(r.next().get("z").asInt()).isEqualTo(1);
        }
    }

    @Test
    void truncatedStreamIsAnError() {
        assertThatThrownBy(() -> {
            try (JsonFrameReader r = new JsonFrameReader(trickle("{\"a\":1}{\"b\":", 3), 1 << 20)) {
                r.next();
                r.next();
            }
        }).isInstanceOf(IOException.class);
    }
}
