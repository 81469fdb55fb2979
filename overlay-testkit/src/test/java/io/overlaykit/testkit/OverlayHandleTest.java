package io.overlaykit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.spec.OverlaySpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The unique name every {@code @WithOverlay} overlay runs under keeps the rest of the spec as written. */
class OverlayHandleTest {

    @Test
    void renamedKeepsEverythingButTheName() throws IOException {
        String json = resource("specs/okext.json");
        OverlaySpec original = OverlaySpec.read(json);
        OverlaySpec a = OverlayHandle.renamed(json);
        OverlaySpec b = OverlayHandle.renamed(json);
        assertThat(a.name()).matches("okext-[0-9a-z]{4}");
        assertThat(a.name()).isNotEqualTo(b.name());
        assertThat(a.hosts()).isEqualTo(original.hosts());
        assertThat(a.subnet()).isEqualTo(original.subnet());
        assertThat(a.vni()).isEqualTo(original.vni());
        assertThat(a.lab()).isEqualTo(original.lab());
    }

    @Test
    void aLongNameIsCutToLeaveRoomForTheSuffix() throws IOException {
        String json = resource("specs/okext.json").replace("\"okext\"", "\"" + "x".repeat(32) + "\"");
        assertThat(OverlayHandle.renamed(json).name()).hasSize(32).startsWith("x".repeat(27) + "-");
    }

    @Test
    void anInvalidSpecNamesItsOwnField() throws IOException {
        String json = resource("specs/okext.json").replace("\"vni\": 5100", "\"vni\": 99999999");
        assertThatThrownBy(() -> OverlayHandle.renamed(json)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("vni").hasMessageContaining("99999999");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = OverlayHandleTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
