package io.overlaykit.it;

import io.overlaykit.testkit.WithLab;

/** The 4 x 25 mesh on Open vSwitch (userspace datapath). */
@WithLab(ovs = true, podman = true)
class MeshOvsIT extends AbstractMeshIT {
    @Override
    String switchKind() {
        return "ovs";
    }

    @Override
    String specName() {
        return "ckit-mso";
    }
}
