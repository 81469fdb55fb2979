package io.overlaykit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.Host;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.RequestCounter;
import io.overlaykit.core.spi.RequestHook;
import io.overlaykit.testkit.HostOracle;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabHost;
import io.overlaykit.testkit.LabOverlay;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Faults inside operations, on real backends: for every k, the k-th request of an apply of the demo's spec
 * (a netlink message, an OVSDB transaction, a podman call, an nft command, a sysctl or ethtool call) fails
 * as if the system had refused it. The apply must fail with that error, roll back, and leave the host as it
 * was, compared through tools we did not write, line by line as multisets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractFaultInjectionIT {
    private Lab lab;
    private LabOverlay overlay;
    private OverlaySpec spec;

    abstract String switchKind();

    abstract String specName();

    /** The demo's spec ({@code samples/specs/demo2.json}) under this test's name. */
    static String spec(String name, String sw) {
        return """
                {"name": "%s", "vni": 5000, "subnet": "172.16.0.0/24", "switch": "%s", "mtu": 1450,
                 "dns": ["192.0.2.100"], "lab": {"outside": "192.0.2.100"},
                 "hosts": [
                  {"name": "hostA", "underlay": "192.0.2.2", "gateway": "172.16.0.1", "egress": true,
                   "containers": [{"name": "podA", "ip": "172.16.0.10", "image": "%s", "command": %s}],
                   "forwards": [{"listen": "192.0.2.5:1234", "target": "172.16.0.11:9000", "mode": "dnat"},
                                {"listen": "192.0.2.5:1235", "target": "172.16.0.11:9001", "mode": "userspace"}]},
                  {"name": "hostB", "underlay": "192.0.2.3", "gateway": "172.16.0.2", "egress": true,
                   "containers": [{"name": "podB", "ip": "172.16.0.11", "image": "%3$s", "command": %4$s}]}]}
                """.formatted(name, sw, Lab.TEST_IMAGE, "[\"sh\", \"-c\", \"while sleep 3600; do :; done\"]");
    }

    @BeforeAll
    void startLab() {
        spec = OverlaySpec.read(spec(specName(), switchKind()));
        lab = LabOverlay.labFor(spec).start();
        overlay = LabOverlay.connect(lab);
        lab.hosts().forEach(HostOracle::awaitSettled);
    }

    @AfterAll
    void closeLab() {
        try {
            if (overlay != null) {
                overlay.close();
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
        }
    }

    @Test
    void everyRequestOfAnApplyCanFailAndTheHostIsLeftAsItWas() {
        Overlay o = Overlay.of(spec);
        int total = 0;
        long t0 = System.nanoTime();
        for (String name : List.of("hostA", "hostB")) {
            Host host = overlay.host(name);
            LabHost labHost = lab.host(name);
            HostOracle.Snapshot pristine = state(labHost);

            o.apply(host); // warms what is cached (the OVSDB monitor), so every later apply makes the same requests
            o.teardown(host);
            RequestCounter counter = new RequestCounter();
            host.requestHook(counter);
            o.apply(host);
            host.requestHook(null);
            long requests = counter.reads() + counter.writes();
            o.teardown(host);
            assertThat(pristine.differences(state(labHost))).as(name + " after apply and teardown").isEmpty();
            System.out.printf("[%s] %s: an apply makes %d requests %s%n", specName(), name, requests, counter.snapshot());

            for (int k = 1; k <= requests; k++) {
                FailKth fault = new FailKth(k);
                host.requestHook(fault);
                Throwable thrown;
                try {
                    thrown = catchThrowable(() -> o.apply(host));
                } finally {
                    host.requestHook(null);
                }
                assertThat(fault.failed).as(name + ": request %d was made and failed", k).isNotNull();
                assertThat(causes(thrown)).as(name + ": apply with request %d (%s) failing", k, fault.failed)
                        .contains(fault.injected);
                assertThat(thrown.getSuppressed()).as(name + ": undo failures after request %d (%s)", k, fault.failed)
                        .isEmpty();
                assertThat(pristine.differences(state(labHost)))
                        .as(name + " after request %d (%s) failed", k, fault.failed).isEmpty();
                total++;
            }
        }
        System.out.printf("[%s] %d faults injected inside applies, each rolled back to the oracles' state, in %d ms%n",
                specName(), total, (System.nanoTime() - t0) / 1_000_000);
        assertThat(total).isGreaterThan(40);
    }

    private static List<Throwable> causes(Throwable t) {
        List<Throwable> out = new ArrayList<>();
        for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) {
            out.add(c);
        }
        return out;
    }

    /** Fails the k-th request the host's backends make, once; later ones pass (the rollback among them). */
    private static final class FailKth implements RequestHook {
        private final int k;
        private final AtomicInteger seen = new AtomicInteger();
        final RuntimeException injected;
        volatile String failed;

        FailKth(int k) {
            this.k = k;
            this.injected = new BackendException("injected: request " + k + " refused");
        }

        @Override
        public void beforeRequest(Backend backend, Access access, String operation) {
            if (seen.incrementAndGet() == k) {
                failed = backend + " " + access + " " + operation;
                throw injected;
            }
        }
    }

    /** The host as tools we did not write show it, each view a multiset of lines. */
    private HostOracle.Snapshot state(LabHost h) {
        return HostOracle.snapshot(lab, h, overlay.host(h.name()).stateDir(spec.name()));
    }
}
