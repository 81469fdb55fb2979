package io.overlaykit.it;

import io.overlaykit.testkit.WithLab;

/** Static neighbour entries on the Open vSwitch switch (userspace datapath). */
@WithLab(ovs = true, podman = true)
class StaticNeighboursOvsIT extends AbstractStaticNeighboursIT {
    @Override
    String switchKind() {
        return "ovs";
    }

    @Override
    String specName() {
        return "ckit-ngo";
    }
}
