package io.overlaykit.it;

import io.overlaykit.testkit.Lab;
import io.overlaykit.testkit.LabHost;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a lab host looks like through the CLIs: links, addresses, routes, rules, nft ruleset, OVS, and the
 * containers of the lab's podman. Two snapshots taken before and after an operation that must leave the
 * host as it was are equal.
 */
record HostSnapshot(Map<String, String> views) {

    static HostSnapshot of(Lab lab, LabHost host) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("ip -j link", Oracle.in(host.namespace(), "ip", "-j", "link", "show"));
        v.put("ip -j addr", Oracle.in(host.namespace(), "ip", "-j", "addr", "show"));
        v.put("ip -j route", Oracle.in(host.namespace(), "ip", "-j", "route", "show", "table", "all"));
        v.put("ip -j -6 route", Oracle.in(host.namespace(), "ip", "-j", "-6", "route", "show", "table", "all"));
        v.put("ip -j rule", Oracle.in(host.namespace(), "ip", "-j", "rule", "show"));
        v.put("nft list ruleset", Oracle.in(host.namespace(), "nft", "list", "ruleset"));
        v.put("ip_forward", Oracle.in(host.namespace(), "cat", "/proc/sys/net/ipv4/ip_forward"));
        if (host.hasOvs()) {
            v.put("ovs-vsctl show", Oracle.run("ovs-vsctl", "--db=" + host.ovsdbRemote(), "show"));
        }
        v.put("podman ps -a", Oracle.run("podman", "--url", lab.podmanUrl(), "ps", "-a", "--format",
                "{{.Names}} {{.State}}"));
        return new HostSnapshot(v);
    }

    /**
     * Waits (at most 10 s) until no address of the host is still in IPv6 duplicate address detection: a
     * snapshot taken earlier would differ from a later one for reasons of the kernel's, not ours.
     */
    static void awaitSettled(LabHost host) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Oracle.in(host.namespace(), "ip", "-j", "addr", "show").contains("\"tentative\"")
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Lines only in this snapshot ({@code -}) or only in {@code after} ({@code +}), per view; empty when equal. */
    java.util.List<String> differences(HostSnapshot after) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String key : views.keySet()) {
            java.util.List<String> a = lines(views.get(key));
            java.util.List<String> b = lines(after.views.getOrDefault(key, ""));
            a.stream().filter(l -> !b.contains(l)).forEach(l -> out.add(key + " - " + l));
            b.stream().filter(l -> !a.contains(l)).forEach(l -> out.add(key + " + " + l));
        }
        return out;
    }

    /** One JSON object (or one text line) per line. */
    private static java.util.List<String> lines(String view) {
        return java.util.List.of(view.replace("},{\"", "}\n{\"").split("\n"));
    }
}
