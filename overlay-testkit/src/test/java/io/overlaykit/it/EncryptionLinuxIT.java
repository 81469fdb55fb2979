package io.overlaykit.it;

/** An encrypted overlay on the Linux bridge + kernel VXLAN switch: VXLAN over each host's wireguard-go. */
class EncryptionLinuxIT extends AbstractEncryptionIT {
    @Override
    String switchKind() {
        return "linux";
    }

    @Override
    String specName() {
        return "okcrypt-lnx";
    }
}
