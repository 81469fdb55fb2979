package io.overlaykit.core;

import java.util.Objects;

/** A layer-2 switch: a Linux bridge, or an Open vSwitch bridge when the switch backend is OVS. */
public record Bridge(InterfaceName name, Integer mtu, String alias) {

    /**
     * Requires {@code name}; {@code mtu} and {@code alias} may be null (kernel default, no tag).
     * @throws InvalidSpecException if {@code mtu} is outside {@link Mtu#MIN}..{@link Mtu#MAX}
     */
    public Bridge {
        Objects.requireNonNull(name, "name");
        if (mtu != null) {
            Mtu.check("bridge " + name + " mtu", mtu);
        }
    }

    /** A bridge named {@code name} with the kernel's default MTU and no alias. */
    public static Bridge named(String name) {
        return new Bridge(InterfaceName.of(name), null, null);
    }

    /** This bridge with MTU {@code mtu} (checked when the copy is built). */
    public Bridge withMtu(int mtu) {
        return new Bridge(name, mtu, alias);
    }

    /** This bridge with link alias {@code alias}, the tag that marks it as ours for teardown. */
    public Bridge withAlias(String alias) {
        return new Bridge(name, mtu, alias);
    }
}
