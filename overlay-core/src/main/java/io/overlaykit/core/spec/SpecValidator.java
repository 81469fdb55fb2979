package io.overlaykit.core.spec;

import io.overlaykit.core.InvalidSpecException.Problem;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.Mtu;
import io.overlaykit.core.Vni;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The semantic rules of a spec, applied to whatever could be read (null fields were reported by the
 * reader already and are skipped here). Collects every problem instead of stopping at the first.
 */
final class SpecValidator {
    /** A {@code vni} the reader could not read (and reported). */
    static final int UNREAD = Integer.MIN_VALUE;
    /** Spec names end up in nft table names, podman names and labels. */
    static final Pattern SPEC_NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    /** Podman's own rule for container names, which ours are part of. */
    static final Pattern OBJECT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    private final List<Problem> problems = new ArrayList<>();

    private SpecValidator() {
    }

    static List<Problem> problems(OverlaySpec spec) {
        SpecValidator v = new SpecValidator();
        v.check(spec);
        return v.problems;
    }

    private void add(String path, Object value, String reason) {
        String shown = value instanceof InetAddress a ? a.getHostAddress() : value == null ? null : String.valueOf(value);
        problems.add(new Problem(path, shown, reason));
    }

    private void check(OverlaySpec spec) {
        if (spec.name() != null && !SPEC_NAME.matcher(spec.name()).matches()) {
            add("name", spec.name(), "use 1 to 32 letters, digits, '-' or '_' (it becomes part of table, "
                    + "container and label names)");
        }
        if (spec.vni() != UNREAD && (spec.vni() < 0 || spec.vni() > Vni.MAX)) {
            add("vni", spec.vni(), "must be between 0 and " + Vni.MAX);
        }
        IpPrefix subnet = spec.subnet();
        if (subnet != null) {
            if (!subnet.isIpv4()) {
                add("subnet", subnet, "is the overlay's IPv4 subnet; give an IPv6 one as \"subnet6\" (next to it)");
                subnet = null;
            } else if (!subnet.isNetwork()) {
                add("subnet", subnet, "has host bits set; the network is " + subnet.network());
            } else if (subnet.length() > 30) {
                add("subnet", subnet, "is too small for a gateway and containers (at most /30)");
            }
        }
        int overhead = Mtu.vxlanOverhead(spec.hosts().stream().map(HostSpec::underlay)
                .anyMatch(u -> u instanceof java.net.Inet6Address));
        int minMtu = spec.hasIpv6() ? Mtu.MIN_IPV6 : 576;
        if (spec.mtu() != null && (spec.mtu() < minMtu || spec.mtu() > Mtu.MAX - overhead)) {
            add("mtu", spec.mtu(), "must be between " + minMtu + " and " + (Mtu.MAX - overhead)
                    + (spec.hasIpv6() ? " (IPv6 needs at least 1280)" : ""));
        }
        if (!io.overlaykit.core.Ports.isValid(spec.udpPort())) {
            add("udpPort", spec.udpPort(), "port must be 1.." + io.overlaykit.core.Ports.MAX);
        }
        OvnRules.check(spec, problems);
        if (spec.switchKind() != SwitchKind.OVN || spec.psk() == null) { // ovn with a psk: OvnRules says why not
            EncryptionRules.check(spec, problems);
        }
        for (int i = 0; i < spec.dns().size(); i++) {
            checkHostAddress("dns[" + i + "]", spec.dns().get(i));
        }
        if (spec.hosts().isEmpty()) {
            add("hosts", "[]", "at least one host is required");
        }
        Map<String, String> hostNames = new HashMap<>();
        Map<InetAddress, String> underlays = new HashMap<>();
        Map<InetAddress, String> overlayAddresses = new HashMap<>();
        Map<String, String> containerNames = new HashMap<>();
        for (int h = 0; h < spec.hosts().size(); h++) {
            HostSpec host = spec.hosts().get(h);
            String hp = "hosts[" + h + "]";
            if (host.name() != null) {
                if (!OBJECT_NAME.matcher(host.name()).matches()) {
                    add(hp + ".name", host.name(), "use letters, digits, '_', '.' or '-' (at most 63), starting "
                            + "with a letter or digit");
                }
                unique(hostNames, host.name(), hp + ".name", "host name");
            }
            if (host.underlay() != null) {
                checkHostAddress(hp + ".underlay", host.underlay());
                if (subnet != null && subnet.contains(host.underlay())) {
                    add(hp + ".underlay", host.underlay(), "lies inside the overlay subnet " + subnet
                            + "; the underlay must be outside it");
                }
                String prev = underlays.putIfAbsent(host.underlay(), hp + ".underlay");
                if (prev != null) {
                    add(hp + ".underlay", host.underlay(), "same underlay address as " + prev
                            + "; every host needs its own VTEP address");
                }
            }
            if (host.gateway() != null && subnet != null) {
                if (inSubnet(hp + ".gateway", host.gateway(), subnet)) {
                    String prev = overlayAddresses.putIfAbsent(host.gateway(), hp + ".gateway");
                    if (prev != null && prev.endsWith(".gateway")) {
                        add(hp + ".gateway", host.gateway(), "same gateway as " + prev + ": every host needs a "
                                + "distinct gateway address, because two hosts answering ARP for one address on "
                                + "one L2 overlay make the containers' ARP entry flap between them");
                    } else if (prev != null) {
                        add(hp + ".gateway", host.gateway(), "already used by " + prev);
                    }
                }
            }
            checkContainers(host, hp, subnet, overlayAddresses, containerNames);
            checkForwards(host, hp, subnet);
        }
        if (spec.lab() != null && spec.lab().outside() != null) {
            checkHostAddress("lab.outside", spec.lab().outside());
        }
        Ipv6Rules.check(spec, subnet, problems);
        DnsRules.check(spec, problems);
    }

