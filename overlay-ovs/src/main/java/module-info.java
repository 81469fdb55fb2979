/** OVSDB JSON-RPC client (RFC 7047) and the Open vSwitch switch backend. */
module io.overlaykit.ovs {
    requires transitive io.overlaykit.core;
    requires com.fasterxml.jackson.databind;

    exports io.overlaykit.ovs;
}
