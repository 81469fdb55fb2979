package io.overlaykit.it;

import io.overlaykit.testkit.WithLab;

/** The engine with Open vSwitch (one ovsdb-server + ovs-vswitchd per host, userspace datapath) on three lab hosts. */
@WithLab(ovs = true, podman = true)
class OverlayOvsIT extends AbstractOverlayIT {
    @Override
    String switchKind() {
        return "ovs";
    }

    @Override
    String specName() {
        return "ckit-ovs";
    }
}
