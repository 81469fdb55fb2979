package io.overlaykit.core.spec;

import io.overlaykit.core.InvalidSpecException.Problem;
import io.overlaykit.core.IpPrefix;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The IPv6 rules of a spec: the IPv6 subnet ({@code subnet6}), the addresses given or derived from it
 * ({@code hosts[].gateway6}, {@code hosts[].containers[].ip6}) and the underlay's family. Called from
 * {@link SpecValidator} with the problems found so far; adds its own.
 */
final class Ipv6Rules {
    /** The shortest host part a derived address may need: an IPv6 /64 holds any IPv4 subnet. */
    private static final IpPrefix LINK_LOCAL = IpPrefix.parse("fe80::/10");
    private static final IpPrefix MULTICAST = IpPrefix.parse("ff00::/8");

    private final List<Problem> problems;

    private Ipv6Rules(List<Problem> problems) {
        this.problems = problems;
    }

    /**
     * The IPv6 address derived from {@code v4}: the IPv6 network plus {@code v4}'s offset in the IPv4 subnet.
     * {@code subnet6} must have at least as many host bits as {@code subnet4} (checked by the rules).
     */
    static InetAddress derive(IpPrefix subnet4, IpPrefix subnet6, InetAddress v4) {
        BigInteger offset = new BigInteger(1, v4.getAddress()).subtract(new BigInteger(1,
                subnet4.network().address().getAddress()));
        BigInteger v6 = new BigInteger(1, subnet6.network().address().getAddress()).add(offset);
        byte[] raw = v6.toByteArray();
        byte[] out = new byte[16];
        int n = Math.min(raw.length, 16);
        System.arraycopy(raw, raw.length - n, out, 16 - n, n);
        try {
            return InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static void check(OverlaySpec spec, IpPrefix subnet4, List<Problem> problems) {
        new Ipv6Rules(problems).run(spec, subnet4);
    }

    private void add(String path, Object value, String reason) {
        String shown = value instanceof InetAddress a ? a.getHostAddress() : value == null ? null : String.valueOf(value);
        problems.add(new Problem(path, shown, reason));
    }

    private void run(OverlaySpec spec, IpPrefix subnet4) {
        IpPrefix subnet6 = subnet6(spec, subnet4);
        underlays(spec, subnet6);
        Map<InetAddress, String> used = new HashMap<>();
        for (int h = 0; h < spec.hosts().size(); h++) {
            HostSpec host = spec.hosts().get(h);
            String hp = "hosts[" + h + "]";
            address(spec, subnet4, subnet6, hp + ".gateway6", host.gateway6(), host.gateway(), used);
            for (int c = 0; c < host.containers().size(); c++) {
                ContainerSpec ct = host.containers().get(c);
                address(spec, subnet4, subnet6, hp + ".containers[" + c + "].ip6", ct.ip6(), ct.ip(), used);
            }
            forwards(spec, host, hp, subnet6);
        }
    }

    /** An IPv6 forward: the spec has IPv6, listen and target of one family, the target in the IPv6 subnet. */
    private void forwards(OverlaySpec spec, HostSpec host, String hp, IpPrefix subnet6) {
        for (int f = 0; f < host.forwards().size(); f++) {
            ForwardSpec fw = host.forwards().get(f);
            String fp = hp + ".forwards[" + f + "]";
            if (fw.listen() == null || fw.target() == null) {
                continue;
            }
            boolean listen6 = fw.listen().address() instanceof Inet6Address;
            boolean target6 = fw.target().address() instanceof Inet6Address;
            if ((listen6 || target6) && spec.subnet6() == null) {
                add(fp + (listen6 ? ".listen" : ".target"), listen6 ? fw.listen() : fw.target(),
                        "an IPv6 forward needs the spec's IPv6 subnet (\"subnet6\")");
            } else if (listen6 != target6) {
                add(fp + ".target", fw.target(), "must be of the listen address's family ("
                        + family(listen6) + "): DNAT does not translate between IPv4 and IPv6");
            } else if (target6 && subnet6 != null && !subnet6.contains(fw.target().address())) {
                add(fp + ".target", fw.target(), "outside subnet6 " + subnet6 + "; a forward targets a container");
            } else if (listen6 && subnet6 != null && subnet6.contains(fw.listen().address())) {
                add(fp + ".listen", fw.listen(), "lies inside the overlay subnet6 " + subnet6
                        + "; a listen address is on the host's uplink side");
            }
        }
    }

    /** The IPv6 subnet if it is usable, else null (after saying why). */
    private IpPrefix subnet6(OverlaySpec spec, IpPrefix subnet4) {
        IpPrefix s = spec.subnet6();
        if (s == null) {
            return null;
        }
        if (s.isIpv4()) {
            add("subnet6", s, "must be an IPv6 network, e.g. fd00:16::/64 (the IPv4 one is \"subnet\")");
            return null;
        }
        if (!s.isNetwork()) {
            add("subnet6", s, "has host bits set; the network is " + s.network());
            return null;
        }
        if (s.length() > 126) {
            add("subnet6", s, "is too small for a gateway and containers (at most /126)");
            return null;
        }
        if (LINK_LOCAL.contains(s.address()) || MULTICAST.contains(s.address())) {
            add("subnet6", s, "must be a unique local (fd00::/8) or global unicast prefix, not link-local or "
                    + "multicast");
            return null;
        }
        if (subnet4 != null && 128 - s.length() < 32 - subnet4.length()) {
            add("subnet6", s, "has fewer host bits than subnet " + subnet4 + ", so the IPv6 addresses derived "
                    + "from the IPv4 ones would not fit; use /" + (96 + subnet4.length()) + " or shorter");
            return null;
        }
        return s;
    }

    /** Every host's underlay of one family; an IPv6 underlay outside the overlay's IPv6 subnet. */
    private void underlays(OverlaySpec spec, IpPrefix subnet6) {
        String first = null;
        boolean firstV6 = false;
        for (int h = 0; h < spec.hosts().size(); h++) {
            InetAddress u = spec.hosts().get(h).underlay();
            if (u == null) {
                continue;
            }
            String path = "hosts[" + h + "].underlay";
            boolean v6 = u instanceof Inet6Address;
            if (first == null) {
                first = path;
                firstV6 = v6;
            } else if (v6 != firstV6) {
                add(path, u, "is " + family(v6) + " while " + first + " is " + family(firstV6)
                        + "; every host's underlay must be of one family");
            }
            if (v6 && u.isLinkLocalAddress()) {
                add(path, u, "a link-local underlay needs a scope; give a global or unique local address");
            }
            if (v6 && subnet6 != null && subnet6.contains(u)) {
                add(path, u, "lies inside the overlay subnet6 " + subnet6 + "; the underlay must be outside it");
            }
        }
    }

    private static String family(boolean v6) {
        return v6 ? "IPv6" : "IPv4";
    }

    private void address(OverlaySpec spec, IpPrefix subnet4, IpPrefix subnet6, String path, InetAddress given,
                         InetAddress v4, Map<InetAddress, String> used) {
        if (spec.subnet6() == null) {
            if (given != null) {
                add(path, given, "an IPv6 address needs the spec's IPv6 subnet (\"subnet6\")");
            }
            return;
        }
        if (subnet6 == null) {
            return; // reported already
        }
        InetAddress a = given;
        if (a == null) {
            if (v4 == null || subnet4 == null || !(v4 instanceof Inet4Address) || !subnet4.contains(v4)) {
                return; // nothing to derive from: the IPv4 rules said why
            }
            a = derive(subnet4, subnet6, v4);
        } else if (!(a instanceof Inet6Address)) {
            add(path, a, "must be an IPv6 address in subnet6 " + subnet6);
            return;
        } else if (!subnet6.contains(a)) {
            add(path, a, "outside subnet6 " + subnet6);
            return;
        } else if (subnet6.isNetworkOrBroadcast(a)) {
            add(path, a, "is the subnet-router anycast address of " + subnet6 + " (all host bits zero)");
            return;
        }
        String prev = used.putIfAbsent(a, path);
        if (prev != null) {
            add(path, a, "already used by " + prev + (given == null ? " (derived from " + v4.getHostAddress() + ")" : ""));
        }
    }
}
