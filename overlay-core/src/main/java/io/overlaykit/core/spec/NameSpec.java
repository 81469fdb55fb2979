package io.overlaykit.core.spec;

import java.net.InetAddress;
import java.util.List;

/**
 * How the overlay's containers find each other by name: the {@code domain} of their long names
 * ({@code NAME.DOMAIN}; null: the spec's name, {@code _} read as {@code -}), and whether {@code overlay serve} answers DNS for those names
 * on each host's gateway address ({@code serve}), forwarding every other query to {@code upstream}.
 * Every container gets every name in a managed block of its {@code /etc/hosts} in any case.
 *
 * <p>Read from the object form of the spec's {@code dns} field:
 * {@code "dns": {"servers": [...], "domain": "corp.example", "serve": true, "upstream": ["192.0.2.53"]}}
 * (the array form {@code "dns": [...]} gives the servers only).
 */
public record NameSpec(String domain, boolean serve, List<InetAddress> upstream) {
    /** No domain of its own, no DNS served. */
    public static final NameSpec DEFAULT = new NameSpec(null, false, List.of());

    /** Copies {@code upstream}; null is empty. */
    public NameSpec {
        upstream = upstream == null ? List.of() : List.copyOf(upstream);
    }

    /** The domain of the long names: the one given, else {@code specName} with each {@code _} made {@code -}. */
    public String domainOr(String specName) {
        return domain != null ? domain : specName == null ? null : specName.replace('_', '-');
    }
}
