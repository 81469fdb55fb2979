package io.overlaykit.it;

/** {@link AbstractEngineBudgetIT} on Open vSwitch (userspace datapath). */
class EngineBudgetOvsIT extends AbstractEngineBudgetIT {
    @Override
    String switchKind() {
        return "ovs";
    }

    @Override
    String specName() {
        return "ckit-bgo";
    }
}
