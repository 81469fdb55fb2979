package io.overlaykit.core;

import java.util.Objects;

/** A layer-2 switch: a Linux bridge, or an Open vSwitch bridge when the switch backend is OVS. */
public record Bridge(InterfaceName name, Integer mtu, String alias) {

    public Bridge {
        Objects.requireNonNull(name, "name");
        if (mtu != null) {
            Mtu.check("bridge " + name + " mtu", mtu);
        }
    }

    public static Bridge named(String name) {
        return new Bridge(InterfaceName.of(name), null, null);
    }

    public Bridge withMtu(int mtu) {
        return new Bridge(name, mtu, alias);
    }

    public Bridge withAlias(String alias) {
        return new Bridge(name, mtu, alias);
    }
}
