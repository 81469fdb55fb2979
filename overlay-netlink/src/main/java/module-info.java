/** Native rtnetlink, network namespaces, ethtool and nftables through JNA. */
module io.overlaykit.netlink {
    requires transitive io.overlaykit.core;
    requires com.sun.jna;
    requires com.fasterxml.jackson.databind;

    exports io.overlaykit.netlink;

    // JNA builds proxies of the libc and libnftables interfaces by reflection.
    opens io.overlaykit.netlink.internal to com.sun.jna;
    opens io.overlaykit.netlink.internal.nft to com.sun.jna;
}
