package io.overlaykit.core.spec;

import io.overlaykit.core.InvalidSpecException.Problem;
import java.net.InetAddress;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules of the spec's names: the domain of the containers' long names, the DNS the hosts serve
 * ({@code dns.serve}, {@code dns.upstream}) and container names usable as host names. Called from
 * {@link SpecValidator}.
 */
final class DnsRules {
    /** One label of a host name (RFC 1123): letters, digits and inner hyphens, 1 to 63. */
    static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private DnsRules() {
    }

    static void check(OverlaySpec spec, List<Problem> problems) {
        NameSpec n = spec.names();
        if (n.domain() != null && !isHostName(n.domain())) {
            problems.add(new Problem("dns.domain", n.domain(), "must be a DNS name: labels of letters, digits and "
                    + "inner '-', separated by '.', at most 253 characters, no trailing dot"));
        } else if (n.domain() == null && spec.name() != null && SpecValidator.SPEC_NAME.matcher(spec.name()).matches()
                && !isHostName(spec.domain())) {
            problems.add(new Problem("name", spec.name(), "is the default domain of the containers' names but is "
                    + "no DNS name (it starts or ends with '-' or '_'); rename it or give \"dns\": {\"domain\": ...}"));
        }
        if (n.serve() && !spec.dns().isEmpty()) {
            problems.add(new Problem("dns.servers", spec.dns().stream().map(InetAddress::getHostAddress).toList()
                    .toString(), "with \"serve\": true the containers ask their gateway; give the servers it "
                    + "forwards to as \"upstream\""));
        }
        if (!n.serve() && !n.upstream().isEmpty()) {
            problems.add(new Problem("dns.upstream", n.upstream().stream().map(InetAddress::getHostAddress).toList()
                    .toString(), "is only used with \"serve\": true"));
        }
        for (int i = 0; i < n.upstream().size(); i++) {
            InetAddress a = n.upstream().get(i);
            if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
                problems.add(new Problem("dns.upstream[" + i + "]", a.getHostAddress(),
                        "must be a unicast address"));
            }
        }
        for (int h = 0; h < spec.hosts().size(); h++) {
            List<ContainerSpec> cs = spec.hosts().get(h).containers();
            for (int c = 0; c < cs.size(); c++) {
                String name = cs.get(c).name();
                if (name != null && SpecValidator.OBJECT_NAME.matcher(name).matches() && !isHostName(name)) {
                    problems.add(new Problem("hosts[" + h + "].containers[" + c + "].name", name, "is the "
                            + "container's host name in the overlay, so it must be a DNS name: letters, digits "
                            + "and inner '-' or '.' (no '_')"));
                }
            }
        }
    }

    static boolean isHostName(String s) {
        if (s.isEmpty() || s.length() > 253 || s.endsWith(".")) {
            return false;
        }
        for (String label : s.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }
}
