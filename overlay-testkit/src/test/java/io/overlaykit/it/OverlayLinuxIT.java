package io.overlaykit.it;

import io.overlaykit.testkit.WithLab;

/** The engine with the Linux bridge + kernel VXLAN switch on three lab hosts. */
@WithLab(podman = true)
class OverlayLinuxIT extends AbstractOverlayIT {
    @Override
    String switchKind() {
        return "linux";
    }

    @Override
    String specName() {
        return "ckit-lnx";
    }
}
