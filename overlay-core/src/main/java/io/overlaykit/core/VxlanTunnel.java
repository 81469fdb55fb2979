package io.overlaykit.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.net.InetAddress;
import java.util.Objects;

/**
 * A VXLAN tunnel endpoint: a kernel VXLAN device or an OVS {@code vxlan} interface. {@code remote} is
 * the peer VTEP for a point-to-point tunnel (OVS: one port per peer); a kernel device that serves many
 * peers leaves it null and gets FDB entries. The destination port defaults to 4789 (IANA), not the
 * kernel's legacy 8472. The pre-shared key ({@code psk}, OVS IPsec) never appears in {@link #toString()}.
 *
 * <pre>{@code
 * VxlanTunnel.builder("vx-hostB", 5000).remote("192.0.2.3").local("192.0.2.2").build()
 * }</pre>
 */
public record VxlanTunnel(InterfaceName name, Vni vni, InetAddress remote, InetAddress local,
                          InetAddress group, InterfaceName device, int dstPort, boolean learning,
                          Integer ttl, Integer mtu, boolean udpChecksum,
                          @JsonIgnore String psk, String alias) {
    /** The IANA VXLAN UDP port, this type's default (the Linux kernel's own default is the legacy 8472). */
    public static final int IANA_PORT = 4789;

    /**
     * Requires {@code name} and {@code vni}; the other references may be null (unset). Prefer {@link #builder}.
     * @throws InvalidSpecException if {@code dstPort} is not 1..65535, {@code ttl} not 0..255, {@code mtu} out of
     *     range, both {@code remote} and {@code group} are set, {@code group} is not multicast, or {@code psk} is empty
     */
    public VxlanTunnel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(vni, "vni");
        checkPort("vxlan " + name + " dstPort", dstPort);
        if (ttl != null && (ttl < 0 || ttl > 255)) {
            throw new InvalidSpecException("vxlan " + name + " ttl", ttl, "must be 0..255 (0 = inherit)");
        }
        if (mtu != null) {
            Mtu.check("vxlan " + name + " mtu", mtu);
        }
        if (remote != null && group != null) {
            throw new InvalidSpecException("vxlan " + name + " group", group.getHostAddress(),
                    "a tunnel has either a remote or a multicast group, not both");
        }
        if (group != null && !group.isMulticastAddress()) {
            throw new InvalidSpecException("vxlan " + name + " group", group.getHostAddress(), "is not multicast");
        }
        if (psk != null && psk.isEmpty()) {
            throw new InvalidSpecException("vxlan " + name + " psk", "(empty)", "must not be empty when given");
        }
    }

    /** Checks a TCP/UDP port number (1..65535). */
    public static int checkPort(String field, int port) {
        return Ports.check(field, port, port);
    }

    /** A builder for tunnel device/port {@code name} with VNI {@code vni} (0..16777215); port 4789, learning off. */
    public static Builder builder(String name, int vni) {
        return new Builder(InterfaceName.of(name), Vni.of(vni));
    }

    /** A builder holding this tunnel's values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder(name, vni);
        b.remote = remote;
        b.local = local;
        b.group = group;
        b.device = device;
        b.dstPort = dstPort;
        b.learning = learning;
        b.ttl = ttl;
        b.mtu = mtu;
        b.udpChecksum = udpChecksum;
        b.psk = psk;
        b.alias = alias;
        return b;
    }

    @Override
    public String toString() {
        return "VxlanTunnel[name=" + name + ", vni=" + vni
                + (remote == null ? "" : ", remote=" + remote.getHostAddress())
                + (local == null ? "" : ", local=" + local.getHostAddress())
                + (group == null ? "" : ", group=" + group.getHostAddress())
                + (device == null ? "" : ", device=" + device)
                + ", dstPort=" + dstPort + ", learning=" + learning
                + (ttl == null ? "" : ", ttl=" + ttl)
                + (mtu == null ? "" : ", mtu=" + mtu)
                + (psk == null ? "" : ", psk=<redacted>") + "]";
    }

    /** Builder with the defaults of a static-FDB overlay: port 4789, learning off. */
    public static final class Builder {
        private final InterfaceName name;
        private final Vni vni;
        private InetAddress remote;
        private InetAddress local;
        private InetAddress group;
        private InterfaceName device;
        private int dstPort = IANA_PORT;
        private boolean learning;
        private Integer ttl;
        private Integer mtu;
        private boolean udpChecksum;
        private String psk;
        private String alias;

        private Builder(InterfaceName name, Vni vni) {
            this.name = name;
            this.vni = vni;
        }

        /** The peer's underlay address (unicast), as text. */
        public Builder remote(String address) {
            return remote(IpPrefix.parseAddress(address));
        }

        /** The peer's underlay address (unicast); excludes {@link #group}. */
        public Builder remote(InetAddress address) {
            this.remote = address;
            return this;
        }

        /** The local underlay address to send from (pins the VTEP source), as text. */
        public Builder local(String address) {
            return local(IpPrefix.parseAddress(address));
        }

        /** The local underlay address to send from (pins the VTEP source). */
        public Builder local(InetAddress address) {
            this.local = address;
            return this;
        }

        /** A multicast group for flooding instead of a {@link #remote}; must be a multicast address. */
        public Builder group(String address) {
            this.group = IpPrefix.parseAddress(address);
            return this;
        }

        /** The underlay parent device (kernel VXLAN {@code dev}). */
        public Builder device(String device) {
            this.device = InterfaceName.of(device);
            return this;
        }

        /** The UDP destination port, 1..65535 (default {@link #IANA_PORT}). */
        public Builder dstPort(int port) {
            this.dstPort = port;
            return this;
        }

        /** Whether the kernel learns remote MACs from traffic (default off: static FDB entries). */
        public Builder learning(boolean learning) {
            this.learning = learning;
            return this;
        }

        /** The outer IP TTL, 0..255 (0 inherits from the inner packet). */
        public Builder ttl(int ttl) {
            this.ttl = ttl;
            return this;
        }

        /** The tunnel device's MTU (usually the underlay's minus 50). */
        public Builder mtu(int mtu) {
            this.mtu = mtu;
            return this;
        }

        /** Whether outer UDP checksums are computed (default off). */
        public Builder udpChecksum(boolean on) {
            this.udpChecksum = on;
            return this;
        }

        /** An IPsec pre-shared key (OVS only); never printed nor serialized. Null for none, never empty. */
        public Builder psk(String psk) {
            this.psk = psk;
            return this;
        }

        /** The link alias that tags the device as ours (kernel backend). */
        public Builder alias(String alias) {
            this.alias = alias;
            return this;
        }

        /** The tunnel; validates every value ({@link InvalidSpecException} names the field). */
        public VxlanTunnel build() {
            return new VxlanTunnel(name, vni, remote, local, group, device, dstPort, learning, ttl, mtu,
                    udpChecksum, psk, alias);
        }
    }
}
