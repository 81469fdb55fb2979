package io.overlaykit.it;

/** {@link AbstractFaultInjectionIT} on the Linux bridge. */
class FaultInjectionLinuxIT extends AbstractFaultInjectionIT {
    @Override
    String switchKind() {
        return "linux";
    }

    @Override
    String specName() {
        return "ckit-fil";
    }
}
