/** OverlayKit core: value types, the overlay spec, backend interfaces, planner and forwarder. */
module io.overlaykit.core {
    requires transitive java.logging;
    requires com.fasterxml.jackson.databind;

    exports io.overlaykit.core;
    exports io.overlaykit.core.spi;
    exports io.overlaykit.core.spec;
    exports io.overlaykit.core.plan;
}
