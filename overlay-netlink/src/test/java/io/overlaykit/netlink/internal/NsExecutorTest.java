package io.overlaykit.netlink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.OverlayTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The executor on the namespace this JVM is in: no setns needed, so no root either. */
class NsExecutorTest {
    private static final Path OWN = Path.of("/proc/self/ns/net");

    @Test
    void runsWorkAndReturnsItsResult() throws Exception {
        try (NsExecutor ex = new NsExecutor(OWN, "okfn-own", Duration.ofSeconds(5))) {
            assertThat(ex.call(NsExecutor::currentInode)).isEqualTo(NsExecutor.inodeOf(OWN));
            assertThat(ex.usable()).isTrue();
        }
    }

    @Test
    void workThatHangsFailsTheCallerInTimeAndRetiresTheExecutor() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (NsExecutor ex = new NsExecutor(OWN, "okfn-own", Duration.ofMillis(200))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> ex.call(() -> never.await(1, TimeUnit.MINUTES)))
                    .isInstanceOf(OverlayTimeoutException.class)
                    .hasMessageContaining("namespace okfn-own")
                    .hasMessageContaining("PT0.2S");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(ex.usable()).isFalse(); // the next call gets a fresh executor
        } finally {
            never.countDown();
        }
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThatThrownBy(() -> new NsExecutor(OWN, "okfn-own", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
