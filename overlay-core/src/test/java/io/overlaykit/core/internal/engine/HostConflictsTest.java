package io.overlaykit.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.ContainerRequest;
import io.overlaykit.core.spi.FirewallTable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Objects in the way that are not ours: refused as invalid input before anything changes, every one named. */
class HostConflictsTest {
    @TempDir
    Path dir;

    private InvalidSpecException refused(World w, OverlaySpec spec) {
        String before = w.snapshot();
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> Overlay.of(spec).apply(w.host));
        assertThat(t).isInstanceOf(InvalidSpecException.class);
        assertThat(w.snapshot()).as("nothing changed").isEqualTo(before);
        return (InvalidSpecException) t;
    }

    @Test
    void aLinkWithOurNameThatIsNotOursIsRefused() {
        World w = new World(dir, "hostA", true);
        Names n = Names.of("okcore");
        w.root().create(new VethPair(n.containerVeth("podA"), InterfaceName.of("someone"), null, 1500, null, null));
        InvalidSpecException e = refused(w, Specs.twoHosts());
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("hosts[0].containers[0].name");
            assertThat(p.value()).isEqualTo("podA");
            assertThat(p.reason()).contains(n.containerVeth("podA").value(), "is not ours", "alias none");
        });
    }

    @Test
    void aContainerOfOurNameWithoutOurLabelsIsRefused() {
        World w = new World(dir, "hostA", true);
        w.runtime.run(ContainerRequest.builder("okcore-podB", "img").label("owner", "someone else").build());
        InvalidSpecException e = refused(w, Specs.twoHosts());
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("hosts[0].containers[1].name");
            assertThat(p.reason()).contains("okcore-podB", "not ours");
        });
    }

    @Test
    void aForeignTableOfOurNameIsRefusedAndOurOwnIsNot() {
        World w = new World(dir, "hostA", true);
        w.root().replaceTable(new FirewallTable(Names.of("okcore").firewallTable(), List.of()));
        InvalidSpecException e = refused(w, Specs.twoHosts());
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("name");
            assertThat(p.reason()).contains("overlaykit_okcore", "did not create it");
        });
        w.root().deleteTable(Names.of("okcore").firewallTable());
        Overlay.of(Specs.twoHosts()).apply(w.host); // now ours
        assertThat(Overlay.of(Specs.twoHosts()).apply(w.host).isUnchanged()).isTrue();
    }

    @Test
    void anExistingContainerThatDoesNotRunIsRefused() {
        World w = new World(dir, "hostA", true);
        OverlaySpec spec = OverlaySpec.read(Specs.TWO_HOSTS.replace(
                "{\"name\": \"podB\", \"ip\": \"172.16.0.11\", \"image\": \"img\"}",
                "{\"name\": \"legacy\", \"ip\": \"172.16.0.11\", \"existing\": true}"));
        InvalidSpecException e = refused(w, spec);
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("hosts[0].containers[1].name");
            assertThat(p.value()).isEqualTo("legacy");
            assertThat(p.reason()).contains("no container of that name exists");
        });
    }

    @Test
    void aListenAddressHeldByALocalSocketIsRefusedWithEveryOtherConflict() throws Exception {
        World w = new World(dir, "hostA", true);
        w.root().create(new VethPair(Names.of("okcore").bridge(), InterfaceName.of("x"), null, 1500, null, null));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            OverlaySpec spec = OverlaySpec.read(Specs.TWO_HOSTS.replace("\"listen\": \"192.0.2.5:1234\"",
                    "\"listen\": \"127.0.0.1:" + port + "\""));
            InvalidSpecException e = refused(w, spec);
            assertThat(e.problems()).extracting(InvalidSpecException.Problem::path)
                    .containsExactlyInAnyOrder("name", "hosts[0].forwards[0].listen");
            assertThat(e.getMessage()).contains("127.0.0.1:" + port, "already holds tcp");
        }
    }
}
