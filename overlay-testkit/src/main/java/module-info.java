/** The virtual lab: namespaces as hosts, per-host OVS daemons, a podman service, a JUnit 5 extension. */
module io.overlaykit.testkit {
    requires transitive io.overlaykit.core;
    requires transitive io.overlaykit.netlink;
    requires transitive io.overlaykit.ovs;
    requires transitive io.overlaykit.ovn;
    requires transitive io.overlaykit.podman;
    requires com.fasterxml.jackson.databind;
    requires static transitive org.junit.jupiter.api;

    exports io.overlaykit.testkit;
}
