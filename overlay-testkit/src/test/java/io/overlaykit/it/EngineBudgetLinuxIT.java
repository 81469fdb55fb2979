package io.overlaykit.it;

/** {@link AbstractEngineBudgetIT} on the Linux bridge with kernel VXLAN. */
class EngineBudgetLinuxIT extends AbstractEngineBudgetIT {
    @Override
    String switchKind() {
        return "linux";
    }

    @Override
    String specName() {
        return "ckit-bgl";
    }
}
