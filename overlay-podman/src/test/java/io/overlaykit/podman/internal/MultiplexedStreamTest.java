package io.overlaykit.podman.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.podman.internal.http.HttpProtocolException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultiplexedStreamTest {

    static byte[] frame(int stream, String payload) {
        byte[] data = payload.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) stream, 0, 0, 0, (byte) (data.length >>> 24), (byte) (data.length >>> 16),
                (byte) (data.length >>> 8), (byte) data.length});
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void separatesStdoutAndStderr() throws IOException {
        byte[] stream = concat(frame(1, "a"), frame(2, "E1"), frame(1, "b".repeat(70_000)), frame(2, ""), frame(2, "E2"));
        MultiplexedStream.Output out = MultiplexedStream.demux(new ByteArrayInputStream(stream), 1 << 20, 0, "p");
        assertThat(new String(out.stdout(), StandardCharsets.UTF_8)).isEqualTo("a" + "b".repeat(70_000));
        assertThat(new String(out.stderr(), StandardCharsets.UTF_8)).isEqualTo("E1E2");
    }

    @Test
    void emptyStream() throws IOException {
        MultiplexedStream.Output out = MultiplexedStream.demux(new ByteArrayInputStream(new byte[0]), 10, 0, "p");
        assertThat(out.stdout()).isEmpty();
        assertThat(out.stderr()).isEmpty();
    }

    @Test
    void truncatedFrames() {
        byte[] full = frame(1, "hello");
        assertThatThrownBy(() -> MultiplexedStream.demux(new ByteArrayInputStream(full, 0, 5), 100, 0, "/s"))
                .isInstanceOf(HttpProtocolException.class).hasMessageContaining("inside a frame header");
        assertThatThrownBy(() -> MultiplexedStream.demux(new ByteArrayInputStream(full, 0, 10), 100, 0, "/s"))
                .isInstanceOf(HttpProtocolException.class).hasMessageContaining("ended inside a frame (2 of 5 bytes)");
    }

    @Test
    void rejectsTtyOutputAndOversizedOutput() {
        byte[] tty = "total 0\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> MultiplexedStream.demux(new ByteArrayInputStream(tty), 100, 0, "/s"))
                .isInstanceOf(HttpProtocolException.class).hasMessageContaining("malformed frame header");
        assertThatThrownBy(() -> MultiplexedStream.demux(new ByteArrayInputStream(frame(1, "x".repeat(200))), 100, 0, "/s"))
                .isInstanceOf(HttpProtocolException.class).hasMessageContaining("exceeds 100 bytes");
    }
}
