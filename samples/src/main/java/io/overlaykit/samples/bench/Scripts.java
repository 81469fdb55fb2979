package io.overlaykit.samples.bench;

import io.overlaykit.core.BackendException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The shell baselines, {@code samples/bench/*.sh} in the source tree, packed into the jar under
 * {@value #RESOURCES}; a benchmark copies the one it runs into its own directory first.
 */
final class Scripts {
    static final String RESOURCES = "/io/overlaykit/samples/bench/scripts/";
    static final String WIRING_SEED = "wiring-seed.sh";
    static final String WIRING_FLOOR = "wiring-floor.sh";
    static final String OVERLAY_SEED = "overlay-seed.sh";
    static final String OVERLAY_TUNED = "overlay-tuned.sh";

    private Scripts() {
    }

    /** Copies script {@code name} into {@code dir}; returns its path. */
    static Path extract(String name, Path dir) {
        try (InputStream in = Scripts.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new BackendException("benchmark script " + name + " is missing from the class path ("
                        + RESOURCES + "); rebuild the samples module");
            }
            Path target = dir.resolve(name);
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new BackendException("cannot copy benchmark script " + name + " to " + dir + ": " + e.getMessage(), e);
        }
    }
}
