package io.overlaykit.testkit.internal;

import io.overlaykit.core.ConflictException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The lab's underlay, built with {@code ip} (to be replaced by overlay-netlink): a namespace per endpoint
 * and one for the wire, a Linux bridge {@code br0} in the wire namespace, and per endpoint a veth whose
 * peer is created directly inside the endpoint's namespace as {@code eth0} (no temporary name in the root
 * namespace, so concurrent labs never collide). TX checksum offload goes off on both ends: frames that a
 * userspace-datapath OVS port reads must carry real checksums (SANDBOX.md).
 */
public final class Wire {
    /** The bridge that joins every endpoint, inside the wire namespace. */
    public static final String BRIDGE = "br0";
    /** Each endpoint's end of its wire link, inside the endpoint's namespace. */
    public static final String ENDPOINT_LINK = "eth0";

    private Wire() {
    }

    /** Creates the namespaces (wire first); each is recorded in {@code state} before it is made. */
    public static void createNamespaces(LabState state, String wireNamespace, List<String> endpointNamespaces) {
        // Refuse before recording anything: teardown must never delete a namespace this run did not make.
        for (String ns : concat(wireNamespace, endpointNamespaces)) {
            if (Files.exists(Path.of("/run/netns", ns))) {
                throw new ConflictException("namespace " + ns + " already exists: another lab or spec uses prefix '"
                        + state.prefix() + "'");
            }
        }
        StringBuilder batch = new StringBuilder();
        state.recordNamespace(wireNamespace);
        batch.append("netns add ").append(wireNamespace).append('\n');
        for (String ns : endpointNamespaces) {
            state.recordNamespace(ns);
            batch.append("netns add ").append(ns).append('\n');
        }
        batch(null, batch.toString());
    }

    /**
     * Creates the bridge and one veth per endpoint (key: endpoint namespace, value: the wire-side name).
     * Endpoint ends come up later, in {@link #configureEndpoint}.
     */
    public static void createLinks(String wireNamespace, Map<String, String> wireLinkByNamespace) {
        StringBuilder b = new StringBuilder()
                .append("link set lo up\n")
                .append("link add ").append(BRIDGE).append(" type bridge\n")
                .append("link set ").append(BRIDGE).append(" up\n");
        wireLinkByNamespace.forEach((ns, wireLink) -> b
                .append("link add ").append(wireLink).append(" type veth peer name ").append(ENDPOINT_LINK)
                .append(" netns ").append(ns).append('\n')
                .append("link set ").append(wireLink).append(" master ").append(BRIDGE).append('\n')
                .append("link set ").append(wireLink).append(" up\n"));
        batch(wireNamespace, b.toString());
    }

    /**
     * Brings up {@code lo} and {@code eth0} in an endpoint namespace, turns TX checksum offload off on both
     * ends of its wire link, and puts {@code address} on eth0 unless it is null (the OVS case puts it on
     * br-phy instead).
     */
    public static void configureEndpoint(String wireNamespace, String wireLink, String namespace, String address) {
        StringBuilder b = new StringBuilder("link set lo up\nlink set ").append(ENDPOINT_LINK).append(" up\n");
        if (address != null) {
            b.append("address add ").append(address).append(" dev ").append(ENDPOINT_LINK).append('\n');
        }
        batch(namespace, b.toString());
        txOff(namespace, ENDPOINT_LINK);
        txOff(wireNamespace, wireLink);
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new java.util.ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all;
    }

    /** {@code ethtool -K LINK tx off} inside a namespace. */
    public static void txOff(String namespace, String link) {
        Cli.exec(Cli.inNamespace(namespace, "ethtool", "-K", link, "tx", "off"), Map.of(), null, Cli.DEFAULT_TIMEOUT)
                .check();
    }

    /** Runs {@code ip [-n NS] -batch -}: one process for many changes. */
    public static void batch(String namespace, String commands) {
        List<String> cmd = namespace == null
                ? List.of("ip", "-batch", "-")
                : List.of("ip", "-n", namespace, "-batch", "-");
        Cli.exec(cmd, Map.of(), commands, Cli.DEFAULT_TIMEOUT).check();
    }
}
