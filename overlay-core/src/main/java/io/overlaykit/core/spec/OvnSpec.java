package io.overlaykit.core.spec;

import java.util.Arrays;
import java.util.List;

/**
 * The {@code ovn} section of a spec with {@code "switch": "ovn"}: where OVN's databases are and which tunnel
 * encapsulation {@code ovn-controller} uses between hosts. A database given as several comma-separated remotes
 * is a Raft cluster; the client follows its leader.
 *
 * <pre>{@code
 * "ovn": {"northbound": "tcp:192.0.2.10:6641,tcp:192.0.2.11:6641,tcp:192.0.2.12:6641",
 *         "southbound": "tcp:192.0.2.10:6642,tcp:192.0.2.11:6642,tcp:192.0.2.12:6642",
 *         "encap": "geneve"}
 * }</pre>
 *
 * @param northbound the OVN_Northbound remotes, e.g. {@code tcp:192.0.2.10:6641}
 * @param southbound the OVN_Southbound remotes, e.g. {@code tcp:192.0.2.10:6642} ({@code ovn-remote} of every host)
 * @param encap      {@code geneve} (the default when null) or {@code vxlan}
 */
public record OvnSpec(String northbound, String southbound, String encap) {
    /** The encapsulation when the spec names none. */
    public static final String DEFAULT_ENCAP = "geneve";

    /** The encapsulation, {@link #DEFAULT_ENCAP} when the spec names none. */
    public String encapType() {
        return encap == null ? DEFAULT_ENCAP : encap;
    }

    /** The northbound remotes, one per cluster member, in spec order. */
    public List<String> northboundRemotes() {
        return split(northbound);
    }

    /** The southbound remotes, one per cluster member, in spec order. */
    public List<String> southboundRemotes() {
        return split(southbound);
    }

    /** Comma-separated remotes as a list, trimmed; empty for null. */
    public static List<String> split(String remotes) {
        if (remotes == null) {
            return List.of();
        }
        return Arrays.stream(remotes.split(",")).map(String::trim).toList();
    }
}
