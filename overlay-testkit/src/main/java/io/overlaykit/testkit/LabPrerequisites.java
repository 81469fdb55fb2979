package io.overlaykit.testkit;

import io.overlaykit.testkit.internal.Cli;
import io.overlaykit.testkit.internal.TestImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a {@link Lab} needs from the machine: root and a handful of programs. */
public final class LabPrerequisites {
    private LabPrerequisites() {
    }

    /** As {@link #missing(boolean, boolean)}, plus OVN's daemons ({@code ovn-central}, {@code ovn-host}) when {@code ovn}. */
    public static List<String> missing(boolean ovs, boolean podman, boolean ovn) {
        List<String> missing = missing(ovs, podman);
        if (ovn) {
            need(missing, "ovn-northd", "ovn-central");
            need(missing, "ovn-controller", "ovn-host");
        }
        return missing;
    }

    /**
     * What is missing for a lab with or without OVS and podman, as short phrases ("not root",
     * "program ovs-vswitchd (package openvswitch-switch)"); empty when everything is there.
     */
    public static List<String> missing(boolean ovs, boolean podman) {
        List<String> missing = new ArrayList<>();
        if (!isRoot()) {
            missing.add("not root (the lab creates namespaces)");
        }
        need(missing, "ip", "iproute2");
        need(missing, "nsenter", "util-linux");
        if (ovs) {
            for (String p : List.of("ovsdb-tool", "ovsdb-server", "ovs-vswitchd")) {
                need(missing, p, "openvswitch-switch");
            }
        }
        if (podman) {
            need(missing, "podman", "podman");
            need(missing, "runc", "runc");
            if (!Files.isExecutable(TestImage.BUSYBOX)) {
                missing.add("program " + TestImage.BUSYBOX + " (package busybox-static)");
            }
        }
        return missing;
    }

    /** What an encrypted (WireGuard) lab needs besides: wireguard-go and /dev/net/tun; empty when both are there. */
    public static List<String> wireguardMissing() {
        List<String> missing = new ArrayList<>();
        need(missing, "wireguard-go", "wireguard-go");
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            missing.add("/dev/net/tun (userspace WireGuard needs TUN devices)");
        }
        return missing;
    }

    /**
     * True when the tests run under CI, where a missing prerequisite fails instead of skipping: {@code CI}
     * is set to any non-empty value other than {@code false} ({@code true}, {@code 1}, {@code yes}), so
     * {@code CI=1} never skips silently. (overlay-core's test {@code Ci} applies the same rule to the
     * modules below the testkit.)
     */
    public static boolean underCi() {
        return underCi(System.getenv("CI"));
    }

    /** The CI rule applied to a value of {@code CI} (null when unset). */
    public static boolean underCi(String value) {
        return value != null && !value.isBlank() && !value.trim().equalsIgnoreCase("false");
    }

    /** True when the effective user id is 0. */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static void need(List<String> missing, String program, String pkg) {
        if (!Cli.onPath(program)) {
            missing.add("program " + program + " (package " + pkg + ")");
        }
    }
}
