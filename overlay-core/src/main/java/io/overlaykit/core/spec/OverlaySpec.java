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
                          OvnSpec ovn) {
    /** The IANA VXLAN port, used when the spec gives none. */
    public static final int DEFAULT_UDP_PORT = io.overlaykit.core.VxlanTunnel.IANA_PORT;

    public OverlaySpec {
        dns = dns == null ? List.of() : List.copyOf(dns);
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
    }

    /** A spec without an {@code ovn} section (switch {@code ovs} or {@code linux}). */
    public OverlaySpec(String name, int vni, IpPrefix subnet, SwitchKind switchKind, Integer mtu, int udpPort,
                       String psk, List<InetAddress> dns, List<HostSpec> hosts, LabSpec lab) {
        this(name, vni, subnet, switchKind, mtu, udpPort, psk, dns, hosts, lab, null);
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
                + hosts.stream().map(HostSpec::name).toList() + (psk == null ? "" : ", psk=<redacted>") + "]";
    }
}
