package io.overlaykit.samples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.overlaykit.core.NetNamespace;
import io.overlaykit.core.OverlayException;
import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabHost;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Outside the clock, between the methods of the wiring benchmark: checks with {@code ip -j}, {@code ethtool}
 * and {@code ovs-vsctl} that a method built all it was timed for, then removes it, so that every method
 * starts from the same empty host and the same bare namespaces. Deleting a host-side veth deletes its peer,
 * so an empty host means every container namespace is bare again (a few are checked).
 */
final class WiringCheck {
    private static final String WIRE = "eth0"; // the lab host's own link to the wire

    private final Oracle oracle;
    private final LabHost host;
    private final int containers;
    private final boolean ovs;

    WiringCheck(Oracle oracle, LabHost host, int containers) {
        this.oracle = oracle;
        this.host = host;
        this.containers = containers;
        this.ovs = host.hasOvs();
    }

    /**
     * Checks what {@code method} left: N container veths plus a gateway pair on the host, one bridge with N + 1
     * ports, and in sample containers (first, middle, last; {@code namespaceOf} maps 1..N to the namespace that
     * container got) eth0 up with its address, the default route via {@code gateway}, TX checksum off with OVS.
     */
    void verify(String method, IntFunction<NetNamespace> namespaceOf, IntFunction<String> addressOf, String gateway) {
        List<String> veths = hostVeths();
        expect(method, "veths on the host (containers + gateway pair)", containers + 2, veths.size());
        List<String> bridges = bridges();
        expect(method, "bridges", 1, bridges.size());
        int ports = ovs ? oracle.vsctl(host.ovsdbSocket(), "list-ports", bridges.get(0)).size()
                : oracle.links(host.namespace(), "master", bridges.get(0)).size();
        expect(method, "ports of " + bridges.get(0), containers + 1, ports);
        for (int i : samples()) {
            NetNamespace ns = namespaceOf.apply(i);
            List<JsonNode> eth0 = oracle.ip(ns, "addr", "show", "dev", "eth0");
            boolean up = !eth0.isEmpty() && eth0.get(0).path("flags").toString().contains("\"UP\"");
            boolean addressed = !eth0.isEmpty() && eth0.get(0).path("addr_info").toString()
                    .contains("\"local\":\"" + addressOf.apply(i) + "\"");
            boolean routed = oracle.ip(ns, "route", "show", "default").stream()
                    .anyMatch(r -> r.path("gateway").asText().equals(gateway));
            if (!up || !addressed || !routed) {
                throw new OverlayException(method + " did not wire container " + i + " in " + ns.displayName()
                        + ": eth0 up " + up + ", address " + addressOf.apply(i) + " " + addressed
                        + ", default route via " + gateway + " " + routed);
            }
            if (ovs && oracle.txChecksum(ns, "eth0")) {
                throw new OverlayException(method + " left TX checksum offload on in " + ns.displayName());
            }
        }
    }

    /** Removes whatever bridges and veths the last method left; checks the host and sample namespaces are bare. */
    void reset(String method, IntFunction<NetNamespace> namespaceOf) {
        List<String> lines = new ArrayList<>();
        for (String br : bridges()) {
            if (ovs) {
                oracle.vsctl(host.ovsdbSocket(), "--if-exists", "del-br", br);
            } else {
                lines.add("link del " + br);
            }
        }
        hostVeths().forEach(v -> lines.add("link del " + v));
        oracle.batch(host.namespace(), lines);
        if (ovs) {
            // Like ovs-vsctl without --no-wait: returns once ovs-vswitchd has caught up with all of the above
            // (dropping a thousand ports keeps it busy for a while), so the next method starts on an idle switch.
            oracle.vsctl(host.ovsdbSocket(), "--timeout=600", "set", "Open_vSwitch", ".",
                    "external_ids:okbench-settled=" + System.nanoTime());
        }
        expect(method + " (after clean-up)", "veths on the host", 0, hostVeths().size());
        for (int i : samples()) {
            NetNamespace ns = namespaceOf.apply(i);
            if (oracle.links(ns).contains("eth0")) {
                throw new OverlayException("after " + method + ", " + ns.displayName() + " still has an eth0");
            }
        }
    }

    private List<String> hostVeths() {
        return oracle.links(host.namespace(), "type", "veth").stream().filter(n -> !n.equals(WIRE)).toList();
    }

    private List<String> bridges() {
        if (ovs) {
            return oracle.vsctl(host.ovsdbSocket(), "list-br").stream().filter(b -> !b.equals(Lab.OVS_UPLINK)).toList();
        }
        return oracle.links(host.namespace(), "type", "bridge");
    }

    private Set<Integer> samples() {
        return new LinkedHashSet<>(List.of(1, (containers + 1) / 2, containers));
    }

    private static void expect(String method, String what, int want, int found) {
        if (want != found) {
            throw new OverlayException(method + ": expected " + want + " " + what + ", found " + found);
        }
    }
}
