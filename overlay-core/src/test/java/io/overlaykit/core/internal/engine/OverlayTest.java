package io.overlaykit.core.internal.engine;

import io.overlaykit.core.plan.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.Host;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.OverlayException;
import io.overlaykit.core.spec.ForwardSpec;
import io.overlaykit.core.spi.Links;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverlayTest {
    @TempDir
    Path tmp;

    @Test
    void facadeReadsAppliesReportsAndTearsDown() throws Exception {
        Path file = tmp.resolve("okcore.json");
        Files.writeString(file, Specs.TWO_HOSTS);
        World w = new World(tmp.resolve("world"), "hostA", true);
        String pristine = w.snapshot();

        Overlay overlay = Overlay.fromSpec(file);
        assertThat(overlay.plan(w.host).toString()).startsWith("plan for spec okcore on host hostA (43 steps)")
                .contains("  1. bridge");
        // every step but the four that creating the veths already covers (MTU, gateway MAC)
        assertThat(overlay.status(w.host).drift()).hasSize(39).extracting(Status.Drift::kind)
                .containsOnly(Status.Kind.MISSING);

        List<String> events = new ArrayList<>();
        var result = overlay.apply(w.host, new ProgressListener() {
            @Override
            public void stepStarted(Step step) {
                events.add("start " + step.id());
            }

            @Override
            public void stepFinished(Step step, boolean changed, Duration took) {
                events.add((changed ? "changed " : "unchanged ") + step.id());
            }
        });
        assertThat(result.changed()).isEqualTo(39);
        assertThat(result.toMap()).containsEntry("changed", 39L).containsEntry("unchanged", 4L);
        assertThat(overlay.plan(w.host).toMap()).containsEntry("host", "hostA");
        // maps only: the CLI can hand them to Jackson as they are
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(overlay.status(w.host).toMap()))
                .startsWith("{\"spec\":\"okcore\",\"host\":\"hostA\",\"clean\":true");
        // the bridge and the tunnel are one switch batch: both start, the batch runs, both finish
        assertThat(events).hasSize(86).startsWith("start bridge", "start tunnel hostB", "changed bridge",
                "changed tunnel hostB", "start container podA", "changed container podA");
        assertThat(overlay.status(w.host).isClean()).isTrue();
        assertThat(overlay.apply(w.host).isUnchanged()).isTrue();
        assertThat(overlay.teardown(w.host)).isNotEmpty();
        assertThat(w.snapshot()).isEqualTo(pristine);
        assertThat(overlay.spec().host("hostA").forwards(ForwardSpec.Mode.USERSPACE)).hasSize(1);
    }

    @Test
    void hostBuildsTheLinuxSwitchOnItsOwnLinksAndNamesWhatIsMissing() {
        World w = new World(tmp, "hostA", false);
        AtomicReference<Links> given = new AtomicReference<>();
        Host linux = Host.builder("hostA").namespace(World.HOST_NS).stack(w.stack).containers(w.runtime)
                .stateRoot(tmp.resolve("state")).containerRoot(c -> tmp.resolve("roots").resolve(c.name()))
                .linuxSwitch(links -> {
                    given.set(links);
                    return w.sw;
                }).build();
        Overlay overlay = Overlay.of(io.overlaykit.core.spec.OverlaySpec.read(
                Specs.TWO_HOSTS.replace("\"switch\": \"ovs\"", "\"switch\": \"linux\"")));
        overlay.apply(linux);
        assertThat(given.get()).isSameAs(w.root());
        assertThat(linux.stateDir("okcore")).isEqualTo(tmp.resolve("state/okcore/hostA"));
        assertThatThrownBy(() -> Overlay.of(Specs.twoHosts()).plan(linux)).isInstanceOf(OverlayException.class)
                .hasMessageContaining("no Open vSwitch backend");
        Host bare = Host.builder("hostA").namespace(World.HOST_NS).stack(w.stack).ovs(w.sw)
                .stateRoot(tmp.resolve("bare")).build();
        assertThatThrownBy(() -> Overlay.of(Specs.twoHosts()).apply(bare)).hasMessageContaining("no container runtime");
        assertThat(tmp.resolve("bare")).as("a refused apply leaves no state directory").isEmptyDirectory();
        assertThat(Host.builder("x").stack(w.stack).build().stateDir("demo"))
                .isEqualTo(Path.of("/run/overlaykit/demo/x"));
        // core knows no backend: without a factory the Linux switch is the stack's, and this fake has none
        assertThatThrownBy(() -> bare.overlaySwitch(io.overlaykit.core.spec.SwitchKind.LINUX))
                .isInstanceOf(OverlayException.class).hasMessageContaining("host hostA has no Linux switch")
                .hasMessageContaining(".linuxSwitch(...)");
    }

    @Test
    void aListenerThatThrowsAbortsTheApplyAndNothingStays() {
        World w = new World(tmp, "hostA", true);
        String pristine = w.snapshot();
        RuntimeException stop = new IllegalStateException("stop here");
        assertThatThrownBy(() -> Overlay.of(Specs.twoHosts()).apply(w.host, new ProgressListener() {
            @Override
            public void stepStarted(Step step) {
                if (step.id().equals("firewall")) {
                    throw stop;
                }
            }
        })).isSameAs(stop);
        assertThat(w.snapshot()).isEqualTo(pristine);
    }

    @Test
    void watchRewiresARestartedContainer() throws Exception {
        World w = new World(tmp, "hostA", true);
        Overlay overlay = Overlay.of(Specs.twoHosts());
        overlay.apply(w.host);
        var applied = new java.util.concurrent.CompletableFuture<io.overlaykit.core.plan.ApplyResult>();
        try (AutoCloseable watch = overlay.watch(w.host, applied::complete, applied::completeExceptionally)) {
            var ci = w.runtime.restart("okcore-podA");
            var result = applied.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(result.changedSteps()).contains("veth podA", "address podA", "route podA", "reply-rule podA hostB")
                    .noneMatch(id -> id.endsWith("podB"));
            var inner = w.stack.existing(io.overlaykit.core.NetNamespace.ofPid(ci.pid()));
            assertThat(inner.addresses(io.overlaykit.core.InterfaceName.of("eth0"))).hasSize(1);
            watch.close();
            watch.close(); // idempotent
        }
    }
}
