package io.overlaykit.samples.cli;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.spi.OverlaySwitch;
import io.overlaykit.netlink.NetlinkStack;
import io.overlaykit.podman.PodmanClient;
import io.overlaykit.samples.SeedHost;
import io.overlaykit.samples.SeedWalkthrough;
import io.overlaykit.samples.Switches;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code overlay demo [--switch ovs|linux] [--keep]}: the seed walkthrough ({@link SeedWalkthrough}) on a fresh
 * virtual lab of two hosts and {@code outside}; removes the lab afterwards unless {@code --keep}.
 */
final class DemoCommand {
    static final String DEFAULT_PREFIX = "okdemo";

    private DemoCommand() {
    }

    static int run(List<String> argv, Console console) {
        Args args = Args.parse(argv, Set.of("keep", "quiet", "json"), Set.of("switch", "prefix"));
        if (!args.positionals().isEmpty()) {
            throw new InvalidSpecException("demo", args.positionals().get(0), "takes no positional argument");
        }
        String kind = args.option("switch", "ovs");
        if (!kind.equals("ovs") && !kind.equals("linux")) {
            throw new InvalidSpecException("--switch", kind, "must be ovs or linux");
        }
        boolean ovs = kind.equals("ovs");
        boolean keep = args.flag("keep");
        String prefix = args.option("prefix", DEFAULT_PREFIX);
        long t0 = System.nanoTime();

        Lab.destroy(prefix); // a lab of an earlier demo run with --keep, or one that was killed
        long tl = System.nanoTime();
        Lab lab = Lab.builder().prefix(prefix)
                .host("hostA", "192.0.2.2/24").host("hostB", "192.0.2.3/24").outside("192.0.2.100/24")
                .withOvs(ovs).withPodman(true).persistent(keep).start();
        console.step(Console.Mark.CHANGED, "lab " + prefix + ": hosts hostA 192.0.2.2, hostB 192.0.2.3, outside "
                + "192.0.2.100 on one wire" + (ovs ? ", OVS per host (userspace datapath)" : "")
                + ", podman with " + Lab.TEST_IMAGE, Duration.ofNanos(System.nanoTime() - tl));
        boolean passed = false;
        int checks = 0;
        List<OverlaySwitch> switches = new ArrayList<>();
        try (NetlinkStack stack = NetlinkStack.open(); PodmanClient podman = PodmanClient.connect(lab.podmanSocket())) {
            List<SeedHost> hosts = new ArrayList<>();
            String[] containers = {"podA", "podB"};
            for (int i = 0; i < 2; i++) {
                LabHost h = lab.hosts().get(i);
                OverlaySwitch sw = ovs ? Switches.ovs(h.ovsdbRemote(), "netdev") : Switches.linux(stack.links(h.namespace()));
                switches.add(sw);
                hosts.add(new SeedHost(h.name(), h.namespace(), h.underlay().address(), InterfaceName.of(h.uplink()),
                        sw, prefix + "-" + containers[i], IpPrefix.parse("172.16.0." + (10 + i) + "/24"),
                        IpPrefix.parse("172.16.0." + (1 + i) + "/24")));
            }
            try (SeedWalkthrough seed = new SeedWalkthrough(stack, podman, hosts.get(0), hosts.get(1),
                    lab.outside().namespace(), lab.outside().underlay().address(), Lab.TEST_IMAGE, listener(console))) {
                try {
                    passed = seed.run();
                } finally {
                    checks = seed.checksPassed();
                }
            }
        } catch (RuntimeException e) {
            console.error(e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            switches.forEach(OverlaySwitch::close);
            if (keep) {
                console.info("kept: lab " + prefix + " (namespaces " + prefix + "-hostA, " + prefix + "-hostB, " + prefix
                        + "-outside; try `ip netns exec " + prefix + "-hostA ip -br link`); remove it with "
                        + "`./overlay lab down " + prefix + "`");
            } else {
                long tc = System.nanoTime();
                lab.close();
                console.step(Console.Mark.UNDONE, "removed lab " + prefix + " (containers, daemons, namespaces)",
                        Duration.ofNanos(System.nanoTime() - tc));
            }
        }
        Duration total = Duration.ofNanos(System.nanoTime() - t0);
        console.result(java.util.Map.of("event", "demo", "passed", passed, "checks", checks, "switch", kind,
                "millis", total.toMillis()), (passed ? "demo passed: " : "demo FAILED: ") + checks + " checks passed, "
                + kind + " switch, " + Console.millis(total));
        return passed ? 0 : 1;
    }

    private static SeedWalkthrough.Listener listener(Console console) {
        return new SeedWalkthrough.Listener() {
            @Override
            public void did(String step, String what, Duration took) {
                console.step(Console.Mark.CHANGED, String.format("%-13s %s", step, what), took);
            }

            @Override
            public void checked(String step, String what, boolean passed, Duration took) {
                console.step(passed ? Console.Mark.OK : Console.Mark.FAILED,
                        String.format("%-13s %s", "", "check: " + what), took);
            }
        };
    }
}
