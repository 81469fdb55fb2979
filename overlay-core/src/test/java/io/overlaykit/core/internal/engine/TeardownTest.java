package io.overlaykit.core.internal.engine;

import io.overlaykit.core.plan.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.ContainerRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeardownTest {
    @TempDir
    Path tmp;

    @Test
    void teardownAfterApplyLeavesTheHostAsItWas() {
        World w = new World(tmp, "hostA", true);
        String pristine = w.snapshot();
        w.apply(Specs.twoHosts());
        List<String> done = w.teardown(Specs.twoHosts());
        assertThat(done).contains("removed container okcore-podA", "removed nft table overlaykit_okcore",
                "removed address 192.0.2.5/32 from eth0", "restored net.ipv4.ip_forward=0");
        assertThat(w.snapshot()).isEqualTo(pristine);
        assertThat(tmp.resolve("state/okcore/hostA")).doesNotExist();
    }

    @Test
    void teardownOfAHalfAppliedHostAfterACrash() {
        int steps = new World(tmp.resolve("probe"), "hostA", true).plan(Specs.twoHosts()).steps().size();
        for (int k = 1; k < steps; k++) {
            World w = new World(tmp.resolve("k" + k), "hostA", true);
            String pristine = w.snapshot();
            // a crash: the process dies once k steps are done, so no rollback runs
            int crashAt = k;
            Throwable crash = org.assertj.core.api.Assertions.catchThrowable(() -> w.apply(Specs.twoHosts(),
                    new ProgressListener() {
                        int finished;

                        @Override
                        public void stepFinished(Step step, boolean changed, java.time.Duration took) {
                            if (++finished == crashAt) {
                                throw new Crash();
                            }
                        }
                    }));
            assertThat(crash).isInstanceOf(Crash.class);
            assertThat(w.snapshot()).isNotEqualTo(pristine);
            w.teardown(Specs.twoHosts());
            assertThat(w.snapshot()).as("teardown after a crash at step %d", k).isEqualTo(pristine);
        }
    }

    /** Stands in for the process dying: an Error, which apply does not roll back. */
    private static final class Crash extends Error {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void teardownOfACleanHostSucceedsAndChangesNothing() {
        World w = new World(tmp, "hostA", true);
        String pristine = w.snapshot();
        assertThat(w.teardown(Specs.twoHosts())).isEmpty();
        assertThat(w.snapshot()).isEqualTo(pristine);
    }

    @Test
    void teardownKeepsWhatWasThereBeforeAndWhatIsNotOurs() {
        World w = new World(tmp, "hostA", true);
        w.root().sysctls.put("net.ipv4.ip_forward", "1");
        w.root().addAddress(InterfaceName.of("eth0"), IpPrefix.parse("192.0.2.5/32"));
        w.runtime.run(ContainerRequest.builder("other", "img").label("io.overlaykit.spec", "otherspec").build());
        w.root().replaceTable(new io.overlaykit.core.spi.FirewallTable("somebody_else", List.of()));
        String before = w.snapshot();
        w.apply(Specs.twoHosts());
        w.teardown(Specs.twoHosts());
        assertThat(w.snapshot()).isEqualTo(before);
        assertThat(w.root().sysctls).containsEntry("net.ipv4.ip_forward", "1");
        assertThat(w.root().addresses(InterfaceName.of("eth0"))).extracting(a -> a.prefix().toString())
                .contains("192.0.2.5/32");
    }

    @Test
    void existingContainersKeepRunningAndGetTheirResolvConfBack() throws Exception {
        World w = new World(tmp, "hostA", true);
        var ci = w.runtime.run(ContainerRequest.builder("legacy", "img").build());
        Path resolv = tmp.resolve("roots/legacy/etc/resolv.conf");
        Files.createDirectories(resolv.getParent());
        Files.writeString(resolv, "nameserver 10.9.9.9\n");
        OverlaySpec spec = OverlaySpec.read(Specs.TWO_HOSTS.replace(
                "{\"name\": \"podB\", \"ip\": \"172.16.0.11\", \"image\": \"img\"}",
                "{\"name\": \"legacy\", \"ip\": \"172.16.0.11\", \"existing\": true}")
                .replace("\"172.16.0.10:8080\"", "\"172.16.0.11:8080\""));
        String before = w.snapshot();
        w.apply(spec);
        var inner = w.stack.existing(NetNamespace.ofPid(ci.pid()));
        assertThat(inner.tables()).containsExactly("overlaykit_okcore");
        assertThat(inner.rules()).hasSize(1);
        assertThat(Files.readString(resolv)).contains("192.0.2.53");
        w.teardown(spec);
        assertThat(w.runtime.inspect("legacy")).isPresent();
        inner.setDown(InterfaceName.of("lo")); // lo stays up after teardown: harmless, and not worth a record
        assertThat(Files.readString(resolv)).isEqualTo("nameserver 10.9.9.9\n");
        assertThat(w.snapshot()).isEqualTo(before);
    }
}
