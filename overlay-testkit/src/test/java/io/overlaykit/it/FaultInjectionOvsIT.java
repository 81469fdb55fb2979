package io.overlaykit.it;

/** {@link AbstractFaultInjectionIT} on Open vSwitch. */
class FaultInjectionOvsIT extends AbstractFaultInjectionIT {
    @Override
    String switchKind() {
        return "ovs";
    }

    @Override
    String specName() {
        return "ckit-fio";
    }
}
