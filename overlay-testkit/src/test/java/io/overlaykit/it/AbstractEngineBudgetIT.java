package io.overlaykit.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.overlaykit.core.Host;
import io.overlaykit.core.Overlay;
import io.overlaykit.core.plan.Plan;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.RequestCounter;
import io.overlaykit.core.spi.RequestHook.Access;
import io.overlaykit.core.spi.RequestHook.Backend;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabOverlay;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The engine's request budget on real backends, as counts: a no-op apply or status of a host with 50
 * containers reads each part of the host once (one dump per kind per namespace, one podman list, one nft
 * listing, no OVSDB request once the cache is warm) and writes nothing; and {@code overlay plan} after a veth
 * was deleted by hand lists exactly what restores it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractEngineBudgetIT {
    static final int CONTAINERS = 50;
    /** Links, addresses, routes, rules, neighbours, FDB. */
    static final int KINDS = 6;

    private Lab lab;
    private LabOverlay overlay;
    private OverlaySpec spec;

    abstract String switchKind();

    abstract String specName();

    static String spec(String name, String sw) {
        List<String> containers = new ArrayList<>();
        for (int i = 1; i <= CONTAINERS; i++) {
            containers.add("{\"name\": \"p" + i + "\", \"ip\": \"10.78.1." + i + "\", \"image\": \"" + Lab.TEST_IMAGE
                    + "\", \"command\": [\"sh\", \"-c\", \"while sleep 3600; do :; done\"]}");
        }
        return """
                {"name": "%s", "vni": 5078, "subnet": "10.78.0.0/16", "switch": "%s",
                 "hosts": [
                  {"name": "hostA", "underlay": "192.0.2.2", "gateway": "10.78.0.1", "containers": [%s]},
                  {"name": "hostB", "underlay": "192.0.2.3", "gateway": "10.78.0.2"}]}
                """.formatted(name, sw, String.join(",\n", containers));
    }

    @BeforeAll
    void startLab() {
        spec = OverlaySpec.read(spec(specName(), switchKind()));
        long t0 = System.nanoTime();
        lab = LabOverlay.labFor(spec).start();
        overlay = LabOverlay.connect(lab);
        overlay.applyAll(spec);
        System.out.printf("[%s] lab with %d containers up and applied in %d ms%n", specName(), CONTAINERS,
                (System.nanoTime() - t0) / 1_000_000);
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
    @Order(1)
    void aNoOpApplyAndStatusReadEachPartOnceAndWriteNothing() {
        Host host = overlay.host("hostA");
        Overlay o = Overlay.of(spec);
        o.status(host); // warms the OVSDB cache
        RequestCounter counter = new RequestCounter();
        host.requestHook(counter);
        try {
            long t0 = System.nanoTime();
            assertThat(o.apply(host).isUnchanged()).isTrue();
            long applyMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("[%s] no-op apply of %d containers: %d ms, requests %s%n", specName(), CONTAINERS,
                    applyMs, counter.snapshot());
            assertBudget(counter, "no-op apply");

            counter.reset();
            assertThat(o.status(host).isClean()).isTrue();
            System.out.printf("[%s] status: requests %s%n", specName(), counter.snapshot());
            assertBudget(counter, "status");
        } finally {
            host.requestHook(null);
        }
    }

    private void assertBudget(RequestCounter c, String what) {
        int namespaces = 1 + CONTAINERS;
        assertThat(c.writes()).as(what + ": writes " + c.snapshot()).isZero();
        assertThat(c.count(Backend.OVSDB)).as(what + ": OVSDB requests with a warm cache").isZero();
        assertThat(c.count(Backend.PODMAN, Access.READ)).as(what + ": podman lists").isEqualTo(1);
        assertThat(c.count(Backend.NFTABLES, Access.READ)).as(what + ": nft listings").isEqualTo(1);
        assertThat(c.count(Backend.NETLINK, Access.READ)).as(what + ": netlink dumps, " + KINDS
                + " kinds in each of " + namespaces + " namespaces").isLessThanOrEqualTo((long) KINDS * namespaces);
    }

    @Test
    @Order(2)
    void planAfterAVethWasDeletedByHandListsWhatRestoresItAndApplyDoes() {
        Host host = overlay.host("hostA");
        Overlay o = Overlay.of(spec);
        Plan clean = o.plan(host);
        assertThat(clean.isEmpty()).as(clean.toText()).isTrue();
        String veth = clean.step("veth p7").description().split(" ")[1];
        Oracle.in(lab.host("hostA").namespace(), "ip", "link", "del", veth); // the container's eth0 goes with it

        Plan plan = o.plan(host);
        System.out.println(plan.toText());
        List<String> pending = plan.pending().stream().map(s -> s.id()).toList();
        List<String> expected = new ArrayList<>(List.of("veth p7", "attach p7"));
        if (switchKind().equals("ovs")) {
            expected.add("txoff p7");
        }
        expected.addAll(List.of("up p7", "sysctl p7"));
        if (switchKind().equals("ovs")) {
            expected.add("txoff p7 eth0");
        }
        expected.addAll(List.of("address p7", "eth0 p7", "route p7", "neighbours p7"));
        assertThat(pending).containsExactlyElementsOf(expected);
        assertThat(plan.toText()).contains("create veth " + veth + " <-> eth0 in container " + o.containerName("p7"))
                .contains("add address 10.78.1.7/16 to eth0 in container " + o.containerName("p7"))
                .contains("add route default via 10.78.0.1 dev eth0");
        assertThat(Oracle.in(lab.host("hostA").namespace(), "ip", "-j", "link", "show")).doesNotContain(veth);

        assertThat(o.apply(host).changedSteps()).containsExactlyElementsOf(expected);
        assertThat(Oracle.in(lab.host("hostA").namespace(), "ip", "-j", "link", "show")).contains("\"" + veth + "\"");
        assertThat(o.plan(host).toText()).endsWith("nothing to change");
    }

    /**
     * A container added to the spec gives every other container and the gateway one more permanent neighbour
     * entry: one message per namespace, sent in that namespace's one batch with one link dump for its ifindexes,
     * so the requests grow with the containers, not with the containers times their peers.
     */
    @Test
    @Order(3)
    void aNewPeerCostsOneNeighbourMessagePerNamespaceAndOneDumpPerBatch() {
        Host host = overlay.host("hostA");
        OverlaySpec bigger = OverlaySpec.read(spec(specName(), switchKind()).replace(
                "\"containers\": [{\"name\": \"p1\",",
                "\"containers\": [{\"name\": \"p51\", \"ip\": \"10.78.2.51\", \"image\": \"" + Lab.TEST_IMAGE
                        + "\", \"command\": [\"sh\", \"-c\", \"while sleep 3600; do :; done\"]},\n{\"name\": \"p1\","));
        Overlay o = Overlay.of(bigger);
        o.status(host);
        RequestCounter counter = new RequestCounter();
        java.util.concurrent.atomic.AtomicLong neighbourWrites = new java.util.concurrent.atomic.AtomicLong();
        host.requestHook((backend, access, operation) -> {
            counter.beforeRequest(backend, access, operation);
            if (operation.startsWith("add neighbour")) {
                neighbourWrites.incrementAndGet();
            }
        });
        try {
            assertThat(o.apply(host).changedSteps()).contains("neighbours p51", "neighbours p1", "neighbours gateway");
        } finally {
            host.requestHook(null);
        }
        int namespaces = 1 + CONTAINERS + 1;
        System.out.printf("[%s] adding a 51st container: requests %s%n", specName(), counter.snapshot());
        // p51 learns its 50 peers and the two gateways; each of the 50 others and the gateway learn p51; on the Linux
        // switch the bridge learns p51 too (its entry for neighbour suppression)
        int bridge = switchKind().equals("linux") ? 1 : 0;
        assertThat(neighbourWrites.get()).as("neighbour messages " + counter.snapshot())
                .isEqualTo(52 + CONTAINERS + 1 + bridge);
        assertThat(counter.count(Backend.NETLINK, Access.READ)).as("netlink reads " + counter.snapshot())
                .isLessThanOrEqualTo((long) (KINDS + 2) * namespaces);
        assertThat(o.status(host).isClean()).isTrue();
        spec = bigger;
    }
}
