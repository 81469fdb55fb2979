package io.overlaykit.core.internal.engine;

import io.overlaykit.core.plan.*;
import io.overlaykit.core.Host;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.VethPair;
import io.overlaykit.core.spec.OverlaySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** One simulated host for planner tests: fake kernel, switch and podman, state and container roots in a temp dir. */
final class World {
    static final NetNamespace HOST_NS = NetNamespace.named("okcore-hostA");

    final FakeStack stack = new FakeStack();
    final FakeSwitch sw;
    final FakeRuntime runtime = new FakeRuntime(stack);
    final Path dir;
    final Host host;

    World(Path dir, String hostName, boolean userspace) {
        this.dir = dir;
        this.sw = new FakeSwitch(userspace);
        FakeStack.Ns root = stack.add(HOST_NS);
        // the uplink: a veth to nowhere stands in for the NIC that holds the underlay address
        root.create(new VethPair(InterfaceName.of("eth0"), InterfaceName.of("eth0-peer"), null, 1500, null, null));
        root.setUp(InterfaceName.of("eth0"));
        root.addAddress(InterfaceName.of("eth0"), IpPrefix.parse("192.0.2.2/24"));
        this.host = Host.builder(hostName).namespace(HOST_NS).stack(stack).ovs(sw).containers(runtime)
                .stateRoot(dir.resolve("state"))
                .containerRoot(c -> dir.resolve("roots").resolve(c.name()))
                .build();
    }

    Plan plan(OverlaySpec spec) {
        return Engine.plan(spec, host);
    }

    ApplyResult apply(OverlaySpec spec) {
        return Engine.apply(spec, host, ProgressListener.NONE);
    }

    ApplyResult apply(OverlaySpec spec, ProgressListener listener) {
        return Engine.apply(spec, host, listener);
    }

    Status status(OverlaySpec spec) {
        return Engine.status(spec, host);
    }

    java.util.List<String> teardown(OverlaySpec spec) {
        return Engine.teardown(spec, host);
    }

    FakeStack.Ns root() {
        return stack.existing(HOST_NS);
    }

    /** Everything observable: kernel, switch, containers and files (state, resolv.conf). */
    String snapshot() {
        return stack.snapshot() + sw.snapshot() + runtime.snapshot() + files();
    }

    private String files() {
        if (!Files.exists(dir)) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                Path rel = dir.relativize(p);
                if (rel.startsWith("roots") && runtime.inspect(rel.getName(1).toString()).isEmpty()) {
                    continue; // a removed container's file system is gone with it
                }
                String content = Files.readString(p).lines().filter(l -> !l.startsWith("#")).toList().toString();
                sb.append("file ").append(rel).append(' ').append(content).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }
}
