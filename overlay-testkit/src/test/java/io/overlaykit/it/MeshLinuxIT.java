package io.overlaykit.it;

import io.overlaykit.testkit.WithLab;

/** The 4 x 25 mesh on the Linux bridge + kernel VXLAN switch. */
@WithLab(podman = true)
class MeshLinuxIT extends AbstractMeshIT {
    @Override
    String switchKind() {
        return "linux";
    }

    @Override
    String specName() {
        return "ckit-msl";
    }
}
