package io.overlaykit.core.internal.engine;

import io.overlaykit.core.plan.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spi.ContainerInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplyTest {
    @TempDir
    Path tmp;

    private static final InterfaceName ETH0 = InterfaceName.of("eth0");

    private static ApplyResult apply(OverlaySpec spec, World w) {
        return w.apply(spec);
    }

    private static FakeStack.Ns inside(World w, String pod) {
        ContainerInfo ci = w.runtime.inspect(pod).orElseThrow();
        return w.stack.existing(NetNamespace.ofPid(ci.pid()));
    }

    @Test
    void applyWiresEverythingAndASecondApplyChangesNothing() throws Exception {
        World w = new World(tmp, "hostA", true);
        OverlaySpec spec = Specs.twoHosts();
        Names n = Names.of("okcore");
        ApplyResult first = apply(spec, w);
        assertThat(first.steps()).extracting(ApplyResult.StepOutcome::id).startsWith("bridge", "tunnel hostB",
                "container podA", "container podB", "veth podA", "veth podB", "mtu podA", "mtu podB",
                "attach podA", "attach podB", "txoff podA", "txoff podB", "up podA", "up podB", "sysctl podA");
        // veth create sets MTU and the gateway MAC already, so those three steps find nothing to do
        assertThat(first.changed()).isEqualTo(42);
        assertThat(first.steps()).filteredOn(o -> !o.changed()).extracting(ApplyResult.StepOutcome::id)
                .containsExactly("mtu podA", "mtu podB", "gateway mac", "gateway mtu");

        FakeStack.Ns podA = inside(w, "okcore-podA");
        assertThat(podA.addresses(ETH0)).extracting(a -> a.prefix().toString()).containsExactly("172.16.0.10/12");
        assertThat(podA.get(ETH0).mtu()).isEqualTo(1450);
        // A stable MAC, so peers' ARP entries survive a restart of the container.
        assertThat(podA.get(ETH0).mac()).isEqualTo(n.containerMac("podA"));
        assertThat(podA.get(ETH0).up()).isTrue();
        assertThat(podA.txChecksum(ETH0)).isFalse();
        assertThat(podA.routes(254)).extracting(Object::toString).containsExactly("default via 172.16.0.1 dev eth0");
        assertThat(podA.sysctls).containsEntry("net.ipv6.conf.eth0.autoconf", "0").containsEntry("net.ipv4.conf.eth0.arp_notify", "1")
                .as("no IPv6 in the spec: none on eth0").containsEntry("net.ipv6.conf.eth0.disable_ipv6", "1");
        assertThat(podA.tables()).containsExactly("overlaykit_okcore");
        assertThat(podA.rules()).hasSize(1);
        assertThat(podA.routes(podA.rules().get(0).table())).extracting(Object::toString)
                .containsExactly("default via 172.16.0.2 dev eth0 table " + podA.rules().get(0).table());
        assertThat(inside(w, "okcore-podB").tables()).isEmpty(); // nobody forwards to podB from elsewhere
        assertThat(Files.readString(tmp.resolve("roots/okcore-podA/etc/resolv.conf"))).contains("nameserver 192.0.2.53");
        assertThat(w.runtime.inspect("okcore-podA").orElseThrow().labels())
                .containsEntry("io.overlaykit.spec", "okcore").containsEntry("io.overlaykit.host", "hostA");

        FakeStack.Ns root = w.root();
        InterfaceName gw = n.gatewayVeth("hostA");
        assertThat(root.addresses(gw)).extracting(a -> a.prefix().toString()).containsExactly("172.16.0.1/12");
        assertThat(root.get(gw).mac()).isEqualTo(n.gatewayMac("hostA"));
        assertThat(root.get(n.containerVeth("podA")).alias()).isEqualTo("overlaykit:okcore");
        assertThat(root.sysctls).containsEntry("net.ipv4.ip_forward", "1");
        assertThat(root.addresses(ETH0)).extracting(a -> a.prefix().toString()).contains("192.0.2.5/32");
        assertThat(root.tables()).containsExactly("overlaykit_okcore");
        assertThat(w.sw.ports(n.bridge())).contains(n.containerVeth("podA"), n.containerVeth("podB"),
                n.gatewayPort("hostA"), n.tunnel("hostB"));

        String after = w.snapshot();
        ApplyResult second = apply(spec, w);
        assertThat(second.isUnchanged()).isTrue();
        assertThat(second.unchanged()).isEqualTo(46);
        assertThat(second.toString()).contains("nothing to change");
        assertThat(w.snapshot()).isEqualTo(after);
        assertThat(w.status(spec).isClean()).isTrue();
        assertThat(w.plan(spec).isEmpty()).isTrue();
        assertThat(w.plan(spec).toText()).endsWith("nothing to change");
    }

    @Test
    void rollbackAtEveryStepLeavesTheHostAsItWas() {
        int steps;
        {
            World probe = new World(tmp.resolve("probe"), "hostA", true);
            steps = probe.plan(Specs.twoHosts()).steps().size();
        }
        for (int k = 0; k < steps; k++) {
            World w = new World(tmp.resolve("k" + k), "hostA", true);
            String before = w.snapshot();
            int failAt = k;
            RuntimeException injected = new BackendException("injected failure at step " + k);
            List<String> undone = new ArrayList<>();
            List<String> changed = new ArrayList<>();
            ProgressListener faulty = new ProgressListener() {
                int started;

                @Override
                public void stepStarted(Step step) {
                    if (started++ == failAt) {
                        throw injected;
                    }
                }

                @Override
                public void stepFinished(Step step, boolean didChange, Duration took) {
                    if (didChange) {
                        changed.add(0, step.id());
                    }
                }

                @Override
                public void stepUndone(Step step, Duration took) {
                    undone.add(step.id());
                }
            };
            Throwable thrown = catchThrowable(() -> w.apply(Specs.twoHosts(), faulty));
            assertThat(thrown).as("step %d", k).isSameAs(injected);
            assertThat(thrown.getSuppressed()).as("undo failures at step %d", k).isEmpty();
            assertThat(undone).as("undone at step %d", k).isEqualTo(changed);
            assertThat(w.snapshot()).as("state after a failure at step %d", k).isEqualTo(before);
        }
    }

    @Test
    void rollbackKeepsTheFirstErrorAndAttachesUndoFailures() {
        World w = new World(tmp, "hostA", true);
        RuntimeException original = new BackendException("kernel said no");
        RuntimeException undoFailure = new BackendException("undo broke");
        List<String> failed = new ArrayList<>();
        // the address of podA fails; then undoing podA's sysctls fails too
        w.stack.failNext("addAddress", original);
        Throwable thrown = catchThrowable(() -> w.apply(Specs.twoHosts(), new ProgressListener() {
            @Override
            public void stepStarted(Step step) {
                if (step.id().equals("address podA")) {
                    inside(w, "okcore-podA").failSysctlWrites(undoFailure);
                }
            }

            @Override
            public void stepFailed(Step step, Throwable error) {
                failed.add(step.id());
            }
        }));
        assertThat(thrown).isSameAs(original);
        assertThat(thrown.getSuppressed()).isEmpty(); // a fresh container's sysctls need no undo: it goes anyway
        assertThat(failed).containsExactly("address podA");
        assertThat(w.runtime.containers).isEmpty(); // the steps before the failing one were undone
        assertThat(w.sw.owners).isEmpty();

        // an undo that fails is attached to the first error, and the other undos still run
        World v = new World(tmp.resolve("v"), "hostA", true);
        v.root().sysctls.put("net.ipv4.ip_forward", "0");
        List<String> failedToo = new ArrayList<>();
        Throwable again = catchThrowable(() -> v.apply(Specs.twoHosts(), new ProgressListener() {
            @Override
            public void stepStarted(Step step) {
                if (step.id().equals("firewall")) {
                    v.stack.failNext("replaceTable", original);
                    v.root().failSysctlWrites(undoFailure); // ip_forward cannot be put back
                }
            }

            @Override
            public void stepFailed(Step step, Throwable error) {
                failedToo.add(step.id());
            }
        }));
        assertThat(again).isSameAs(original);
        assertThat(again.getSuppressed()).containsExactly(undoFailure);
        assertThat(failedToo).containsExactly("firewall", "ip_forward");
        assertThat(v.runtime.containers).isEmpty();
        assertThat(v.sw.owners).isEmpty();
    }

    @Test
    void convergeRemovesWhatTheSpecNoLongerHas() {
        World w = new World(tmp, "hostA", true);
        Names n = Names.of("okcore");
        apply(Specs.twoHosts(), w);
        // a veth of ours left behind by a crash, and a link of somebody else that must stay
        w.root().create(new io.overlaykit.core.VethPair(n.containerVeth("gone"), InterfaceName.of("x-peer"), null,
                1450, null, n.alias()));
        w.root().create(new io.overlaykit.core.VethPair(InterfaceName.of("okvtheirs-1"), InterfaceName.of("y-peer"),
                null, 1450, null, "someone-else"));

        Status drift = w.status(Specs.withoutPodB());
        // podB leaves podA's /etc/hosts block too
        assertThat(drift.drift()).filteredOn(d -> !d.step().equals("hosts podA")).extracting(Status.Drift::kind)
                .containsOnly(Status.Kind.EXTRA);
        assertThat(drift.toText()).contains("remove container okcore-podB").contains(n.containerVeth("gone").value());

        ApplyResult r = apply(Specs.withoutPodB(), w);
        // podA's eth0 and the gateway drop their permanent entries for podB; podA's /etc/hosts loses it
        assertThat(r.changedSteps()).containsExactly("neighbours gone podA", "hosts podA", "neighbours gone gateway",
                "remove container okcore-podB",
                "remove link " + n.containerVeth("gone"));
        assertThat(w.runtime.inspect("okcore-podB")).isEmpty();
        assertThat(w.root().find(n.containerVeth("podB"))).isEmpty();
        assertThat(w.root().find(n.containerVeth("gone"))).isEmpty();
        assertThat(w.root().find(InterfaceName.of("okvtheirs-1"))).isPresent();
        assertThat(w.root().find(n.containerVeth("podA"))).isPresent();
        assertThat(apply(Specs.withoutPodB(), w).isUnchanged()).isTrue();
    }

    @Test
    void convergeRemovesTunnelsToHostsThatLeftAndTheirListenAddresses() {
        World w = new World(tmp, "hostA", true);
        apply(Specs.twoHosts(), w);
        OverlaySpec alone = OverlaySpec.read("""
                {"name": "okcore", "vni": 5000, "subnet": "172.16.0.0/12", "switch": "ovs", "mtu": 1450,
                 "hosts": [{"name": "hostA", "underlay": "192.0.2.2", "gateway": "172.16.0.1",
                   "containers": [{"name": "podA", "ip": "172.16.0.10", "image": "img", "command": ["sleep", "1d"]},
                                  {"name": "podB", "ip": "172.16.0.11", "image": "img"}]}]}
                """);
        ApplyResult r = apply(alone, w);
        assertThat(r.changedSteps()).contains("remove tunnel 192.0.2.3", "remove listen 192.0.2.5", "firewall");
        assertThat(w.sw.tunnels(Names.of("okcore").bridge())).isEmpty();
        assertThat(w.root().addresses(ETH0)).extracting(a -> a.prefix().toString()).containsExactly("192.0.2.2/24");
    }

    @Test
    void statusListsWhatIsMissing() {
        World w = new World(tmp, "hostA", true);
        apply(Specs.twoHosts(), w);
        w.root().setDown(Names.of("okcore").gatewayVeth("hostA"));
        w.root().deleteAddress(ETH0, IpPrefix.parse("192.0.2.5/32"));
        Status s = w.status(Specs.twoHosts());
        assertThat(s.drift()).extracting(Status.Drift::step).containsExactly("gateway up", "listen 192.0.2.5");
        assertThat(s.toMap()).containsEntry("clean", false);
        assertThat(s.toText()).contains("2 differences").contains("missing gateway up");
        assertThat(apply(Specs.twoHosts(), w).changedSteps()).containsExactly("gateway up", "listen 192.0.2.5");
    }

    @Test
    void aContainerWithoutIpv6SkipsTheIpv6Sysctl() {
        World w = new World(tmp, "hostA", true);
        w.apply(Specs.twoHosts(), new ProgressListener() {
            @Override
            public void stepStarted(Step step) {
                if (step.id().equals("sysctl podA")) {
                    inside(w, "okcore-podA").sysctls.remove("net.ipv6.conf.eth0.autoconf");
                }
            }
        });
        assertThat(inside(w, "okcore-podA").sysctls).containsEntry("net.ipv4.conf.eth0.arp_notify", "1")
                .doesNotContainKey("net.ipv6.conf.eth0.autoconf");
        assertThat(w.status(Specs.twoHosts()).isClean()).isTrue();
    }

    @Test
    void aBackendFailureInsideAStepLeavesNoRecordBehind() {
        World w = new World(tmp, "hostA", true);
        String before = w.snapshot();
        // the uplink disappears between planning and the listen-address step: addAddress fails in the backend
        Throwable thrown = catchThrowable(() -> w.apply(Specs.twoHosts(), new ProgressListener() {
            @Override
            public void stepStarted(Step step) {
                if (step.id().equals("listen 192.0.2.5")) {
                    w.root().linkTable().get(ETH0).alias = "renamed";
                    w.root().linkTable().put(InterfaceName.of("eth9"), w.root().linkTable().remove(ETH0));
                }
            }
        }));
        assertThat(thrown).isInstanceOf(io.overlaykit.core.NotFoundException.class).hasMessageContaining("eth0");
        w.root().linkTable().put(ETH0, w.root().linkTable().remove(InterfaceName.of("eth9")));
        w.root().linkTable().get(ETH0).alias = null;
        assertThat(w.snapshot()).isEqualTo(before);
    }

    @Test
    void aDeadSwitchPortIsReplugged() {
        World w = new World(tmp, "hostA", true);
        OverlaySpec spec = Specs.twoHosts();
        Names n = Names.of("okcore");
        apply(spec, w);
        InterfaceName gwPort = n.gatewayPort("hostA");
        InterfaceName podEnd = n.containerVeth("podA");
        w.sw.dead.add(gwPort); // e.g. the gateway pair re-created after a crash: OVS still holds the old device
        w.sw.dead.add(podEnd);

        ApplyResult again = apply(spec, w);

        assertThat(again.steps()).filteredOn(ApplyResult.StepOutcome::changed).extracting(ApplyResult.StepOutcome::id)
                .containsExactlyInAnyOrder("attach podA", "gateway attach");
        assertThat(w.sw.replugs).isEqualTo(2);
        assertThat(w.sw.dead).isEmpty();
        assertThat(apply(spec, w).changed()).isZero();
    }
}
