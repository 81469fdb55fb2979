package io.overlaykit.samples.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.overlaykit.core.spec.OverlaySpec;
import io.overlaykit.core.spec.SwitchKind;
import io.overlaykit.testkit.Lab;
import java.util.ArrayList;
import java.util.List;

/**
 * The overlay specs the benchmarks apply, written as the JSON a user would write (so they go through the
 * same reader and checks): hosts {@code hostA, hostB, ...} on 192.0.2.2, .3, ..., each with its own gateway
 * and containers {@code c1, c2, ...} (or {@code hX-cN} with several hosts) numbered through one subnet, which
 * is {@link #prefixLengthFor sized} to hold them all (a /22 for a thousand).
 */
final class BenchSpec {
    static final String IMAGE = Lab.TEST_IMAGE; // never started by the stand-ins; real in bench apply
    static final int VNI = 5000;
    private static final int SUBNET_BASE = (172 << 24) | (16 << 16); // 172.16.0.0

    private final ObjectMapper json = new ObjectMapper();
    private final ObjectNode root = json.createObjectNode();
    private final ArrayNode hosts = root.putArray("hosts");
    private final int length;
    private final int hostCount;
    private int nextContainer;

    private BenchSpec(String name, SwitchKind sw, int hostCount, int containers) {
        this.length = prefixLengthFor(hostCount + containers);
        this.hostCount = hostCount;
        root.put("name", name).put("vni", VNI).put("subnet", address(0) + "/" + length).put("switch", sw.id());
    }

    /** A spec {@code name} for {@code hostCount} hosts and {@code containers} containers in all. */
    static BenchSpec of(String name, SwitchKind sw, int hostCount, int containers) {
        return new BenchSpec(name, sw, hostCount, containers);
    }

    /** The smallest prefix (at most /24) whose subnet holds {@code addresses} host addresses. */
    static int prefixLengthFor(int addresses) {
        int length = 24;
        while ((1L << (32 - length)) - 2 < addresses) {
            length--;
        }
        return length;
    }

    /** The subnet's prefix length. */
    int length() {
        return length;
    }

    /** Sets the overlay MTU explicitly (else the engine derives it from the uplink). */
    BenchSpec mtu(int mtu) {
        root.put("mtu", mtu);
        return this;
    }

    /** The {@code ovn} section (for {@code "switch": "ovn"}): one central member at {@code address}. */
    BenchSpec ovn(String address) {
        root.putObject("ovn").put("northbound", "tcp:" + address + ":6641").put("southbound", "tcp:" + address + ":6642");
        return this;
    }

    /** Adds host number {@code index} (0: hostA on 192.0.2.2, gateway .1 of the subnet) with containers named as given. */
    BenchSpec host(int index, boolean egress, List<String> containerNames) {
        ObjectNode h = hosts.addObject().put("name", hostName(index)).put("underlay", underlay(index))
                .put("gateway", gateway(index)).put("egress", egress);
        ArrayNode cs = h.putArray("containers");
        for (String c : containerNames) {
            ObjectNode cn = cs.addObject().put("name", c).put("ip", address(1 + hostCount + nextContainer++))
                    .put("image", IMAGE);
            cn.putArray("command").add("sh").add("-c").add("while sleep 3600; do :; done");
        }
        return this;
    }

    /** The spec, read and validated like a file. */
    OverlaySpec build() {
        return OverlaySpec.read(root.toString());
    }

    /** The JSON text. */
    String text() {
        return root.toPrettyString();
    }

    /** {@code hostA}, {@code hostB}, ... */
    static String hostName(int index) {
        return "host" + (char) ('A' + index);
    }

    /** The underlay address of host {@code index}: 192.0.2.2, .3, ... */
    static String underlay(int index) {
        return "192.0.2." + (2 + index);
    }

    /** Host {@code index}'s gateway: the subnet's addresses 1, 2, ... */
    String gateway(int index) {
        return address(1 + index);
    }

    /** The address of container number {@code n} (0-based over all hosts): after the gateways. */
    String containerAddress(int n) {
        return address(1 + hostCount + n);
    }

    /** {@code c1 .. cN}. */
    static List<String> names(String prefix, int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    private static String address(int offset) {
        int a = SUBNET_BASE + offset;
        return ((a >>> 24) & 255) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
    }
}
