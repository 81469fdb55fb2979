package io.overlaykit.samples.cli;

import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;

/**
 * {@code --private-key FILE}: a host's WireGuard private key for a spec that gives the host's {@code publicKey},
 * in the form {@code wg genkey} writes (base64, one line). Refused unless the file is a regular file of mode 0600
 * owned by root; its content is never shown, not even in the refusal.
 */
final class PrivateKeyFile {
    private PrivateKeyFile() {
    }

    static Secret read(String option) {
        Path p = Path.of(option);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidSpecException("--private-key", option, "no such regular file (a symbolic link is refused)");
        }
        byte[] raw = null;
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
            if (!perms.equals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))
                    && !perms.equals(Set.of(PosixFilePermission.OWNER_READ))) {
                throw new InvalidSpecException("--private-key", option, "must have mode 0600 (or 0400), not "
                        + java.nio.file.attribute.PosixFilePermissions.toString(perms) + ": chmod 600 " + option);
            }
            int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (uid != 0) {
                throw new InvalidSpecException("--private-key", option, "must be owned by root, not by uid " + uid);
            }
            raw = Files.readAllBytes(p);
            byte[] key;
            try {
                key = Base64.getDecoder().decode(new String(raw, StandardCharsets.US_ASCII).trim());
            } catch (IllegalArgumentException e) {
                throw new InvalidSpecException("--private-key", option, "holds no base64 key (`wg genkey` writes one)");
            }
            if (key.length != 32) {
                throw new InvalidSpecException("--private-key", option, "holds no 32-byte WireGuard key");
            }
            try {
                return Secret.of(key);
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        } catch (IOException e) {
            throw new InvalidSpecException("--private-key", option, "cannot be read: " + e.getClass().getSimpleName());
        } finally {
            if (raw != null) {
                Arrays.fill(raw, (byte) 0);
            }
        }
    }
}
