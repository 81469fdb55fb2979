package io.overlaykit.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CiTest {
    @ParameterizedTest(name = "CI=''{0}'' -> {1}")
    @CsvSource(value = {"true, true", "1, true", "yes, true", "TRUE, true", "anything, true", "false, false",
            "FALSE, false", "'', false", "'  ', false", "NULL, false"}, nullValues = "NULL")
    void anyNonEmptyValueButFalseMeansCi(String value, boolean expected) {
        assertThat(Ci.isSet(value)).isEqualTo(expected);
    }
}
