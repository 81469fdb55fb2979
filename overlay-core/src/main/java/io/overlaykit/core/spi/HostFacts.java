package io.overlaykit.core.spi;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.plan.Target;
import java.util.Optional;

/**
 * What the engine observed of one host, for the parts of a plan that backends contribute. Read-only; a
 * fact that is not part of every observation (a link's TX checksum offload, an extra sysctl) is read on
 * first use and then remembered for the rest of the operation.
 */
public interface HostFacts {

    /** The namespace's links, addresses, routes, rules, neighbours and FDB; empty for a container not running. */
    NamespaceView namespace(Target target);

    /** Whether a link has TX checksum offload on; empty when the link (or the namespace) does not exist. */
    Optional<Boolean> txChecksum(Target target, InterfaceName link);

    /** A sysctl of the namespace; empty when the kernel has no such key or the namespace does not exist. */
    Optional<String> sysctl(Target target, String key);
}
