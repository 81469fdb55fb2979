package io.overlaykit.it;

import io.overlaykit.testkit.WithLab;

/** {@link DualStackIT} with Open vSwitch (userspace datapath) as the overlay switch. */
@WithLab(ovs = true, podman = true)
class DualStackOvsIT extends DualStackIT {
    @Override
    String switchKind() {
        return "ovs";
    }

    @Override
    String specName() {
        return "ckit-ds17o";
    }
}
