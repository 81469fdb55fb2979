package io.overlaykit.it;

import io.overlaykit.testkit.WithLab;

/** {@link NamesIT} with Open vSwitch (userspace datapath) as the overlay switch. */
@WithLab(ovs = true, podman = true)
class NamesOvsIT extends NamesIT {
    @Override
    String switchKind() {
        return "ovs";
    }

    @Override
    String specName() {
        return "ckit-nm17o";
    }
}
