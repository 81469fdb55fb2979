/** OverlayKit core: value types, the overlay spec, backend interfaces, planner and forwarder. */
module io.overlaykit.core {
    requires transitive java.logging;
    requires com.fasterxml.jackson.databind;

    exports io.overlaykit.core;
    exports io.overlaykit.core.spi;
    exports io.overlaykit.core.check;
    exports io.overlaykit.core.spec;
    exports io.overlaykit.core.plan;
    exports io.overlaykit.core.wireguard;

    // The spec's records are read by Jackson through reflection.
    opens io.overlaykit.core.spec to com.fasterxml.jackson.databind;
}
