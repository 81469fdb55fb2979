package io.overlaykit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The extension hands the same lab to @BeforeAll, tests and @Nested tests of one class. */
@WithLab(hosts = 3, outside = false)
class LabExtensionIT {
    private static Lab first;

    @BeforeAll
    static void remember(Lab lab) {
        first = lab;
    }

    @Test
    void oneLabPerClassWithTheDeclaredHosts(Lab lab) {
        assertThat(lab).isSameAs(first);
        assertThat(lab.hosts()).extracting(LabHost::name).containsExactly("hostA", "hostB", "hostC");
        assertThat(lab.host("hostC").underlay().toString()).contains("192.0.2.4");
        assertThat(lab.host("hostC").exec("ping", "-c", "1", "-W", "2", "192.0.2.2")).contains("1 received");
    }

    @Nested
    class Inner {
        @Test
        void nestedTestsShareTheLab(Lab lab) {
            assertThat(lab).isSameAs(first);
        }
    }
}
