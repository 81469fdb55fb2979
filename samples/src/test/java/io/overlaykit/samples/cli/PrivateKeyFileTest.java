package io.overlaykit.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.InvalidSpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --private-key FILE}: mode 0600, owned by root, a base64 32-byte key; its content never shown. */
class PrivateKeyFileTest {
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
        31, 32});

    @TempDir
    Path dir;

    @Test
    void aKeyFileOfMode0600IsReadAndAnyOtherModeIsRefused() throws Exception {
        Path f = dir.resolve("wg.key");
        Files.writeString(f, KEY + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> PrivateKeyFile.read(f.toString())).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("--private-key").hasMessageContaining("0600").hasMessageNotContaining(KEY);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        boolean root = Files.getAttribute(f, "unix:uid").equals(0);
        if (root) {
            assertThat(PrivateKeyFile.read(f.toString()).bytes()).hasSize(32).startsWith(1, 2, 3);
        } else {
            assertThatThrownBy(() -> PrivateKeyFile.read(f.toString())).hasMessageContaining("owned by root");
        }
        Files.writeString(f, "not a key at all\n");
        assertThatThrownBy(() -> PrivateKeyFile.read(f.toString())).hasMessageNotContaining("not a key at all");
        assertThatThrownBy(() -> PrivateKeyFile.read(dir.resolve("none").toString())).hasMessageContaining("no such");
    }
}
