/** The libpod REST API over a Unix socket. */
module io.overlaykit.podman {
    requires transitive io.overlaykit.core;
    requires com.fasterxml.jackson.databind;

    exports io.overlaykit.podman;
}
