/** Native rtnetlink, network namespaces, ethtool and nftables through JNA. */
module io.overlaykit.netlink {
    requires transitive io.overlaykit.core;
    requires com.sun.jna;
    requires com.fasterxml.jackson.databind;

    exports io.overlaykit.netlink;

    // JNA builds a proxy for the libnftables binding, which lives in a non-exported package.
    opens io.overlaykit.netlink.internal.nft to com.sun.jna;
}
