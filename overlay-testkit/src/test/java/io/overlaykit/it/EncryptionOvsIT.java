package io.overlaykit.it;

/**
 * An encrypted overlay on Open vSwitch (userspace datapath): OVS tunnel ports cannot ride a TUN device, so each
 * host's VXLAN is a kernel device over its wireguard-go interface, plugged into the OVS bridge.
 */
class EncryptionOvsIT extends AbstractEncryptionIT {
    @Override
    String switchKind() {
        return "ovs";
    }

    @Override
    String specName() {
        return "okcrypt-ovs";
    }
}
