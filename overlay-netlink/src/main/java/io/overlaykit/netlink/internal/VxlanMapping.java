package io.overlaykit.netlink.internal;

import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.VxlanTunnel;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;

/** Translates between {@link VxlanTunnel} and the field map of {@link LinkKind#VXLAN}. */
public final class VxlanMapping {
    private VxlanMapping() {
    }

    /** The attributes to send: everything the tunnel states; {@code deviceIndex} 0 for none. */
    public static Map<String, Object> toAttributes(VxlanTunnel t, int deviceIndex) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.vni().value());
        InetAddress peer = t.remote() != null ? t.remote() : t.group();
        if (peer != null) {
            m.put(peer instanceof Inet4Address ? "group" : "group6", peer);
        }
        if (t.local() != null) {
            m.put(t.local() instanceof Inet4Address ? "local" : "local6", t.local());
        }
        if (deviceIndex > 0) {
            m.put("link", deviceIndex);
        }
        if (t.ttl() != null) {
            m.put("ttl", t.ttl());
        }
        m.put("learning", t.learning());
        m.put("port", t.dstPort());
        m.put("udpCsum", t.udpChecksum());
        return m;
    }

    /** The tunnel as read back; {@code names} resolves the underlay device index. */
    public static VxlanTunnel fromAttributes(String name, Map<String, Object> m, int mtu, String alias,
                                             IntFunction<String> names) {
        Integer id = (Integer) m.get("id");
        VxlanTunnel.Builder b = VxlanTunnel.builder(name, id == null ? 0 : id);
        InetAddress peer = (InetAddress) (m.containsKey("group") ? m.get("group") : m.get("group6"));
        if (peer != null && !peer.isAnyLocalAddress()) {
            if (peer.isMulticastAddress()) {
                b.group(peer.getHostAddress());
            } else {
                b.remote(peer);
            }
        }
        InetAddress local = (InetAddress) (m.containsKey("local") ? m.get("local") : m.get("local6"));
        if (local != null && !local.isAnyLocalAddress()) {
            b.local(local);
        }
        Integer link = (Integer) m.get("link");
        if (link != null && link > 0) {
            String dev = names.apply(link);
            if (dev != null && InterfaceName.problem(dev) == null) {
                b.device(dev);
            }
        }
        Integer ttl = (Integer) m.get("ttl");
        if (ttl != null && ttl > 0) {
            b.ttl(ttl);
        }
        Integer port = (Integer) m.get("port");
        if (port != null && port > 0) {
            b.dstPort(port);
        }
        b.learning(Boolean.TRUE.equals(m.get("learning")));
        b.udpChecksum(Boolean.TRUE.equals(m.get("udpCsum")));
        if (mtu > 0) {
            b.mtu(mtu);
        }
        if (alias != null && !alias.isEmpty()) {
            b.alias(alias);
        }
        return b.build();
    }
}
