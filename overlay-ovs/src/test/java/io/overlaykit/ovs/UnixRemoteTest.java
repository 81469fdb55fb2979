package io.overlaykit.ovs;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.BackendException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A unix: remote whose path is no socket is refused saying what the path is, not "Connection refused". */
class UnixRemoteTest {
    private static final OvsdbClientOptions FAST = OvsdbClientOptions.defaults().withCallTimeout(Duration.ofSeconds(2));

    @Test
    void aRegularFileADirectoryAndNothingAreNamedAsSuch(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("db.sock"), "not a socket");
        assertThatThrownBy(() -> OvsdbClient.connect(OvsdbRemote.unix(file), FAST)).isInstanceOf(BackendException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("is not a Unix socket (a regular file)");
        assertThatThrownBy(() -> OvsdbClient.connect(OvsdbRemote.unix(dir), FAST)).isInstanceOf(BackendException.class)
                .hasMessageContaining("is not a Unix socket (a directory)");
        assertThatThrownBy(() -> OvsdbClient.connect(OvsdbRemote.unix(dir.resolve("gone.sock")), FAST))
                .isInstanceOf(BackendException.class).hasMessageContaining("no such socket");
    }
}
