package io.overlaykit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.testing.Ci;
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
}
