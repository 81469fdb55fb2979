package io.overlaykit.netlink;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** TEST ONLY: root, {@code ip} and {@code libnftables.so.1}; fails under CI (any value but false), skips elsewhere. */
final class Prerequisites {
    private Prerequisites() {
    }

    static void requireRootAndNftables() {
        String missing = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            missing = "root (network namespaces and nftables)";
        } else if (Shell.tryRun("ip", "-V").exitCode() != 0) {
            missing = "the ip command (iproute2)";
        } else if (Shell.tryRun("nft", "--version").exitCode() != 0
                || !Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libnftables.so.1"))
                        && !Files.exists(Path.of("/usr/lib/libnftables.so.1"))
                        && !Files.exists(Path.of("/usr/lib64/libnftables.so.1"))) {
            missing = "nftables (nft and libnftables.so.1)";
        }
        if (missing == null) {
            return;
        }
        String message = "integration test needs " + missing;
        if (io.overlaykit.core.testing.Ci.isSet()) {
            fail(message);
        }
        Assumptions.assumeTrue(false, message + "; skipped outside CI");
    }
}
