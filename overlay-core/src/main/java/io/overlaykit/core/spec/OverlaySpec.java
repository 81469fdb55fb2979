package io.overlaykit.core.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.NotFoundException;
import io.overlaykit.core.OverlayException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The overlay spec: one VXLAN overlay across several hosts, in exactly the JSON shape of the
 * project's spec format. Read it with {@link #read(Path)}; every problem is reported at once, each
 * with its JSON path and value, before anything on a system changes.
 *
 * <pre>{@code
 * OverlaySpec spec = OverlaySpec.read(Path.of("demo.json"));
 * spec.host("hostA").containers();
 * }</pre>
 */
public record OverlaySpec(String name, int vni, IpPrefix subnet, SwitchKind switchKind, Integer mtu,
                          int udpPort, @JsonIgnore String psk, List<InetAddress> dns, List<HostSpec> hosts, LabSpec lab,
                          NameSpec names, IpPrefix subnet6, Encryption encryption, OvnSpec ovn) {
    /** The IANA VXLAN port, used when the spec gives none. */
    public static final int DEFAULT_UDP_PORT = io.overlaykit.core.VxlanTunnel.IANA_PORT;

    /**
     * Copies the lists (null is empty) and fills the defaults of {@code names} and {@code encryption}; checks
     * nothing else: {@link #validate()} does.
     */
    public OverlaySpec {
        dns = dns == null ? List.of() : List.copyOf(dns);
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        names = names == null ? NameSpec.DEFAULT : names;
        encryption = encryption == null ? Encryption.UNSET : encryption;
    }

    /** An IPv4-only spec with no name settings of its own and no ovn section. */
    public OverlaySpec(String name, int vni, IpPrefix subnet, SwitchKind switchKind, Integer mtu, int udpPort,
                       String psk, List<InetAddress> dns, List<HostSpec> hosts, LabSpec lab) {
        this(name, vni, subnet, switchKind, mtu, udpPort, psk, dns, hosts, lab, null, null, null);
    }

    /** A spec without an {@code ovn} section (switch {@code ovs} or {@code linux}). */
    public OverlaySpec(String name, int vni, IpPrefix subnet, SwitchKind switchKind, Integer mtu, int udpPort,
                       String psk, List<InetAddress> dns, List<HostSpec> hosts, LabSpec lab, NameSpec names,
                       IpPrefix subnet6, Encryption encryption) {
        this(name, vni, subnet, switchKind, mtu, udpPort, psk, dns, hosts, lab, names, subnet6, encryption, null);
    }

    /** The domain of the containers' long names ({@code NAME.DOMAIN}): the spec's own, or its name. */
    public String domain() {
        return names.domainOr(name);
    }

    /** Whether the overlay has IPv6 addresses ({@code subnet6} given). */
    public boolean hasIpv6() {
        return subnet6 != null;
    }

    /**
     * A container's (or gateway's) IPv6 address: {@code given} if the spec gives one, else derived from its
     * IPv4 address {@code v4}: the IPv6 subnet's network plus the IPv4 address's offset in the IPv4 subnet
     * ({@code 172.16.0.10} in {@code 172.16.0.0/24} with {@code fd00:16::/64} is {@code fd00:16::a}). Null when
     * the spec has no IPv6 subnet, or nothing to derive from.
     */
    public InetAddress ipv6(InetAddress given, InetAddress v4) {
        if (subnet6 == null) {
            return null;
        }
        if (given != null) {
            return given;
        }
        if (v4 == null || subnet == null) {
            return null;
        }
        return Ipv6Rules.derive(subnet, subnet6, v4);
    }

    /** A container's IPv6 address (given or derived), or null. */
    public InetAddress ipv6(ContainerSpec c) {
        return ipv6(c.ip6(), c.ip());
    }

    /** A host's IPv6 gateway address (given or derived), or null. */
    public InetAddress gateway6(HostSpec h) {
        return ipv6(h.gateway6(), h.gateway());
    }

    /** An IPv4-only spec with encryption settings and no name settings of its own. */
    public OverlaySpec(String name, int vni, IpPrefix subnet, SwitchKind switchKind, Integer mtu, int udpPort,
                       String psk, List<InetAddress> dns, List<HostSpec> hosts, LabSpec lab, Encryption encryption) {
        this(name, vni, subnet, switchKind, mtu, udpPort, psk, dns, hosts, lab, null, null, encryption);
    }

    /** Whether the overlay is encrypted: it is exactly when the spec has a {@code psk}. */
    public boolean encrypted() {
        return psk != null;
    }

    /** How the overlay is encrypted: null without a psk, WireGuard unless the spec says {@code "ipsec"}. */
    public Encryption.Mode encryptionMode() {
        if (psk == null) {
            return null;
        }
        return encryption.mode() == null ? Encryption.Mode.WIREGUARD : encryption.mode();
    }

    /** The network the WireGuard interfaces take their addresses from: the spec's, or a /24 derived from the name. */
    public IpPrefix transit() {
        return encryption.transit() != null ? encryption.transit()
                : Encryption.defaultTransit(name == null ? "" : name);
    }

    /** The UDP port WireGuard listens on, on every host. */
    public int wireguardPort() {
        return encryption.wireguardPort() != null ? encryption.wireguardPort() : Encryption.DEFAULT_WIREGUARD_PORT;
    }

    /**
     * Reads and validates a spec file.
     *
     * @throws InvalidSpecException naming every problem, also a file that does not exist or is a directory
     */
    public static OverlaySpec read(Path file) {
        // A wrong path is bad input like a wrong field: refused as such, before anything else happens.
        if (Files.isDirectory(file)) {
            throw new InvalidSpecException("file", file, "is a directory, not a spec file");
        }
        if (!Files.exists(file)) {
            throw new InvalidSpecException("file", file, "no such file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        } catch (IOException e) {
            throw new OverlayException("cannot read overlay spec " + file + ": " + e, e);
        }
    }

    /** Reads and validates a spec from JSON text. */
    public static OverlaySpec read(String json) {
        return SpecReader.read(json);
    }

    /** Reads and validates a spec from a stream (which stays open). */
    public static OverlaySpec read(InputStream json) {
        return SpecReader.read(json);
    }

    /**
     * Checks a spec built in code with the same rules as a file.
     *
     * @return this spec
     * @throws InvalidSpecException naming every problem
     */
    public OverlaySpec validate() {
        List<InvalidSpecException.Problem> problems = SpecValidator.problems(this);
        if (!problems.isEmpty()) {
            throw new InvalidSpecException(problems);
        }
        return this;
    }

    /** The host called {@code hostName}. */
    public HostSpec host(String hostName) {
        return hosts.stream().filter(h -> h.name().equals(hostName)).findFirst()
                .orElseThrow(() -> new NotFoundException("spec '" + name + "' has no host '" + hostName
                        + "'; its hosts are " + hosts.stream().map(HostSpec::name).toList()));
    }

    /** Every host but {@code hostName}, in spec order. */
    public List<HostSpec> peersOf(String hostName) {
        return hosts.stream().filter(h -> !h.name().equals(hostName)).toList();
    }

    @Override
    public String toString() {
        return "OverlaySpec[name=" + name + ", vni=" + vni + ", subnet=" + subnet + ", switch="
                + (switchKind == null ? null : switchKind.id()) + ", hosts="
                + hosts.stream().map(HostSpec::name).toList() + (subnet6 == null ? "" : ", subnet6=" + subnet6)
                + (psk == null ? "" : ", psk=<redacted>, encryption=" + encryptionMode()) + "]";
    }
}
