package io.overlaykit.it;

import io.overlaykit.testkit.WithLab;

/** {@link Ipv6UnderlayIT} with Open vSwitch (userspace datapath) as the overlay switch. */
@WithLab(ovs = true, podman = true)
class Ipv6UnderlayOvsIT extends Ipv6UnderlayIT {
    @Override
    String switchKind() {
        return "ovs";
    }

    @Override
    String specName() {
        return "ckit-u6o17";
    }
}