    private void checkContainers(HostSpec host, String hp, IpPrefix subnet, Map<InetAddress, String> addresses,
                                 Map<String, String> names) {
        for (int c = 0; c < host.containers().size(); c++) {
            ContainerSpec ct = host.containers().get(c);
            String cp = hp + ".containers[" + c + "]";
            if (ct.name() != null) {
                if (!OBJECT_NAME.matcher(ct.name()).matches()) {
                    add(cp + ".name", ct.name(), "use letters, digits, '_', '.' or '-' (at most 63), starting "
                            + "with a letter or digit");
                }
                unique(names, ct.name(), cp + ".name", "container name");
            }
            if (ct.ip() != null && subnet != null && inSubnet(cp + ".ip", ct.ip(), subnet)) {
                String prev = addresses.putIfAbsent(ct.ip(), cp + ".ip");
                if (prev != null) {
                    add(cp + ".ip", ct.ip(), "already used by " + prev);
                }
            }
            if (ct.existing()) {
                if (ct.image() != null || !ct.command().isEmpty()) {
                    add(cp + ".existing", true, "an existing container takes no image or command");
                }
            } else if (ct.image() == null || ct.image().isBlank()) {
                add(cp + ".image", ct.image(), "is required unless \"existing\": true");
            }
        }
    }

    private void checkForwards(HostSpec host, String hp, IpPrefix subnet) {
        Map<String, String> listens = new HashMap<>();
        for (int f = 0; f < host.forwards().size(); f++) {
            ForwardSpec fw = host.forwards().get(f);
            String fp = hp + ".forwards[" + f + "]";
            if (fw.listen() != null) {
                if (subnet != null && subnet.contains(fw.listen().address())) {
                    add(fp + ".listen", fw.listen(), "lies inside the overlay subnet " + subnet
                            + "; a listen address is on the host's uplink side");
                }
                unique(listens, fw.protocol() + " " + fw.listen(), fw.listen(), fp + ".listen",
                        fw.protocol().name().toLowerCase(java.util.Locale.ROOT) + " listen address and port");
            }
            if (fw.target() != null && subnet != null && fw.target().address() instanceof Inet4Address
                    && !subnet.contains(fw.target().address())) { // IPv6 targets: Ipv6Rules
                add(fp + ".target", fw.target(), "outside subnet " + subnet + "; a forward targets a container");
            }
            if (fw.mode() == ForwardSpec.Mode.USERSPACE && fw.protocol() == ForwardSpec.Protocol.UDP) {
                add(fp + ".protocol", "udp", "the userspace forwarder is TCP only; use mode \"dnat\" for udp");
            }
            if (fw.proxyProtocol() && fw.mode() != ForwardSpec.Mode.USERSPACE) {
                add(fp + ".proxyProtocol", true, "only the userspace forwarder speaks the PROXY protocol; dnat "
                        + "keeps the client address anyway");
            }
        }
    }

    private boolean inSubnet(String path, InetAddress a, IpPrefix subnet) {
        if (!subnet.contains(a)) {
            add(path, a, "outside subnet " + subnet);
            return false;
        }
        if (subnet.isNetworkOrBroadcast(a)) {
            add(path, a, "is the network or broadcast address of " + subnet);
            return false;
        }
        return true;
    }

    private void checkHostAddress(String path, InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isMulticastAddress()
                || a.getHostAddress().equals("255.255.255.255")) {
            add(path, a, "must be a unicast host address (not unspecified, loopback, multicast or broadcast)");
        }
    }

    private void unique(Map<String, String> seen, String key, String path, String what) {
        unique(seen, key, key, path, what);
    }

    /** Like the above, showing {@code shown} as the value (the key may carry more than the field). */
    private void unique(Map<String, String> seen, String key, Object shown, String path, String what) {
        String prev = seen.putIfAbsent(key, path);
        if (prev != null) {
            add(path, shown, "duplicate " + what + "; first used at " + prev);
        }
    }
}
