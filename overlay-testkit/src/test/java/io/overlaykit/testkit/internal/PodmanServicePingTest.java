package io.overlaykit.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The ready probe gives up on a socket that accepts but never answers, instead of blocking forever. */
class PodmanServicePingTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(10)
    void aSocketThatNeverAnswersIsNotReadyWithinTheReadTimeout() throws Exception {
        Path socket = dir.resolve("okfo-hang.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket)); // the kernel accepts; nobody ever reads or writes
            long t0 = System.nanoTime();
            assertThat(PodmanService.ping(socket)).isFalse();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isLessThan(PodmanService.PING_CONNECT.plus(PodmanService.PING_READ).toMillis() + 1500);
        }
    }

    @Test
    void noSocketIsNotReady() {
        assertThat(PodmanService.ping(dir.resolve("okfo-none.sock"))).isFalse();
    }
}
