package io.overlaykit.core;

import java.util.Objects;

/**
 * A veth pair: {@code name} in the namespace where it is created, {@code peerName} created directly in
 * {@code peerNamespace} (no move afterwards, so a half-made pair never sits in the wrong namespace).
 *
 * <pre>{@code
 * VethPair.builder("podA-ovs").peer("eth0").peerNamespace(NetNamespace.ofPid(pid)).mtu(1450).build()
 * }</pre>
 */
public record VethPair(InterfaceName name, InterfaceName peerName, NetNamespace peerNamespace, Integer mtu,
                       MacAddress peerMac, String alias) {

    /**
     * Requires both names; {@code peerNamespace} (null: the same namespace), {@code mtu}, {@code peerMac} and
     * {@code alias} may be null.
     * @throws InvalidSpecException if {@code mtu} is out of range, or if both ends share a namespace and a name
     */
    public VethPair {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(peerName, "peerName");
        if (mtu != null) {
            Mtu.check("veth " + name + " mtu", mtu);
        }
        if (peerNamespace == null && name.equals(peerName)) {
            throw new InvalidSpecException("veth " + name + " peer", peerName,
                    "both ends in one namespace need different names");
        }
    }

    /** A builder for a pair whose first end is {@code name}, created in the namespace of the {@code Links} used. */
    public static Builder builder(String name) {
        return new Builder(InterfaceName.of(name));
    }

    /** True when the peer is created in another namespace than this end. */
    public boolean crossesNamespaces() {
        return peerNamespace != null;
    }

    /** Builder: every setting but the two names is optional. */
    public static final class Builder {
        private final InterfaceName name;
        private InterfaceName peerName;
        private NetNamespace peerNamespace;
        private Integer mtu;
        private MacAddress peerMac;
        private String alias;

        private Builder(InterfaceName name) {
            this.name = name;
        }

        /** The other end's name (required). */
        public Builder peer(String peerName) {
            this.peerName = InterfaceName.of(peerName);
            return this;
        }

        /** Creates the peer directly in {@code ns} (e.g. a container's), not next to the first end. */
        public Builder peerNamespace(NetNamespace ns) {
            this.peerNamespace = ns;
            return this;
        }

        /** The MTU of both ends. */
        public Builder mtu(int mtu) {
            this.mtu = mtu;
            return this;
        }

        /** A fixed MAC address for the peer end (else the kernel picks one). */
        public Builder peerMac(MacAddress mac) {
            this.peerMac = mac;
            return this;
        }

        /** The link alias that tags both ends as ours, for teardown and crash sweeps. */
        public Builder alias(String alias) {
            this.alias = alias;
            return this;
        }

        /** The pair; throws {@link InvalidSpecException} without a peer name or with invalid values. */
        public VethPair build() {
            if (peerName == null) {
                throw new InvalidSpecException("veth " + name + " peer", null, "peer name is required");
            }
            return new VethPair(name, peerName, peerNamespace, mtu, peerMac, alias);
        }
    }
}
