package io.overlaykit.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.plan.Plan;
import io.overlaykit.core.spi.ContainerInfo;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine reads a host once per operation and writes nothing when nothing differs. */
class ObservationTest {
    @TempDir
    Path tmp;

    @Test
    void aNoOpApplyReadsEachPartOnceAndWritesNothing() {
        World w = new World(tmp, "hostA", true);
        w.apply(Specs.twoHosts());
        String before = w.snapshot();
        FakeStack.Ns podA = inside(w, "okcore-podA");
        w.runtime.lists.set(0);
        w.runtime.inspects.set(0);
        w.sw.writes = 0;
        w.root().observes = 0;
        podA.observes = 0;

        assertThat(w.apply(Specs.twoHosts()).isUnchanged()).isTrue();

        assertThat(w.runtime.lists).as("one podman list").hasValue(1);
        assertThat(w.runtime.inspects).as("no inspect per container").hasValue(0);
        assertThat(w.root().observes).as("the host namespace, once").isEqualTo(1);
        assertThat(podA.observes).as("a container's namespace, once").isEqualTo(1);
        assertThat(w.sw.writes).isZero();
        assertThat(w.snapshot()).isEqualTo(before);
    }

    @Test
    void planIsAValueThatDoesNotChangeTheHost() {
        World w = new World(tmp, "hostA", true);
        String pristine = w.snapshot();
        Plan first = w.plan(Specs.twoHosts());
        Plan second = w.plan(Specs.twoHosts());
        assertThat(second).isEqualTo(first);
        assertThat(w.snapshot()).isEqualTo(pristine);
        w.apply(Specs.twoHosts());
        assertThat(w.plan(Specs.twoHosts()).isEmpty()).isTrue();
        assertThat(w.plan(Specs.twoHosts())).isNotEqualTo(first);
    }

    @Test
    void aRestartedContainerIsPlannedAsAFreshNamespace() {
        // (its resolv.conf lives in its file system, which a restart keeps: no dns step)
        World w = new World(tmp, "hostA", true);
        w.apply(Specs.twoHosts());
        ContainerInfo again = w.runtime.restart("okcore-podA");
        Plan plan = w.plan(Specs.twoHosts());
        assertThat(plan.pending()).extracting(s -> s.id()).containsExactly("veth podA", "attach podA", "txoff podA",
                "up podA", "sysctl podA", "txoff podA eth0", "lo podA", "address podA", "eth0 podA", "route podA",
                "neighbours podA", "connmark podA", "reply-rule podA hostB", "reply-route podA hostB");
        w.apply(Specs.twoHosts());
        assertThat(w.stack.existing(NetNamespace.ofPid(again.pid())).addresses(ContainerPlanner.ETH0)).hasSize(1);
        assertThat(w.status(Specs.twoHosts()).isClean()).isTrue();
    }

    private static FakeStack.Ns inside(World w, String pod) {
        return w.stack.existing(NetNamespace.ofPid(w.runtime.inspect(pod).orElseThrow().pid()));
    }
}
