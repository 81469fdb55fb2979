package io.overlaykit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.testing.Ci;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code CI} counts as set for any non-empty value but {@code false}, here and in the modules below the testkit. */
class CiRuleTest {
    @ParameterizedTest(name = "CI=''{0}'' -> {1}")
    @CsvSource(value = {"true, true", "1, true", "yes, true", "on, true", "False, false", "false, false", "'', false",
            "NULL, false"}, nullValues = "NULL")
    void labPrerequisitesAndTheModuleTestsAgree(String value, boolean expected) {
        assertThat(LabPrerequisites.underCi(value)).isEqualTo(expected);
        assertThat(Ci.isSet(value)).as("overlay-core's test Ci").isEqualTo(expected);
    }

    /**
     * {@code @WithLab} and {@code @WithOverlay} decide skip-or-fail by the same rule: the testkit reads {@code CI}
     * in one place ({@code @WithOverlay} once compared it with "true", so {@code CI=1} skipped its tests).
     */
    @Test
    void theTestkitReadsCiInOnePlace() throws IOException {
        List<String> readers;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            readers = files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    return Files.readString(f).contains("getenv(\"CI\")");
                } catch (IOException e) {
                    throw new AssertionError(f + ": " + e.getMessage(), e);
                }
            }).map(f -> f.getFileName().toString()).toList();
        }
        assertThat(readers).containsExactly("LabPrerequisites.java");
    }
}
