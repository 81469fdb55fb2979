package io.overlaykit.testkit.internal;

import io.overlaykit.core.BackendException;
import io.overlaykit.core.IpPrefix;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a lab run — its hosts with their underlay addresses and whether each runs OVS, the outside
 * endpoint, whether it runs podman — kept in the run's {@link LabState} (file {@code layout}) so that another
 * process can attach to the running lab. Written once, after the lab has started; a record without it belongs
 * to a lab that is still starting (or failed to).
 *
 * <p>One line per endpoint, tab-separated: {@code host NAME UNDERLAY ovs|-}, {@code outside UNDERLAY},
 * {@code podman}.
 */
public record LabLayout(List<Endpoint> hosts, IpPrefix outside, boolean podman, List<IpPrefix> ovnCentral,
                        String ovnEncap) {
    static final String FILE = "layout";

    /** One lab host: its name, underlay address with prefix length, and whether it runs its own OVS. */
    public record Endpoint(String name, IpPrefix underlay, boolean ovs) {
    }

    /** Copies the host list. */
    public LabLayout {
        hosts = List.copyOf(hosts);
        ovnCentral = ovnCentral == null ? List.of() : List.copyOf(ovnCentral);
    }

    /** A layout without OVN. */
    public LabLayout(List<Endpoint> hosts, IpPrefix outside, boolean podman) {
        this(hosts, outside, podman, List.of(), null);
    }

    /** The namespace-name suffix of OVN central member {@code i}: {@code central}, {@code central2}, ... */
    public static String centralName(int i) {
        return i == 0 ? "central" : "central" + (i + 1);
    }

    /** Writes the layout into {@code state} (once, when the lab has started). */
    public void writeTo(LabState state) {
        StringBuilder sb = new StringBuilder();
        for (Endpoint h : hosts) {
            sb.append("host\t").append(h.name()).append('\t').append(h.underlay()).append('\t')
                    .append(h.ovs() ? "ovs" : "-").append('\n');
        }
        if (outside != null) {
            sb.append("outside\t").append(outside).append('\n');
        }
        if (podman) {
            sb.append("podman\n");
        }
        for (IpPrefix c : ovnCentral) {
            sb.append("central\t").append(c).append('\t').append(ovnEncap).append('\n');
        }
        state.writeAtomically(FILE, sb.toString());
    }

    /** The layout recorded in {@code state}, or null when none was written (the lab is still starting). */
    public static LabLayout readFrom(LabState state) {
        List<String> lines = state.entries(FILE);
        if (lines.isEmpty()) {
            return null;
        }
        List<Endpoint> hosts = new ArrayList<>();
        IpPrefix outside = null;
        boolean podman = false;
        List<IpPrefix> central = new ArrayList<>();
        String encap = null;
        for (String line : lines) {
            String[] f = line.split("\t");
            switch (f[0]) {
                case "host" -> {
                    if (f.length != 4) {
                        throw corrupt(state, line);
                    }
                    hosts.add(new Endpoint(f[1], IpPrefix.parse(f[2]), f[3].equals("ovs")));
                }
                case "outside" -> {
                    if (f.length != 2) {
                        throw corrupt(state, line);
                    }
                    outside = IpPrefix.parse(f[1]);
                }
                case "podman" -> podman = true;
                case "central" -> {
                    if (f.length != 3) {
                        throw corrupt(state, line);
                    }
                    central.add(IpPrefix.parse(f[1]));
                    encap = f[2];
                }
                default -> throw corrupt(state, line);
            }
        }
        return new LabLayout(hosts, outside, podman, central, encap);
    }

    private static BackendException corrupt(LabState state, String line) {
        return new BackendException("lab '" + state.prefix() + "': unreadable layout line '" + line + "' in "
                + state.dir().resolve(FILE));
    }
}
