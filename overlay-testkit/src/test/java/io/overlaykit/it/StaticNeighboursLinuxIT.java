package io.overlaykit.it;

import io.overlaykit.testkit.WithLab;

/** Static neighbour and FDB entries on the Linux bridge + kernel VXLAN switch. */
@WithLab(podman = true)
class StaticNeighboursLinuxIT extends AbstractStaticNeighboursIT {
    @Override
    String switchKind() {
        return "linux";
    }

    @Override
    String specName() {
        return "ckit-ngl";
    }
}
