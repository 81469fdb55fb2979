/** The OVN switch backend: logical switches and ports in OVN's northbound database, ovn-controller per host. */
module io.overlaykit.ovn {
    requires transitive io.overlaykit.core;
    requires transitive io.overlaykit.ovs;

    exports io.overlaykit.ovn;
}
