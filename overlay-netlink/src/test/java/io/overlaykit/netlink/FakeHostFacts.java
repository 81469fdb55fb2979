package io.overlaykit.netlink;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.plan.Target;
import io.overlaykit.core.spi.HostFacts;
import io.overlaykit.core.spi.NamespaceView;
import io.overlaykit.core.testing.InMemoryLinks;
import java.util.Optional;

/** Host facts for the Linux switch's planner tests: the host namespace is {@code links}, every sysctl reads 1. */
final class FakeHostFacts implements HostFacts {
    private final InMemoryLinks links;

    FakeHostFacts(InMemoryLinks links) {
        this.links = links;
    }

    @Override
    public NamespaceView namespace(Target target) {
        return links.observe();
    }

    @Override
    public Optional<Boolean> txChecksum(Target target, InterfaceName link) {
        return Optional.empty();
    }

    @Override
    public Optional<String> sysctl(Target target, String key) {
        return Optional.of("1");
    }
}
