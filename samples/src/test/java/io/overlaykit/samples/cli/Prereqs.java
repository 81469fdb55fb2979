package io.overlaykit.samples.cli;

import io.overlaykit.testkit.LabPrerequisites;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Integration tests need root and the lab's programs: skip with one line outside CI, fail under CI (any value but false). */
final class Prereqs {
    private Prereqs() {
    }

    static void require(boolean ovs) {
        List<String> missing = LabPrerequisites.missing(ovs, true);
        if (missing.isEmpty()) {
            return;
        }
        String why = "samples integration tests need: " + String.join(", ", missing);
        if (LabPrerequisites.underCi()) {
            throw new IllegalStateException(why + " (CI is set: failing instead of skipping)");
        }
        Assumptions.assumeTrue(false, why);
    }

    /** Names under /run/netns that start with {@code prefix}. */
    static List<String> namespaces(String prefix) {
        try (var s = java.nio.file.Files.list(java.nio.file.Path.of("/run/netns"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).toList();
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
