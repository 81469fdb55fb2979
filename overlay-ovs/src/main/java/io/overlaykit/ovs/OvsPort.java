package io.overlaykit.ovs;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.InvalidSpecException;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.ovs.internal.Redaction;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A port with one interface as OVS sees it: name, interface {@code type} ({@code ""} for a system
 * device such as a veth end, {@code internal}, {@code vxlan}, ...) and interface {@code options}.
 * {@link #toString()} never prints a {@code psk}.
 */
public record OvsPort(InterfaceName name, String type, Map<String, String> options) {

    /** Requires {@code name}; a null or {@code system} type is {@code ""}, null options are empty (copied). */
    public OvsPort {
        Objects.requireNonNull(name, "name");
        type = type == null || type.equals("system") ? "" : type;
        options = Map.copyOf(options == null ? Map.of() : options);
    }

    /** An existing kernel device (a veth end) plugged into the bridge. */
    public static OvsPort system(InterfaceName name) {
        return new OvsPort(name, "", Map.of());
    }

    /** A port whose device OVS creates (a tap on the netdev datapath). */
    public static OvsPort internal(InterfaceName name) {
        return new OvsPort(name, "internal", Map.of());
    }

    /**
     * A {@code vxlan} port named {@link VxlanTunnel#name()} with {@code remote_ip}, {@code key} (the VNI),
     * {@code local_ip}, {@code dst_port} (left out when 4789, OVS's default) and {@code psk}.
     */
    public static OvsPort vxlan(VxlanTunnel t) {
        if (t.remote() == null) {
            throw new InvalidSpecException("vxlan " + t.name() + " remote", null,
                    "an OVS vxlan port needs the peer's address (one port per remote host)");
        }
        Map<String, String> o = new LinkedHashMap<>();
        o.put("remote_ip", t.remote().getHostAddress());
        o.put("key", Integer.toString(t.vni().value()));
        if (t.local() != null) {
            o.put("local_ip", t.local().getHostAddress());
        }
        if (t.dstPort() != VxlanTunnel.IANA_PORT) {
            o.put("dst_port", Integer.toString(t.dstPort()));
        }
        if (t.psk() != null) {
            o.put("psk", t.psk());
        }
        return new OvsPort(t.name(), "vxlan", o);
    }

    @Override
    public String toString() {
        return "OvsPort[" + name + (type.isEmpty() ? "" : " type=" + type)
                + (options.isEmpty() ? "" : " options=" + Redaction.redact("options", options)) + "]";
    }
}
