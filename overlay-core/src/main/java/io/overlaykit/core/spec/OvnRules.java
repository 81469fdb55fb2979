package io.overlaykit.core.spec;

import io.overlaykit.core.InvalidSpecException.Problem;
import io.overlaykit.core.IpPrefix;
import io.overlaykit.core.Ports;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules of a spec's {@code ovn} section, kept apart from {@link SpecValidator}: the section is required with
 * {@code "switch": "ovn"} and refused otherwise; every remote is {@code tcp:IP:PORT}, {@code ssl:IP:PORT} or
 * {@code unix:PATH}; {@code encap} is {@code geneve} or {@code vxlan}, the latter within OVN's vxlan limits (4095
 * datapaths, 2047 ports per datapath: a spec is one logical switch, each container and each host's gateway one
 * port); a {@code psk} is refused, because OVN encrypts only through its own IPsec, which needs kernel ESP and an
 * IKE daemon that these hosts cannot be shown to have.
 */
final class OvnRules {
    /** OVN in vxlan mode: ports per logical datapath (the VNI carries 12 bits of port). */
    static final int VXLAN_MAX_PORTS = 2047;
    /** OVN in vxlan mode: logical datapaths (12 bits of the VNI). */
    static final int VXLAN_MAX_DATAPATHS = 4095;

    private OvnRules() {
    }

    static void check(OverlaySpec spec, List<Problem> problems) {
        OvnSpec ovn = spec.ovn();
        if (spec.switchKind() != SwitchKind.OVN) {
            if (ovn != null) {
                problems.add(new Problem("ovn", "{...}", "an ovn section needs \"switch\": \"ovn\""
                        + (spec.switchKind() == null ? "" : " (the spec says \"" + spec.switchKind().id() + "\")")));
            }
            return;
        }
        if (ovn == null) {
            problems.add(new Problem("ovn", null, "\"switch\": \"ovn\" needs an ovn section with northbound and "
                    + "southbound remotes, e.g. {\"northbound\": \"tcp:192.0.2.10:6641\", "
                    + "\"southbound\": \"tcp:192.0.2.10:6642\"}"));
            return;
        }
        remotes("ovn.northbound", ovn.northbound(), problems);
        remotes("ovn.southbound", ovn.southbound(), problems);
        if (ovn.encap() != null && !ovn.encap().equals("geneve") && !ovn.encap().equals("vxlan")) {
            problems.add(new Problem("ovn.encap", ovn.encap(), "must be geneve or vxlan"));
        }
        if ("vxlan".equals(ovn.encap())) {
            int ports = 0;
            for (HostSpec h : spec.hosts()) {
                ports += h.containers().size() + 1; // its containers and its gateway
            }
            if (ports > VXLAN_MAX_PORTS) {
                problems.add(new Problem("ovn.encap", "vxlan", "the spec makes " + ports + " logical ports (a "
                        + "container each and a gateway per host) on one logical switch; OVN in vxlan mode allows "
                        + VXLAN_MAX_PORTS + " ports per datapath and " + VXLAN_MAX_DATAPATHS + " datapaths: use "
                        + "geneve"));
            }
        }
        if (spec.subnet6() != null) {
            problems.add(new Problem("subnet6", spec.subnet6().toString(), "switch \"ovn\" does not carry IPv6 in "
                    + "this version: its logical ports' port_security names the IPv4 address only, so OVN would drop "
                    + "every IPv6 packet; remove subnet6 or use switch \"ovs\" or \"linux\""));
        }
        if (spec.psk() != null) {
            problems.add(new Problem("psk", "<redacted>", "switch \"ovn\" encrypts only through OVN's own IPsec "
                    + "(ovs-monitor-ipsec, an IKE daemon, kernel ESP), which OverlayKit cannot prove works on these "
                    + "hosts, and without it tunnels would carry plaintext; remove psk or use another switch"));
        }
    }

    private static void remotes(String path, String value, List<Problem> problems) {
        if (value == null) {
            return; // reported by the reader
        }
        List<String> list = OvnSpec.split(value);
        Set<String> seen = new HashSet<>();
        for (String r : list) {
            String why = problem(r);
            if (why != null) {
                problems.add(new Problem(path, r, why));
            } else if (!seen.add(r)) {
                problems.add(new Problem(path, r, "listed twice"));
            }
        }
        if (list.size() == 2) {
            problems.add(new Problem(path, value, "a Raft cluster of two members stops when either fails; "
                    + "give one remote or three (or more)"));
        }
    }

    /** Why {@code remote} is no OVSDB remote, or null. */
    static String problem(String remote) {
        if (remote.startsWith("unix:")) {
            return remote.length() > 5 ? null : "unix: needs a socket path";
        }
        int colon = remote.indexOf(':');
        int last = remote.lastIndexOf(':');
        if (colon < 0 || colon == last) {
            return "must be tcp:IP:PORT, ssl:IP:PORT or unix:PATH";
        }
        String kind = remote.substring(0, colon);
        if (!kind.equals("tcp") && !kind.equals("ssl")) {
            return "must be tcp:IP:PORT, ssl:IP:PORT or unix:PATH";
        }
        String host = remote.substring(colon + 1, last);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            IpPrefix.parseAddress(host);
        } catch (RuntimeException e) {
            return "'" + host + "' is no IP address";
        }
        try {
            int port = Integer.parseInt(remote.substring(last + 1));
            return Ports.isValid(port) ? null : "port must be 1.." + Ports.MAX;
        } catch (NumberFormatException e) {
            return "port must be a number";
        }
    }
}
