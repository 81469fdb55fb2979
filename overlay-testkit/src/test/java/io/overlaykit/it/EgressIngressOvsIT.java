package io.overlaykit.it;

import io.overlaykit.testkit.WithLab;

/** {@link EgressIngressIT} with Open vSwitch (userspace datapath) as the overlay switch. */
@WithLab(ovs = true, podman = true)
class EgressIngressOvsIT extends EgressIngressIT {
    @Override
    String switchKind() {
        return "ovs";
    }

    @Override
    String specName() {
        return "ckit-egovs";
    }
}
