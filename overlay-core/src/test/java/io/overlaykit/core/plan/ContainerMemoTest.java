package io.overlaykit.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.Overlay;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One podman inspect per container per engine run, forgotten whenever a step changed the host. */
class ContainerMemoTest {
    @TempDir
    Path tmp;

    @Test
    void anUnchangedApplyInspectsEachContainerOnce() {
        World w = new World(tmp, "hostA", true);
        Overlay overlay = Overlay.of(Specs.twoHosts());
        overlay.apply(w.host);

        Plan plan = Planner.plan(Specs.twoHosts(), w.host);
        w.runtime.inspects.set(0);
        assertThat(Status.of(plan).isClean()).isTrue();
        int unmemoized = w.runtime.inspects.get(); // status asks in every step's done()

        w.runtime.inspects.set(0);
        assertThat(OverlayEngine.apply(plan, ProgressListener.NONE).isUnchanged()).isTrue();
        assertThat(w.runtime.inspects).as("podA and podB, once each").hasValue(2);
        assertThat(unmemoized).isGreaterThanOrEqualTo(10);
        System.out.println("inspects for an unchanged apply of 2 containers: " + unmemoized + " -> 2");
    }

    @Test
    void aPlanKeptForLaterAndARestartMidwayStillSeeFreshAnswers() {
        World w = new World(tmp, "hostA", true);
        Overlay overlay = Overlay.of(Specs.twoHosts());
        overlay.apply(w.host);
        Plan kept = Planner.plan(Specs.twoHosts(), w.host);
        assertThat(OverlayEngine.apply(kept, ProgressListener.NONE).isUnchanged()).isTrue();

        var ci = w.runtime.restart("okcore-podA"); // after the first run of the same plan: no stale pid
        w.runtime.inspects.set(0);
        ApplyResult result = OverlayEngine.apply(kept, ProgressListener.NONE);
        assertThat(result.changedSteps()).contains("veth podA", "address podA", "route podA");
        assertThat(w.stack.existing(NetNamespace.ofPid(ci.pid())).addresses(InterfaceName.of("eth0"))).hasSize(1);
        // changed steps forget the memo, so more than 2, yet far fewer than one per step
        assertThat(w.runtime.inspects.get()).isGreaterThan(2).isLessThan((int) result.changed() + 3);
        assertThat(overlay.status(w.host).isClean()).isTrue();

        // a container removed by hand while a memo exists elsewhere: the run step runs it again
        w.runtime.remove("okcore-podB");
        assertThat(OverlayEngine.apply(kept, ProgressListener.NONE).changedSteps()).contains("container podB", "veth podB");
        assertThat(overlay.status(w.host).isClean()).isTrue();
    }
}
