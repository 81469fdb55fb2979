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
    public static final int IANA_PORT = 4789;

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
        if (port < 1 || port > 65535) {
            throw new InvalidSpecException(field, port, "port must be 1..65535");
        }
        return port;
    }

    public static Builder builder(String name, int vni) {
        return new Builder(InterfaceName.of(name), Vni.of(vni));
    }

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

        public Builder remote(String address) {
            return remote(IpPrefix.parseAddress(address));
        }

        public Builder remote(InetAddress address) {
            this.remote = address;
            return this;
        }

        public Builder local(String address) {
            return local(IpPrefix.parseAddress(address));
        }

        public Builder local(InetAddress address) {
            this.local = address;
            return this;
        }

        public Builder group(String address) {
            this.group = IpPrefix.parseAddress(address);
            return this;
        }

        public Builder device(String device) {
            this.device = InterfaceName.of(device);
            return this;
        }

        public Builder dstPort(int port) {
            this.dstPort = port;
            return this;
        }

        public Builder learning(boolean learning) {
            this.learning = learning;
            return this;
        }

        public Builder ttl(int ttl) {
            this.ttl = ttl;
            return this;
        }

        public Builder mtu(int mtu) {
            this.mtu = mtu;
            return this;
        }

        public Builder udpChecksum(boolean on) {
            this.udpChecksum = on;
            return this;
        }

        public Builder psk(String psk) {
            this.psk = psk;
            return this;
        }

        public Builder alias(String alias) {
            this.alias = alias;
            return this;
        }

        public VxlanTunnel build() {
            return new VxlanTunnel(name, vni, remote, local, group, device, dstPort, learning, ttl, mtu,
                    udpChecksum, psk, alias);
        }
    }
}
