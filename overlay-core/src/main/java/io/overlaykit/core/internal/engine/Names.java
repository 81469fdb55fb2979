package io.overlaykit.core.internal.engine;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.MacAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Every name and tag OverlayKit derives from a spec. Interface names are at most 15 bytes whatever the
 * length of the spec's names: a 3-letter kind prefix ({@code okb} bridge, {@code okv} container veth,
 * {@code okg}/{@code okh} gateway veth, {@code okt} OVS tunnel port, {@code okx} kernel VXLAN device),
 * up to 5 readable characters of the object's name, {@code -}, and 6 hex digits of a SHA-256 over
 * (spec, kind, object); {@code okw} is a host's WireGuard interface. So they are stable across applies, distinct per spec on one host, and readable
 * enough in {@code ip link}.
 *
 * <pre>{@code
 * Names n = Names.of("demo");
 * n.containerVeth("podA");   // okvpodA-1b2c3d
 * }</pre>
 */
public final class Names {
    /** Label and external-id key holding the spec name. */
    public static final String SPEC_LABEL = "io.overlaykit.spec";
    /** Label holding the host name. */
    public static final String HOST_LABEL = "io.overlaykit.host";
    /** The container-side end of every container veth. */
    public static final InterfaceName CONTAINER_IF = InterfaceName.of("eth0");
    /** First routing table / rule priority / mark used for replies of forwarded connections. */
    public static final int INGRESS_BASE = 0x4f4b00;

    private final String spec;

    private Names(String spec) {
        this.spec = spec;
    }

    public static Names of(String specName) {
        return new Names(java.util.Objects.requireNonNull(specName, "specName"));
    }

    public String spec() {
        return spec;
    }

    /** The overlay bridge of this spec (the same on every host). */
    public InterfaceName bridge() {
        return derive("okb", spec, "bridge");
    }

    /** The host end of {@code container}'s veth; the container end is {@link #CONTAINER_IF}. */
    public InterfaceName containerVeth(String container) {
        return derive("okv", container, "container/" + container);
    }

    /** The gateway veth end that holds the gateway address on {@code host}. */
    public InterfaceName gatewayVeth(String host) {
        return derive("okg", host, "gateway/" + host);
    }

    /** The gateway veth end plugged into the bridge on {@code host}. */
    public InterfaceName gatewayPort(String host) {
        return derive("okh", host, "gatewayport/" + host);
    }

    /** The OVS tunnel port towards {@code peerHost}. */
    public InterfaceName tunnel(String peerHost) {
        return derive("okt", peerHost, "tunnel/" + peerHost);
    }

    /**
     * The WireGuard interface of {@code host} (encrypted overlays): distinct per host, because wireguard-go's
     * socket directory is one for every namespace of a machine.
     */
    public InterfaceName wireguard(String host) {
        return derive("okw", host, "wireguard/" + host);
    }

    /** The kernel VXLAN device of the Linux switch. */
    public InterfaceName vxlanDevice() {
        return derive("okx", spec, "vxlan");
    }

    /**
     * The MAC of {@code host}'s gateway: locally administered, unicast, from (spec, host), so that other
     * hosts can compute it (containers mark connections that arrive from it).
     */
    public MacAddress gatewayMac(String host) {
        return derivedMac("\0mac\0" + host);
    }

    /**
     * The MAC of a container's {@code eth0}: stable across restarts and re-applies, so the ARP entries other
     * containers hold for its address stay right when the container comes back in a new namespace.
     */
    public MacAddress containerMac(String container) {
        return derivedMac("\0container-mac\0" + container);
    }

    private MacAddress derivedMac(String what) {
        return MacAddress.derived(spec + what);
    }

    /** Our nftables table (the same name on the host and inside containers). */
    public String firewallTable() {
        return "overlaykit_" + spec.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /** The alias of every link we create. */
    public String alias() {
        return "overlaykit:" + spec;
    }

    /** The owner tag of OVS rows and switch objects. */
    public String owner() {
        return spec;
    }

    /** Podman name of a container the SDK runs. */
    public String podName(String container) {
        return spec + "-" + container;
    }

    /** The runtime's name of a spec container: its own name when it is {@code existing}, ours otherwise. */
    public String runtimeName(io.overlaykit.core.spec.ContainerSpec c) {
        return c.existing() ? c.name() : podName(c.name());
    }

    /** Labels of containers the SDK runs on {@code host}. */
    public Map<String, String> labels(String host) {
        return Map.of(SPEC_LABEL, spec, HOST_LABEL, host);
    }

    private InterfaceName derive(String kind, String readable, String object) {
        StringBuilder r = new StringBuilder();
        for (int i = 0; i < readable.length() && r.length() < 5; i++) {
            char c = readable.charAt(i);
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '.')) {
                r.append(c);
            }
        }
        String hash = HexFormat.of().formatHex(sha256(spec + "\0" + kind + "\0" + object), 0, 3);
        return InterfaceName.of(kind + r + "-" + hash);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
